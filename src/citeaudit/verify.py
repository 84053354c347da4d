"""Verifying one reference against its source snapshot (pure).

The snapshot says what the registries answered; this module decides what that means
for the article: does the DOI resolve, was the work found, do the fields agree, is
the work retracted. It never turns a missing answer into a failure.
"""

from __future__ import annotations

from typing import Any

from citeaudit.matching import compare_fields
from citeaudit.models import Reference, ReferenceCheck
from citeaudit.normalize import work_from_dict

# Worst first: the standing reported when a work has several notices.
_STANDING = ("retraction", "withdrawal", "expression_of_concern", "correction")
_STANDING_NAME = {
    "retraction": "retracted",
    "withdrawal": "withdrawn",
    "expression_of_concern": "expression_of_concern",
    "correction": "corrected",
}


def check_reference(ref: Reference, snapshot: dict[str, Any] | None) -> ReferenceCheck:
    if snapshot is None:
        return ReferenceCheck(
            key=ref.key,
            doi=ref.doi,
            doi_status="unverified",
            match="unverified",
            retraction="none",
            problems=["not checked yet: no snapshot in sources/ (run `citeaudit refresh`)"],
        )
    work = work_from_dict(snapshot.get("work"))
    check = ReferenceCheck(
        key=ref.key,
        doi=snapshot.get("doi") or ref.doi,
        doi_status=snapshot.get("doi_status", "unverified"),
        match=snapshot.get("match", "unverified"),
        retraction="none",
        provenance=_provenance_text(snapshot),
    )
    if work is not None and check.match == "matched":
        check.mismatches = compare_fields(ref, work)
        notices = [dict(u) for u in work.updates if u.get("type") in _STANDING]
        if work.is_retracted and not any(n["type"] == "retraction" for n in notices):
            notices.append({"type": "retraction", "doi": None, "date": None, "source": "openalex"})
        check.notices = notices
        for standing in _STANDING:
            if any(n["type"] == standing for n in notices):
                check.retraction = _STANDING_NAME[standing]  # type: ignore[assignment]
                break
    check.problems = _problems(ref, check, snapshot)
    return check


def _provenance_text(snapshot: dict[str, Any]) -> str:
    provenance = snapshot.get("provenance") or {}
    if provenance.get("kind") == "registry":
        asked = [name for name, answer in (snapshot.get("answers") or {}).items() if answer]
        return f"registry answers ({', '.join(asked) or 'none'}), checked {snapshot.get('checked_at', '?')}"
    return str(provenance.get("note") or provenance.get("kind") or "unknown")


def _problems(ref: Reference, check: ReferenceCheck, snapshot: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    notes = list(snapshot.get("match_notes") or [])
    if check.doi_status == "invalid":
        problems.append(f"malformed DOI '{ref.doi}'")
    elif check.doi_status == "not_found":
        problems.append(f"DOI {check.doi} does not resolve")
    if check.match == "not_found":
        problems.append("no registry record matches this reference")
    elif check.match == "ambiguous":
        problems.append("several registry records fit this reference equally well")
    elif check.match == "unverified":
        problems.append("not verified: " + (notes[-1] if notes else "no registry answer"))
    for notice in check.notices:
        label = notice["type"].replace("_", " ")
        where = f" (notice {notice['doi']}" + (
            f", {notice['date']})" if notice.get("date") else ")"
        )
        problems.append(f"{label}{where if notice.get('doi') else ''}")
    for mismatch in check.mismatches:
        if mismatch.severity != "info":
            problems.append(
                f"{mismatch.field}: cited '{mismatch.cited}', registry '{mismatch.registry}'"
            )
    return problems
