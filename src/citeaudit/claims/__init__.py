"""Claims: an `Article` in; the `Claim`s to audit out.

`proposals.py` proposes an article's check-worthy sentences; `csv_file.py` reads and
writes claims.csv, the file editors review and own, so their edits always win over a
proposal. Open `csv_file.py` first.
"""
