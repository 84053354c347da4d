"""Claims: an `Article` in; the `Claim`s to audit out.

`proposals.py` proposes an article's check-worthy sentences (every citing one, and the
uncited ones `checkworthiness.py`'s trained model picks); `parts.py` names what a claim is
about (population, intervention, outcome, direction, figure); `csv_file.py` reads and
writes claims.csv, the file editors review and own, so their edits always win over a
proposal. Open `csv_file.py` first.
"""
