"""Resolving a reference through the registries into a source snapshot.

This is the only stage that talks to the network. The order of questions follows
cost and authority: Crossref for the DOI (or a bibliographic search when the article
gives none), the doi.org handle API only when Crossref lacks the DOI (it may be
registered with another agency), and OpenAlex for the abstract, PMID and its own
retraction flag. Every answer, including faults, is kept in the snapshot.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from citeaudit.config import Settings
from citeaudit.crossref import CrossrefClient
from citeaudit.doi import is_valid_doi, normalize_doi
from citeaudit.doiorg import DoiOrgClient
from citeaudit.matching import accept_candidate, pick_candidate
from citeaudit.models import Reference, Work
from citeaudit.normalize import crossref_work, merge_works, openalex_work
from citeaudit.openalex import OpenAlexClient
from citeaudit.registry import RegistryAnswer, now_iso
from citeaudit.sources import SNAPSHOT_SCHEMA, source_id

SEARCH_ROWS = 5
# Bulky parts of a Crossref record that no check uses; dropped to keep snapshots reviewable.
_DROP_FROM_CROSSREF = ("reference", "relation", "link", "license", "funder", "assertion")


class Registries:
    """The three clients, built once per run from the settings."""

    def __init__(self, settings: Settings):
        self.crossref = CrossrefClient(settings)
        self.openalex = OpenAlexClient(settings)
        self.doi_org = DoiOrgClient(settings)


def _trim(answer: RegistryAnswer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    data = answer.to_dict()
    record = data["record"]
    if answer.registry == "crossref" and isinstance(record, dict):
        data["record"] = {k: v for k, v in record.items() if k not in _DROP_FROM_CROSSREF}
    elif isinstance(record, list):
        data["record"] = [
            {k: v for k, v in r.items() if k not in _DROP_FROM_CROSSREF}
            for r in record
            if isinstance(r, dict)
        ]
    return data


def bibliographic_string(ref: Reference) -> str:
    """What Crossref's query.bibliographic is designed for: the reference as written."""
    return ref.raw


def resolve_reference(ref: Reference, registries: Registries) -> dict[str, Any]:
    """Ask the registries about one reference and return its snapshot (see sources.py)."""
    answers: dict[str, dict[str, Any] | None] = {}
    notes: list[str] = []
    crossref_record: Work | None = None
    doi = normalize_doi(ref.doi) if ref.doi else None
    doi_status = "unverified"
    match = "unverified"

    if doi is not None and not is_valid_doi(doi):
        doi_status, match = "invalid", "not_found"
        notes.append(f"'{ref.doi}' is not a well-formed DOI")
        doi = None
    elif doi is not None:
        doi_status, match, crossref_record = _resolve_doi(ref, doi, registries, answers, notes)
    else:
        match, crossref_record = _search(ref, registries, answers, notes)
        if crossref_record is not None:
            doi = crossref_record.doi
            doi_status = (
                "resolves"
                if answers.get("crossref_search", {}).get("status") == "found"
                else doi_status
            )

    openalex_record: Work | None = None
    if doi:
        answer = registries.openalex.work_by_doi(doi)
        answers["openalex"] = _trim(answer)
        if answer.status == "found":
            openalex_record = openalex_work(answer.record)
            if doi_status == "unverified":
                doi_status = "resolves"  # OpenAlex only lists DOIs that resolve
    work = merge_works(crossref_record, openalex_record)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "id": source_id(ref),
        "cited_as": {
            "first_author": ref.first_author_surname,
            "year": ref.year,
            "title": ref.title,
            "doi": ref.doi,
        },
        "work": asdict(work) if work else None,
        "doi": doi,
        "doi_status": doi_status,
        "match": match if work or match != "matched" else "unverified",
        "match_notes": notes,
        "answers": answers,
        "provenance": {
            "kind": "registry",
            "note": "Built by citeaudit refresh from the registries' answers recorded under 'answers'.",
        },
        "checked_at": now_iso(),
    }


def _resolve_doi(
    ref: Reference,
    doi: str,
    registries: Registries,
    answers: dict[str, dict[str, Any] | None],
    notes: list[str],
) -> tuple[str, str, Work | None]:
    answer = registries.crossref.work(doi)
    answers["crossref"] = _trim(answer)
    if answer.status == "found":
        work = crossref_work(answer.record)
        verdict = accept_candidate(ref, work)
        if not verdict.accepted and ref.title:
            notes.append("the DOI resolves to a different work: " + "; ".join(verdict.reasons))
            return "resolves", "not_found", work
        return "resolves", "matched", work
    # Crossref does not have it (or did not answer): only the handle system can say
    # whether the DOI exists at all; another agency (DataCite, mEDRA...) may hold it.
    handle = registries.doi_org.handle(doi)
    answers["doi.org"] = _trim(handle)
    if handle.status == "found":
        notes.append("registered with another agency than Crossref")
        return "resolves", "unverified", None
    if handle.status == "not_found" and answer.status == "not_found":
        notes.append("neither Crossref nor the DOI system knows this DOI")
        return "not_found", "not_found", None
    notes.append(
        "no definite answer from the registries: " + (answer.error or handle.error or "fault")
    )
    return "unverified", "unverified", None


def _search(
    ref: Reference,
    registries: Registries,
    answers: dict[str, dict[str, Any] | None],
    notes: list[str],
) -> tuple[str, Work | None]:
    """No DOI in the article: find the work by its bibliographic data, or say so."""
    answer = registries.crossref.search(bibliographic_string(ref), rows=SEARCH_ROWS)
    answers["crossref_search"] = _trim(answer)
    statuses = [answer.status]
    if answer.status == "found":
        match, work, why = pick_candidate(ref, [crossref_work(item) for item in answer.record])
        notes.extend(why)
        if match != "not_found":
            return match, work
    if ref.title:
        fallback = registries.openalex.search(ref.title, rows=SEARCH_ROWS)
        answers["openalex_search"] = _trim(fallback)
        statuses.append(fallback.status)
        if fallback.status == "found":
            match, work, why = pick_candidate(
                ref, [openalex_work(item) for item in fallback.record]
            )
            notes.extend(why)
            if match != "not_found":
                return match, work
    if "error" in statuses:
        notes.append("a registry did not answer, so absence is not established")
        return "unverified", None
    return "not_found", None
