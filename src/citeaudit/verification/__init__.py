"""Verification: a `Reference` in; its source snapshot and `ReferenceCheck` out.

`lookup.py` asks the registries about one reference and records every answer in a
snapshot (`snapshots.py`, the reviewable files in sources/); `matching.py` decides
whether a record is the cited work and where the two disagree; `reference_check.py`
turns a snapshot into the verdict on the reference (DOI status, match, field
mismatches, retraction). Matching and checking are pure. Open `reference_check.py` first.
"""
