"""Quality: claims.csv rows and source snapshots in; great-expectations results out.

`expectations.py` states what the rest of the pipeline relies on as expectation
suites; `memo.py` remembers their outcome for inputs that have not changed, because
importing great-expectations costs seconds. Open `expectations.py` first.
"""
