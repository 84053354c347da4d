"""Judging: a claim and the texts of the sources it cites in; a `Judgment` out.

`evidence.py` finds the source sentences that bear on a claim; a judge says whether
they support it: `rules.py` (the health-writing rules, which every judge applies),
`learned.py` (a trained classifier, the default) or `llm.py` (a chat server the user
runs). `choice.py` picks the judge by name; `claim.py` asks it of every source a claim
relies on and keeps the best answer. Open `claim.py` first.
"""
