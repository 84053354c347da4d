"""Verifying one reference against its source snapshot (pure).

The snapshot says what the registries answered; this module decides what that means
for the article: does the DOI resolve, was the work found, do the fields agree, is
the work retracted. It never turns a missing answer into a failure.
"""

from __future__ import annotations

from typing import Any

from stdnum import isbn

from citeaudit.doi import is_valid_doi, normalize_doi
from citeaudit.models import Mismatch, Reference, ReferenceCheck, Work
from citeaudit.registries.works import work_from_dict
from citeaudit.verification.matching import compare_fields

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
        malformed = bool(ref.doi) and not is_valid_doi(normalize_doi(ref.doi or ""))
        return ReferenceCheck(
            key=ref.key,
            doi=ref.doi,
            # A DOI's syntax needs no registry: malformed is malformed, offline too.
            doi_status="invalid" if malformed else "unverified",
            match="unverified",
            retraction="unknown",
            mismatches=_isbn_mismatches(ref),
            problems=[f"malformed DOI '{ref.doi}'"] * malformed
            + ["not checked yet: no snapshot in sources/ (run `citeaudit refresh`)"],
        )
    work = work_from_dict(snapshot.get("work"))
    check = ReferenceCheck(
        key=ref.key,
        doi=snapshot.get("doi") or ref.doi,
        doi_status=snapshot.get("doi_status", "unverified"),
        match=snapshot.get("match", "unverified"),
        retraction="unknown",  # until a record of the cited work is read below
        provenance=_provenance_text(snapshot),
        registry_answer=(snapshot.get("provenance") or {}).get("kind", "registry") == "registry",
    )
    if work is not None and check.match == "matched":
        check.mismatches = compare_fields(ref, work)
    # A notice on the record the DOI resolves to stands even when another registry did
    # not answer (match `unverified`): a fault must never hide a retraction Crossref reported.
    if work is not None and (
        check.match == "matched" or (check.match == "unverified" and check.doi_status == "resolves")
    ):
        notices = [dict(u) for u in work.updates if u.get("type") in _STANDING]
        if work.is_retracted and not any(n["type"] == "retraction" for n in notices):
            notices.append({"type": "retraction", "doi": None, "date": None, "source": "openalex"})
        check.notices = notices
        # "none" only on Crossref's word: it carries every kind of notice (`updated-by`:
        # retractions, expressions of concern, corrections; Retraction Watch's data too),
        # OpenAlex only `is_retracted`. A snapshot built from stored pages (the seed's) or
        # a run in which Crossref failed says nothing about them.
        # A work found by search (no DOI in the article) has Crossref's word when the
        # record matched is one of Crossref's hits: its `updated-by` came with it.
        answers = snapshot.get("answers") or {}
        crossref = answers.get("crossref") or {}
        if crossref.get("status") in ("found", "not_found") or _crossref_hit(
            answers.get("crossref_search"), work.doi
        ):
            check.retraction = "none"
        for standing in _STANDING:
            if any(n["type"] == standing for n in notices):
                check.retraction = _STANDING_NAME[standing]  # type: ignore[assignment]
                break
    check.mismatches.extend(_isbn_mismatches(ref))
    check.problems = _problems(ref, check, snapshot)
    if work is not None and check.match == "matched":
        check.problems.extend(_notice_and_edition_problems(ref, work))
    return check


def _crossref_hit(search: dict[str, Any] | None, doi: str | None) -> bool:
    """Whether a Crossref search answer holds the record of `doi`."""
    if not search or search.get("status") != "found" or not doi:
        return False
    hits = search.get("record") if isinstance(search.get("record"), list) else []
    return any(isinstance(h, dict) and normalize_doi(str(h.get("DOI", ""))) == doi for h in hits)


def _notice_and_edition_problems(ref: Reference, work: Work) -> list[str]:
    """What an editor should know that is not a field error: the DOI cited is itself a
    retraction or correction notice (Crossref `update-to`), or a valid ISBN that is not
    among the registry's (usually another edition or format of the book)."""
    out = [
        f"the DOI cited is a {notice['type'].replace('_', ' ')} notice"
        + (f" for {notice['doi']}" if notice.get("doi") else "")
        + ", not the work itself"
        for notice in work.update_to
    ]
    if ref.isbn and isbn.is_valid(ref.isbn) and work.isbn:
        registry = {isbn.to_isbn13(v) for v in work.isbn if isbn.is_valid(v)}
        if registry and isbn.to_isbn13(ref.isbn) not in registry:
            out.append(
                f"ISBN {ref.isbn} is not among the registry's ({', '.join(sorted(registry))}): "
                "another edition or format?"
            )
    return out


def _isbn_mismatches(ref: Reference) -> list[Mismatch]:
    """An ISBN whose check digit is wrong is a typo in the article, registry or not."""
    if not ref.isbn or isbn.is_valid(ref.isbn):
        return []
    return [
        Mismatch(
            "isbn",
            ref.isbn,
            "(no valid ISBN)",
            "error",
            f"'{ref.isbn}' is not a valid ISBN (wrong length or check digit): a typo in the reference",
        )
    ]


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
