"""Resolving a reference through the registries into a source snapshot.

This is the only stage that talks to the network. The order of questions follows
cost and authority: Crossref for the DOI (or a bibliographic search when the article
gives none), the doi.org handle API only when Crossref lacks the DOI (it may be
registered with another agency), and OpenAlex for the abstract, PMID and its own
retraction flag. Every answer, including faults, is kept in the snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from citeaudit.config import Settings
from citeaudit.doi import is_valid_doi, normalize_doi
from citeaudit.models import Reference, Work
from citeaudit.registries.answers import RegistryAnswer, now_iso
from citeaudit.registries.crossref import CrossrefClient
from citeaudit.registries.datacite import DataCiteClient
from citeaudit.registries.doiorg import DoiOrgClient
from citeaudit.registries.europepmc import EuropePMCClient, add_europepmc_abstract
from citeaudit.registries.openalex import OpenAlexClient
from citeaudit.registries.pubmed import PubMedClient, pubmed_notices
from citeaudit.registries.works import (
    OPENALEX_FIELDS,
    crossref_work,
    datacite_work,
    merge_works,
    openalex_work,
)
from citeaudit.verification.matching import accept_candidate, doi_confirms, pick_candidate
from citeaudit.verification.snapshots import SNAPSHOT_SCHEMA, cited_as, source_id

logger = logging.getLogger(__name__)

SEARCH_ROWS = 5
# Bulky parts of a Crossref record that no check uses; dropped to keep snapshots reviewable.
_DROP_FROM_CROSSREF = ("reference", "relation", "link", "license", "funder", "assertion")


class Registries:
    """The clients, built once per run from the settings."""

    def __init__(self, settings: Settings):
        self.crossref = CrossrefClient(settings)
        self.openalex = OpenAlexClient(settings)
        self.doi_org = DoiOrgClient(settings)
        # Abstracts the other two lack; None when Europe PMC is not to be asked.
        self.europepmc = EuropePMCClient(settings) if settings.europepmc_url else None
        # Metadata of DataCite DOIs (datasets, preprints); None when not to be asked.
        self.datacite = DataCiteClient(settings) if settings.datacite_url else None
        # Retractions PubMed knows of, for works with a PMID; None when not to be asked.
        self.pubmed = PubMedClient(settings) if settings.pubmed_url else None


def _trim(answer: RegistryAnswer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    data = answer.to_dict()
    record = data["record"]
    if answer.registry == "crossref" and isinstance(record, dict):
        data["record"] = {k: v for k, v in record.items() if k not in _DROP_FROM_CROSSREF}
    elif answer.registry.startswith("openalex"):
        # What the checks read; a whole work (asked by DOI) is five to ten times that.
        if isinstance(record, dict):
            data["record"] = {k: record[k] for k in OPENALEX_FIELDS if k in record}
        elif isinstance(record, list):
            data["record"] = [
                {k: r[k] for k in OPENALEX_FIELDS if k in r} for r in record if isinstance(r, dict)
            ]
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
    """Ask the registries about one reference and return its snapshot (see snapshots.py)."""
    answers: dict[str, dict[str, Any] | None] = {}
    notes: list[str] = []
    crossref_record: Work | None = None
    doi = normalize_doi(ref.doi) if ref.doi else None
    doi_status = "unverified"
    match = "unverified"

    if doi is not None and not is_valid_doi(doi):
        doi_status = "invalid"
        notes.append(f"'{ref.doi}' is not a well-formed DOI")
        # The reference may still name a real work: find it, so the report can give
        # the right DOI instead of only calling this one malformed.
        match, crossref_record = _search(ref, registries, answers, notes)
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
    # The work found may have another DOI than the one cited (a typo the search corrected).
    lookup = crossref_record.doi if crossref_record is not None and crossref_record.doi else doi
    if lookup:
        answer = registries.openalex.work_by_doi(lookup)
        answers["openalex"] = _trim(answer)
        if answer.status == "found":
            openalex_record = openalex_work(answer.record)
            if doi_status == "unverified" and lookup == doi:
                doi_status = "resolves"  # OpenAlex only lists DOIs that resolve
            if match == "unverified" and crossref_record is None and lookup == doi:
                # A DOI Crossref lacks (another agency's): OpenAlex's record is the one
                # to check the reference against, if it is the cited work.
                verdict = doi_confirms(ref, openalex_record)
                if verdict.accepted:
                    match = "matched"
                else:
                    match = "not_found"
                    notes.append(
                        "the DOI resolves to a different work: " + "; ".join(verdict.reasons)
                    )
    work = merge_works(crossref_record, openalex_record)
    match = _unverified_if_incomplete(match, answers, notes)
    add_europepmc_abstract(work, getattr(registries, "europepmc", None), answers, notes)
    add_pubmed_standing(work, ref, getattr(registries, "pubmed", None), answers, notes)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "id": source_id(ref),
        "cited_as": cited_as(ref),
        "work": work.to_dict() if work else None,
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


def add_pubmed_standing(
    work: Work | None,
    ref: Reference,
    client: PubMedClient | None,
    answers: dict[str, dict[str, Any] | None],
    notes: list[str],
) -> None:
    """Add PubMed's retraction and expression-of-concern notices to `work`.

    Asked for a work with a PMID (the registries', else the article's). PubMed adds
    notices, never takes them away; a fault is only noted: the work's standing then
    rests on Crossref and OpenAlex alone, as it did before PubMed was asked.
    """
    pmid = (work.pmid if work is not None else None) or ref.pmid
    if work is None or client is None or not pmid or not str(pmid).isdigit():
        return
    answer = client.summary(str(pmid))
    if answer.status == "error":
        notes.append(f"no answer from PubMed on the work's standing: {answer.error}")
        return
    answers["pubmed"] = _trim(answer)
    if answer.status != "found":
        return
    work.pmid = work.pmid or str(pmid)
    for notice in pubmed_notices(answer.record):
        if not any(
            u.get("type") == notice["type"]
            and (u.get("doi") == notice["doi"] or not notice["doi"] or not u.get("doi"))
            for u in work.updates
        ):
            work.updates.append(notice)


def _unverified_if_incomplete(
    match: str, answers: dict[str, dict[str, Any] | None], notes: list[str]
) -> str:
    """A match (or its absence) is only established when every registry asked answered.

    A fault on any of them leaves something unknown: OpenAlex down while Crossref
    answered hides the abstract and a retraction flag; Crossref down leaves only
    OpenAlex's record to compare (a `not_found` the Crossref record would not give);
    a failed search turns a clear match into `ambiguous`. Judging from the rest could
    turn a fault into a wrong verdict, so the reference stays `unverified`, with why.
    The DOI status is left alone: each of its values rests on definite answers.
    """
    faults = [
        f"{name}: {answer.get('error') or 'no answer'}"
        for name, answer in answers.items()
        if answer and answer.get("status") == "error"
    ]
    if match == "unverified" or not faults:
        return match
    notes.append(
        "not every registry answered, so the match is unverified (" + "; ".join(faults) + ")"
    )
    return "unverified"


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
        verdict = doi_confirms(ref, work)
        if not verdict.accepted:
            notes.append(
                f"the DOI resolves to a different work ({work.title}): "
                + "; ".join(verdict.reasons)
            )
            match, found = _search(ref, registries, answers, [])
            if match == "matched" and found is not None and found.doi != work.doi:
                notes.append(f"the reference itself matches {found.doi}")
                return "resolves", "matched", found
            return "resolves", "not_found", work
        return "resolves", "matched", work
    # Crossref does not have it (or did not answer): only the handle system can say
    # whether the DOI exists at all; another agency (DataCite, mEDRA...) may hold it.
    handle = registries.doi_org.handle(doi)
    answers["doi.org"] = _trim(handle)
    if handle.status == "found":
        if answer.status == "error":  # Crossref may well have it: it just did not answer
            notes.append(f"the DOI exists (doi.org), but Crossref did not answer: {answer.error}")
        else:
            agency = registries.doi_org.agency(doi)
            answers["doi.org_ra"] = _trim(agency)
            name = agency_name(agency.record) if agency.status == "found" else None
            checked = _datacite(ref, doi, name, registries, answers, notes)
            if checked is not None:
                return "resolves", *checked
            notes.append(
                f"registered with {name}, not in Crossref's API (not an error)"
                if name and name.lower() != "crossref"
                else "registered with another agency than Crossref"
            )
        return "resolves", "unverified", None
    if handle.status == "not_found" and answer.status == "not_found":
        notes.append("neither Crossref nor the DOI system knows this DOI")
        # Usually a typo: the reference's own data may still find the work it meant.
        match, found = _search(ref, registries, answers, [])
        if match == "matched" and found is not None:
            notes.append(f"the reference matches {found.doi}: check the DOI cited")
            return "not_found", "matched", found
        return "not_found", "not_found", None
    notes.append(
        "no definite answer from the registries: " + (answer.error or handle.error or "fault")
    )
    return "unverified", "unverified", None


def _datacite(
    ref: Reference,
    doi: str,
    agency: str | None,
    registries: Registries,
    answers: dict[str, dict[str, Any] | None],
    notes: list[str],
) -> tuple[str, Work | None] | None:
    """The match against DataCite's record of a DataCite DOI, and that record (None
    when DataCite had none or did not answer: the match is then `unverified`); None
    when DataCite is not to be asked (another agency's DOI, or no DataCite URL)."""
    client = getattr(registries, "datacite", None)
    if client is None or (agency or "").lower() != "datacite":
        return None
    answer = client.work(doi)
    answers["datacite"] = _trim(answer)
    if answer.status != "found":
        notes.append(
            f"registered with DataCite, which did not answer: {answer.error}"
            if answer.status == "error"
            else "registered with DataCite, which has no record of it"
        )
        return "unverified", None
    work = datacite_work(answer.record)
    verdict = doi_confirms(ref, work)
    if verdict.accepted:
        return "matched", work
    notes.append(
        f"the DOI resolves to a different work ({work.title}): " + "; ".join(verdict.reasons)
    )
    return "not_found", work


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
    first: tuple[str, Work | None] | None = None
    if answer.status == "found":
        match, work, why = pick_candidate(ref, _candidates(crossref_work, answer.record))
        notes.extend(why)
        if match == "ambiguous" or (
            match == "matched" and work is not None and not _weak(ref, work)
        ):
            return match, work
        if match == "matched":
            first = (match, work)  # e.g. a preprint where the article cites a journal
    fallback = registries.openalex.search(ref.title or ref.raw, rows=SEARCH_ROWS)
    answers["openalex_search"] = _trim(fallback)
    statuses.append(fallback.status)
    if fallback.status == "found":
        match, work, why = pick_candidate(ref, _candidates(openalex_work, fallback.record))
        if first is None:
            notes.extend(why)
        if match == "matched" and work is not None and first is not None:
            if accept_candidate(ref, work).score > accept_candidate(ref, first[1]).score:  # type: ignore[arg-type]
                return match, work
            return first
        if match != "not_found":
            return match, work
    if first is not None:
        return first
    if "error" in statuses:
        notes.append("a registry did not answer, so absence is not established")
        return "unverified", None
    if ref.kind == "book" and not ref.doi:
        notes.append(
            "not in Crossref or OpenAlex, which hold few books: absence there does not show "
            "that the book does not exist (check its ISBN)"
        )
        return "unverified", None
    return "not_found", None


def _candidates(normalise: Callable[[Any], Work], records: Any) -> list[Work]:
    """Search hits as works; a hit of a shape no registry documents is not a candidate
    (one malformed record must not cost the reference its other candidates)."""
    works = []
    for record in records if isinstance(records, list) else []:
        try:
            works.append(normalise(record))
        except (AttributeError, TypeError, ValueError, KeyError):
            continue
    return works


def _weak(ref: Reference, work: Work) -> bool:
    """A match that contradicts the reference somewhere (journal, volume, pages): worth
    asking OpenAlex whether a better-fitting record exists (the journal version of a
    preprint, say)."""
    return any(r.startswith("differs in") for r in accept_candidate(ref, work).reasons)


def agency_name(record: Any) -> str | None:
    """The registration agency in a doi.org "Which RA?" answer (`[{"DOI":…, "RA":…}]`)."""
    if isinstance(record, list) and record and isinstance(record[0], dict):
        return record[0].get("RA")
    return None


def resolve_contained(ref: Reference, registries: Any) -> dict[str, Any]:
    """Resolve one reference; a registry answer we fail to interpret costs that one
    reference (`unverified`, with the error named), never the whole run."""
    try:
        return resolve_reference(ref, registries)
    except Exception as exc:  # a record of a shape no client check foresaw
        # Debug, not warning: stderr carries the CI's one-line-per-finding contract.
        logger.debug("could not interpret the registry answers for %s", ref.key, exc_info=True)
        error = f"could not interpret the registry answers ({type(exc).__name__})"
        return {
            "schema": SNAPSHOT_SCHEMA,
            "id": source_id(ref),
            "cited_as": cited_as(ref),
            "work": None,
            "doi": None,
            "doi_status": "unverified",
            "match": "unverified",
            "match_notes": [error],
            "answers": {"citeaudit": {"registry": "citeaudit", "status": "error", "url": "",
                                      "fetched_at": now_iso(), "record": None, "error": error}},
            "provenance": {"kind": "registry", "note": "Resolution failed; see match_notes."},
            "checked_at": now_iso(),
        }  # fmt: skip
