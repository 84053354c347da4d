"""The corrected reference, as the registry has it, in the article's own style.

A report that says "volume: cited 12, registry 33" leaves the editor to retype the
entry; the fix they want is the whole entry, rewritten from the record and styled
like the rest of the list, ready to paste. So for each reference that matched a
registry record but differs from it (a wrong field, a DOI that does not resolve or
is malformed, a DOI the search corrected), the record is rendered with citeproc-py
and the official CSL styles (copied in `styles/`, see `styles/PROVENANCE.md`).

The style is not guessed from rules: every style offered is tried on the article's
own matched references, and the one whose renderings are shaped most like what the
article wrote (the same punctuation around names, year, volume and pages) wins. An article too short or too unlike any of them gets APA, and says so.

Only registry answers are turned into suggestions: a record built from stored pages
(the offline seed) is not the registry's word, and a suggestion must not invent one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from rapidfuzz import fuzz

STYLES: dict[str, str] = {
    "apa": "apa.csl",
    "vancouver": "elsevier-vancouver.csl",
    "ama": "american-medical-association.csl",
    "harvard": "harvard-cite-them-right-11th-edition.csl",
    "chicago": "chicago-author-date.csl",
    "ieee": "ieee.csl",
    "nature": "nature.csl",
}
"""Styles a suggestion may take: the families real health and science lists use."""

STYLE_LABELS: dict[str, str] = {
    "apa": "APA",
    "vancouver": "Vancouver",
    "ama": "AMA",
    "harvard": "Harvard",
    "chicago": "Chicago author-date",
    "ieee": "IEEE",
    "nature": "Nature",
}

DEFAULT_STYLE = "apa"
# Below this mean similarity (0-100) the article's list is like none of the styles.
_STYLE_FLOOR = 60.0
# Enough references to tell the style; more only costs time on a long list.
_STYLE_SAMPLE = 8
_LIST_NUMBER = re.compile(r"^\s*(?:\[\d+\]|\d+[.)])\s*")
_DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/")
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+")

_CSL_TYPES = {
    "journal-article": "article-journal",
    "article": "article-journal",
    "review": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "posted-content": "article",
    "preprint": "article",
    "dataset": "dataset",
    "report": "report",
    "dissertation": "thesis",
}


@dataclass(frozen=True)
class Style:
    """The style suggestions are written in, and whether the article showed it."""

    name: str
    detected: bool
    similarity: float | None = None  # mean similarity of the sample, 0-100


def csl_item(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """A normalised registry record (`Work` as a dict) as a CSL-JSON item."""
    title = record.get("title")
    if not title:
        return None
    item: dict[str, Any] = {
        "id": key,
        "type": _csl_type(record),
        "title": title,
        "author": [_csl_name(name) for name in record.get("authors") or []],
    }
    if record.get("year"):
        item["issued"] = {"date-parts": [[int(record["year"])]]}
    pairs = {
        "container-title": record.get("container"),
        "volume": record.get("volume"),
        "issue": record.get("issue"),
        "page": record.get("pages"),
        "publisher": record.get("publisher"),
        "edition": record.get("edition"),
        "DOI": record.get("doi"),
        "PMID": record.get("pmid"),
        "ISBN": (record.get("isbn") or [None])[0],
    }
    item.update({name: str(value) for name, value in pairs.items() if value})
    return item


def _csl_type(record: Mapping[str, Any]) -> str:
    kind = _CSL_TYPES.get(str(record.get("type") or "").lower())
    if kind:
        return kind
    return "article-journal" if record.get("container") else "book"


def _csl_name(name: str) -> dict[str, str]:
    family, comma, given = name.partition(",")
    if not comma:  # an organisation, or a name the registry gave whole
        return {"literal": name.strip()}
    return {"family": family.strip(), "given": given.strip()}


def render(item: Mapping[str, Any], style: str) -> str:
    """One reference as a list in `style` shows it, without the list's number."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns of every CSL field it ignores
        bibliography = CitationStylesBibliography(
            _style(style), CiteProcJSON([dict(item)]), formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = " ".join(str(bibliography.bibliography()[0]).split())
    return _LIST_NUMBER.sub("", text)


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle

    path = files("citeaudit.reporting") / "styles" / STYLES[name]
    style = CitationStylesStyle(str(path), validate=False)
    # citeproc-py's "minimal" page ranges drop digits they must keep (1-14 -> 1-4):
    # pages are given as the registry has them.
    style.root.attrib.pop("page-range-format", None)
    return style


def article_style(written: Sequence[tuple[str, Mapping[str, Any]]]) -> Style:
    """The style whose renderings of the records read most like the entries as written.

    `written` pairs each matched reference's text, as the article has it, with its
    registry record (the first few are enough).
    """
    sample = [
        (_LIST_NUMBER.sub("", raw), item)
        for raw, record in written[:_STYLE_SAMPLE]
        if (item := csl_item(record, "x")) is not None
    ]
    if not sample:
        return Style(DEFAULT_STYLE, detected=False)
    scores = {
        name: sum(_likeness(raw, item, name) for raw, item in sample) / len(sample)
        for name in STYLES
    }
    best = max(scores, key=lambda name: scores[name])
    if scores[best] < _STYLE_FLOOR:
        return Style(DEFAULT_STYLE, detected=False, similarity=round(scores[best], 1))
    return Style(best, detected=True, similarity=round(scores[best], 1))


def _likeness(raw: str, item: Mapping[str, Any], style: str) -> float:
    """How alike the entry as written and the record in `style` are in *shape*.

    Words and numbers are the record's either way; what a style decides is the
    punctuation and order around them ("Lee HJ, Carter JE." against "Lee, H. J., &
    Carter, J. E. (2012)."). So both are compared with each word turned into `a` and
    each number into `9`, and a DOI the entry does not write is left out of the
    rendering, as it would be from the list.
    """
    if not _DOI_IN_TEXT.search(raw):
        item = {name: value for name, value in item.items() if name != "DOI"}
    return fuzz.ratio(_shape(raw), _shape(render(item, style)))


def _shape(text: str) -> str:
    return _NUMBER.sub("9", _WORD.sub("a", text))


def needs_fix(reference: Mapping[str, Any]) -> bool:
    """A matched reference that differs from its registry record somewhere it matters."""
    if reference.get("match") != "matched" or not reference.get("registry"):
        return False
    if not reference.get("registry_answer", True):
        return False
    cited_doi = (reference.get("cited") or {}).get("doi")
    return bool(
        reference.get("doi_status") in ("not_found", "invalid")
        or (cited_doi and reference.get("doi") and cited_doi.lower() != reference["doi"])
        or any(m.get("severity") != "info" for m in reference.get("mismatches") or [])
    )


def suggestion(reference: Mapping[str, Any], style: Style) -> dict[str, Any] | None:
    """The fix for one JSON-report reference: the record rendered in the article's style."""
    if not needs_fix(reference):
        return None
    item = csl_item(reference["registry"], reference["key"])
    if item is None:
        return None
    return {
        "text": render(item, style.name),
        "style": style.name,
        "style_detected": style.detected,
        "fields": sorted(
            {m["field"] for m in reference.get("mismatches") or [] if m.get("severity") != "info"}
            | ({"doi"} if reference.get("doi_status") in ("not_found", "invalid") else set())
        ),
    }


def add_suggestions(references: list[dict[str, Any]]) -> Style | None:
    """Fill in each JSON-report reference's `csl` item and, where one is due, `suggestion`.

    Returns the style used, or None when no reference needed a fix (so the style was
    never worked out: rendering costs time only when there is something to render).
    """
    for reference in references:
        registry = reference.get("registry")
        usable = (
            reference.get("match") == "matched"
            and registry
            and reference.get("registry_answer", True)
        )
        reference["csl"] = csl_item(registry, reference["key"]) if usable else None
    if not any(needs_fix(reference) for reference in references):
        return None
    style = article_style(
        [
            (reference["cited"]["raw"], reference["registry"])
            for reference in references
            if reference["csl"] is not None
        ]
    )
    for reference in references:
        fix = suggestion(reference, style)
        if fix is not None:
            reference["suggestion"] = fix
    return style


def bibtex(references: Sequence[Mapping[str, Any]]) -> str:
    """The resolved references (those with a registry record) as a BibTeX file."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for reference in references:
        item = reference.get("csl")
        if not item:
            continue
        fields = {
            "author": " and ".join(_bibtex_name(name) for name in item.get("author") or []),
            "title": item.get("title"),
            "journal" if item["type"].startswith("article") else "booktitle": item.get(
                "container-title"
            ),
            "year": str(item["issued"]["date-parts"][0][0]) if item.get("issued") else None,
            "volume": item.get("volume"),
            "number": item.get("issue"),
            "pages": (item.get("page") or "").replace("-", "--") or None,
            "publisher": item.get("publisher"),
            "doi": item.get("DOI"),
            "pmid": item.get("PMID"),
            "isbn": item.get("ISBN"),
        }
        entry_type = {"book": "book", "chapter": "incollection"}.get(item["type"], "article")
        values = [
            # Names carry their own braces; a DOI is read verbatim by biblatex.
            Field(
                name, value if name in ("author", "doi") else _bibtex_value(value, name == "title")
            )
            for name, value in fields.items()
            if value
        ]
        key = re.sub(r"[^A-Za-z0-9_:.+-]", "", str(reference["key"])) or "ref"
        library.add(Entry(entry_type, key, values))
    return bibtexparser.write_string(library)


def _bibtex_name(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return "{" + name["literal"] + "}"
    return f"{name['family']}, {name['given']}" if name.get("given") else name["family"]


def _bibtex_value(value: str, protect: bool = False) -> str:
    """A field's text with `&`, `%`, `#`, `_` and `$` as plain characters; a title is
    braced once more so that styles keep the record's capitals. (The writer adds the
    outer braces.)"""
    escaped = re.sub(r"([&%#_$])", r"\\\1", str(value).replace("{", "").replace("}", ""))
    return "{" + escaped + "}" if protect else escaped


def csl_json(references: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The resolved references as CSL-JSON (what Zotero, Mendeley and pandoc import)."""
    return [dict(reference["csl"]) for reference in references if reference.get("csl")]
