"""Registry records (Crossref, OpenAlex, DataCite) to one `Work` shape.

Crossref and OpenAlex describe the same work differently (date-parts vs a year,
JATS abstracts vs an inverted index, `updated-by` vs `is_retracted`); the checks only
ever see the normalised form, so they do not care which registry answered.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from citeaudit.doi import normalize_doi
from citeaudit.models import Work

# Crossref update types that change a work's standing, mapped to our vocabulary.
UPDATE_TYPES = {
    "retraction": "retraction",
    "removal": "withdrawal",
    "withdrawal": "withdrawal",
    "expression_of_concern": "expression_of_concern",
    "expression-of-concern": "expression_of_concern",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
    "addendum": "correction",
    "clarification": "correction",
    "partial_retraction": "retraction",
}


def jats_to_text(markup: str | None) -> str | None:
    """Plain text of a JATS/HTML abstract: tags dropped, entities decoded, a leading
    "Abstract" heading removed (Crossref abstracts often start with one)."""
    from citeaudit.registries.abstracts import (
        markup_to_text,  # a real parser, not regexes (see there)
    )

    return markup_to_text(markup)


def _first(values: Any) -> str | None:
    if isinstance(values, list):
        return str(values[0]).strip() if values else None
    return str(values).strip() if values else None


def _crossref_year(message: dict[str, Any]) -> int | None:
    # The print year is what reference lists cite; online-first dates come earlier.
    for key in ("published-print", "issued", "published-online", "published", "created"):
        parts = (message.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def _crossref_years(message: dict[str, Any]) -> list[int]:
    """Every year Crossref dates the work by: print, online, issue, first publication."""
    years = set()
    for key in ("published-print", "published-online", "issued", "published", "journal-issue"):
        value = message.get(key) or {}
        if key == "journal-issue":
            value = value.get("published-print") or {}
        parts = value.get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            years.add(int(parts[0][0]))
    return sorted(years)


# Titles by which publishers mark a work's standing when no machine-readable notice
# links it (Elsevier's "RETRACTED:", Hindawi's "Retracted:" notices, Cochrane's
# "WITHDRAWN:"): the registry's own words, so they are reported with that source.
_TITLE_STANDING = (
    (
        re.compile(
            r"^\s*(?:retracted(?: article)?|retraction(?: note| notice)?(?: to| for| of)?)\s*[:.-]",
            re.I,
        ),
        "retraction",
    ),
    (re.compile(r"^\s*withdrawn\s*[:.-]", re.I), "withdrawal"),
    (re.compile(r"^\s*expression of concern\s*[:.-]", re.I), "expression_of_concern"),
)


def title_standing(title: str | None) -> str | None:
    """The standing a registry title announces ("RETRACTED: ..."), or None."""
    for pattern, standing in _TITLE_STANDING:
        if title and pattern.match(title):
            return standing
    return None


def _crossref_date(value: dict[str, Any] | None) -> str | None:
    if not value:
        return None
    if value.get("date-time"):
        return str(value["date-time"])[:10]
    parts = (value.get("date-parts") or [[None]])[0]
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts) if p) or None


def crossref_work(message: dict[str, Any]) -> Work:
    authors = []
    for author in message.get("author") or []:
        if author.get("family"):
            given = author.get("given")
            authors.append(f"{author['family']}, {given}" if given else author["family"])
        elif author.get("name"):
            authors.append(author["name"])
    updates = [
        {
            "type": UPDATE_TYPES.get(str(u.get("type", "")).lower(), str(u.get("type", ""))),
            "doi": normalize_doi(u["DOI"]) if u.get("DOI") else None,
            "date": _crossref_date(u.get("updated")),
            "source": f"crossref ({u['source']})" if u.get("source") else "crossref",
            "label": u.get("label"),
        }
        for u in message.get("updated-by") or []
        if isinstance(u, dict)
    ]
    title = _first(message.get("title"))
    standing = title_standing(title)
    if standing and not any(u["type"] == standing for u in updates):
        updates.append(
            {
                "type": standing,
                "doi": None,
                "date": None,
                "source": "crossref (title)",
                "label": f"the registry's title marks this work as {standing.replace('_', ' ')}",
            }
        )
    # A notice itself (Crossref `update-to`): the cited DOI is a retraction or correction
    # notice, not the work it updates; kept so the check can say so.
    update_to = [
        {
            "type": UPDATE_TYPES.get(str(u.get("type", "")).lower(), str(u.get("type", ""))),
            "doi": normalize_doi(u["DOI"]) if u.get("DOI") else None,
            "date": _crossref_date(u.get("updated")),
        }
        for u in message.get("update-to") or []
        if isinstance(u, dict)
    ]
    abstract = jats_to_text(message.get("abstract"))
    edition = message.get("edition-number")
    return Work(
        doi=normalize_doi(message["DOI"]) if message.get("DOI") else None,
        title=title,
        authors=authors,
        year=_crossref_year(message),
        years=_crossref_years(message),
        edition=str(edition) if edition else None,
        update_to=update_to,
        container=_first(message.get("container-title")),
        container_short=list(message.get("short-container-title") or []),
        issn=list(message.get("ISSN") or []),
        volume=message.get("volume"),
        issue=message.get("issue"),
        pages=message.get("page"),
        publisher=message.get("publisher"),
        type=message.get("type"),
        isbn=list(message.get("ISBN") or []),
        abstract=abstract,
        abstract_source="crossref" if abstract else None,
        updates=updates,
    )


def openalex_abstract(inverted: dict[str, list[int]] | None) -> str | None:
    """OpenAlex ships abstracts as word -> positions; rebuild the running text."""
    if not inverted:
        return None
    positions = sorted((p, word) for word, places in inverted.items() for p in places)
    return " ".join(word for _, word in positions) or None


# The root fields of an OpenAlex work that `openalex_work` reads, and its id: what a
# batch or a search asks for (`select=`) and all a snapshot keeps. A whole work runs to
# 20-40 KB of JSON (every concept, MeSH term, location and cited work), five to ten
# times these; a cold run of 1,000 references spent more time decoding, caching and
# writing the rest than on everything it checks.
OPENALEX_FIELDS = (
    "id",
    "doi",
    "ids",
    "title",
    "display_name",
    "type",
    "publication_year",
    "publication_date",
    "authorships",
    "primary_location",
    "biblio",
    "abstract_inverted_index",
    "is_retracted",
)


def openalex_work(record: dict[str, Any]) -> Work:
    ids = record.get("ids") or {}
    biblio = record.get("biblio") or {}
    pages = None
    if biblio.get("first_page"):
        pages = biblio["first_page"]
        if biblio.get("last_page") and biblio["last_page"] != biblio["first_page"]:
            pages += f"-{biblio['last_page']}"
    source = ((record.get("primary_location") or {}).get("source")) or {}
    authors = []
    for authorship in record.get("authorships") or []:
        name = (authorship.get("author") or {}).get("display_name") or authorship.get(
            "raw_author_name"
        )
        if name:
            parts = name.rsplit(" ", 1)
            authors.append(f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name)
    pmid = ids.get("pmid")
    abstract = openalex_abstract(record.get("abstract_inverted_index"))
    years = {record.get("publication_year")}
    if record.get("publication_date"):
        years.add(int(str(record["publication_date"])[:4]))
    title = record.get("title") or record.get("display_name")
    standing = title_standing(title)
    return Work(
        doi=normalize_doi(record["doi"]) if record.get("doi") else None,
        title=title,
        authors=authors,
        year=record.get("publication_year"),
        years=sorted(y for y in years if y),
        container_short=[source["abbreviated_title"]] if source.get("abbreviated_title") else [],
        container=source.get("display_name"),
        issn=list(source.get("issn") or []),
        volume=biblio.get("volume"),
        issue=biblio.get("issue"),
        pages=pages,
        type=record.get("type"),
        pmid=str(pmid).rsplit("/", 1)[-1] if pmid else None,
        abstract=abstract,
        abstract_source="openalex" if abstract else None,
        is_retracted=bool(record.get("is_retracted")) or standing == "retraction",
    )


def datacite_work(data: dict[str, Any]) -> Work:
    """A DataCite record (the `data` of `GET /dois/{doi}`) as a `Work`.

    DataCite names its fields after its metadata schema: `creators` (with family and
    given names for people, a `name` alone for organisations), `titles`, a
    `publicationYear`, a `container` for the journal or series a work is part of, and
    the `publisher` (a string, or an object when asked with `publisher=true`).
    """
    attributes = data.get("attributes") or {}
    authors = []
    for creator in attributes.get("creators") or []:
        family, given = creator.get("familyName"), creator.get("givenName")
        name = f"{family}, {given}" if family and given else family or creator.get("name")
        if name:
            authors.append(str(name).strip())
    title = next(
        (t.get("title") for t in attributes.get("titles") or [] if not t.get("titleType")),
        None,
    ) or _first([t.get("title") for t in attributes.get("titles") or []])
    container = attributes.get("container") or {}
    publisher = attributes.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    years = {attributes.get("publicationYear")}
    for date in attributes.get("dates") or []:
        if date.get("dateType") in ("Issued", "Available") and str(date.get("date"))[:4].isdigit():
            years.add(int(str(date["date"])[:4]))
    pages = container.get("firstPage")
    if pages and container.get("lastPage"):
        pages = f"{pages}-{container['lastPage']}"
    abstract = next(
        (
            d.get("description")
            for d in attributes.get("descriptions") or []
            if d.get("descriptionType") == "Abstract" and isinstance(d.get("description"), str)
        ),
        None,
    )
    year = attributes.get("publicationYear")
    types = attributes.get("types") or {}
    return Work(
        doi=normalize_doi(attributes.get("doi") or data.get("id") or "") or None,
        title=str(title).strip() if title else None,
        authors=authors,
        year=int(year) if str(year or "").isdigit() else None,
        years=sorted(int(y) for y in years if str(y or "").isdigit()),
        container=container.get("title"),
        volume=container.get("volume"),
        issue=container.get("issue"),
        pages=pages,
        publisher=publisher,
        type=types.get("citeproc") or types.get("resourceTypeGeneral"),
        abstract=jats_to_text(abstract),
        abstract_source="datacite" if abstract else None,
    )


def merge_works(crossref: Work | None, openalex: Work | None) -> Work | None:
    """Crossref is the registry of record for metadata; OpenAlex adds the abstract,
    PMID and its own retraction flag (which includes Retraction Watch data)."""
    if crossref is None:
        return openalex
    if openalex is None:
        return crossref
    merged = replace(crossref, authors=list(crossref.authors), updates=list(crossref.updates))
    if not merged.abstract and openalex.abstract:
        merged.abstract, merged.abstract_source = openalex.abstract, openalex.abstract_source
    merged.pmid = merged.pmid or openalex.pmid
    merged.is_retracted = crossref.is_retracted or openalex.is_retracted
    merged.years = sorted({*crossref.years, *openalex.years})
    for field_name in ("volume", "issue", "pages", "container", "year", "title"):
        if getattr(merged, field_name) in (None, "") and getattr(openalex, field_name):
            setattr(merged, field_name, getattr(openalex, field_name))
    return merged


def work_from_dict(data: dict[str, Any] | None) -> Work | None:
    if not data:
        return None
    known = set(Work.__dataclass_fields__)
    return Work(**{k: v for k, v in data.items() if k in known})
