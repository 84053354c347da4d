"""Reference lists that arrive as data: BibTeX, RIS and CSL-JSON files.

An editor checks a manuscript's `.bib`; a writer exports a Zotero library as RIS or
CSL-JSON. Such a file is its own reference list, already split into fields, so nothing
is guessed: each entry becomes a `Reference` field for field, and the audit checks it
exactly as it checks an article's list (DOI, metadata, retraction). The entry's own
key is kept (`[cummings2001]` in the report is what the writer typed), unless it is
missing, repeated or not a plain word, when the article's rule (`hong1994`) names it.

The formats are read by maintained parsers (bibtexparser 2, rispy, the json module).
A file none of them can read stops the run with one line naming the file and the row
of the first entry that could not be read (exit 2), as for any other input.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citeaudit.doi import normalize_doi
from citeaudit.errors import InputError
from citeaudit.models import Article, Reference
from citeaudit.reading.references import reference_keys

BIBLIOGRAPHY_SUFFIXES = (".bib", ".ris", ".json")
"""Read as bibliographies only when named: in a folder, a `.json` may be anything."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_:.+-]{1,80}$")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_ET_AL = {"others", "et al", "and others", "et alii"}
_BOOKS = {"book", "inbook", "incollection", "chapter", "mvbook", "collection", "bookinbook"}
_RIS_BOOKS = {"BOOK", "CHAP", "EBOOK", "ECHAP", "EDBOOK"}
_CSL_BOOKS = {"book", "chapter"}


@dataclass
class Entry:
    """One entry of a bibliography file: the reference its fields give (its `key` and
    `raw` are filled in by `to_references`), the file's own key, and whether its author
    list was cut short on purpose ("and others", an "et al." author)."""

    reference: Reference
    key: str | None
    more_authors: bool = False


def _entry(
    *, line: int, key: str | None, authors: Sequence[str] = (), book: bool = False, **fields: Any
) -> Entry:
    """An entry from the fields a format names; "et al." is not an author."""
    listed = [a for a in authors if a.strip(" .").lower() not in _ET_AL]
    reference = Reference(
        key="", raw="", line=line, authors=listed, kind="book" if book else "article", **fields
    )
    return Entry(reference, key, more_authors=len(listed) < len(authors))


def is_bibliography(path: Path | str) -> bool:
    return Path(path).suffix.lower() in BIBLIOGRAPHY_SUFFIXES


def read_bibliography(path: Path, text: str) -> Article:
    """The file as an article with a reference list and no body (nothing to claim)."""
    suffix = path.suffix.lower()
    if suffix == ".bib":
        entries = bibtex_entries(text, path)
    elif suffix == ".ris":
        entries = ris_entries(text, path)
    else:
        entries = csl_json_entries(text, path)
    if not entries:
        raise InputError("bibliography has no entries", path=path)
    return Article(
        name=path.stem,
        path=str(path),
        sentences=[],
        references=to_references(entries),
        title=path.name,
        bibliography=True,
    )


def to_references(entries: Sequence[Entry]) -> list[Reference]:
    references = [entry.reference for entry in entries]
    for entry in entries:
        entry.reference.raw = rendered(entry)
    generated = reference_keys(references)
    own = [e.key if e.key and _PLAIN_KEY.match(e.key) else None for e in entries]
    repeated = {k for k in own if k and own.count(k) > 1}
    for ref, key, fallback in zip(references, own, generated, strict=True):
        ref.key = key if key and key not in repeated else fallback
    return references


def rendered(entry: Entry) -> str:
    """The entry written out as a reference list would print it (APA-like).

    It is what the report shows as written and what a registry search is given
    (Crossref's query.bibliographic wants a reference string)."""
    ref = entry.reference
    authors = ", ".join(ref.authors[:-1])
    if entry.more_authors and ref.authors:
        authors = ", ".join(ref.authors) + ", et al."
    elif len(ref.authors) > 1:
        authors = f"{authors}, & {ref.authors[-1]}"
    elif ref.authors:
        authors = ref.authors[0]
    parts = [f"{authors} ({ref.year or 'n.d.'})." if authors else f"({ref.year or 'n.d.'})."]
    if ref.title:
        parts.append(ref.title.rstrip(".") + ".")
    where = ref.container or ""
    if ref.volume:
        where += f", {ref.volume}" if where else ref.volume
        if ref.issue:
            where += f"({ref.issue})"
    if ref.pages:
        where += f", {ref.pages}" if where else ref.pages
    if where:
        parts.append(where + ".")
    if ref.edition:
        parts.append(f"{ref.edition} ed.")
    if ref.publisher:
        parts.append(f"{ref.place}: {ref.publisher}." if ref.place else f"{ref.publisher}.")
    if ref.doi:
        parts.append(f"https://doi.org/{ref.doi}")
    elif ref.url:
        parts.append(ref.url)
    return " ".join(parts)


# --- BibTeX ---------------------------------------------------------------------------


def bibtex_entries(text: str, path: Path) -> list[Entry]:
    import bibtexparser
    from bibtexparser import middlewares

    # bibtexparser logs each block it cannot read; the InputError below says it once.
    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                # Names are split before LaTeX is decoded, so that a braced
                # organisation ("{World Health Organization}") stays one name.
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
                middlewares.LatexDecodingMiddleware(),
            ],
        )
    finally:
        quiet.setLevel(level)
    if library.failed_blocks:
        first = library.failed_blocks[0]
        raise InputError(
            "not a BibTeX entry (unbalanced braces or quotes, or a missing comma?)",
            path=path,
            row=first.start_line + 1,
        )
    return [_bibtex_entry(e) for e in library.entries]


def _bibtex_entry(entry: Any) -> Entry:
    fields: dict[str, Any] = {f.key.lower(): f.value for f in entry.fields}
    names = fields.get("author") or fields.get("editor") or []

    def text(*keys: str) -> str | None:
        for key in keys:
            value = fields.get(key)
            if isinstance(value, str) and value.strip():
                return _clean(value)
        return None

    return _entry(
        line=entry.start_line + 1,
        key=entry.key,
        authors=[_bibtex_name(n) for n in names] if isinstance(names, list) else [],
        year=_year(text("year", "date")),
        title=text("title"),
        container=text("journal", "journaltitle", "booktitle", "series"),
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=_pages(text("pages")),
        edition=text("edition"),
        publisher=text("publisher", "organization", "institution", "school"),
        place=text("address", "location"),
        doi=_doi(text("doi")),
        pmid=_digits(text("pmid")),
        isbn=text("isbn"),
        url=text("url"),
        book=entry.entry_type.lower() in _BOOKS,
    )


def _bibtex_name(name: Any) -> str:
    # Name splitting drops the braces of `M{\"u}ller`, which the decoding middleware
    # then leaves alone; the parts are decoded here, one name at a time.
    from pylatexenc.latex2text import LatexNodes2Text

    decode = LatexNodes2Text().latex_to_text
    family = decode(" ".join([*name.von, *name.last]))
    given = decode(" ".join([*name.first, *name.jr]))
    return _clean(f"{family}, {given}" if given else family)


# --- RIS ------------------------------------------------------------------------------


def ris_entries(text: str, path: Path) -> list[Entry]:
    import rispy

    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("TY  -")]
    if not starts:
        raise InputError("not a RIS file: no entry starts with 'TY  - '", path=path, row=1)
    try:
        records = rispy.loads(text, skip_unknown_tags=True)
    except (OSError, ValueError) as exc:
        row = _row_of(str(exc)) or starts[0]
        raise InputError(f"not a RIS file: {_one_line(exc)}", path=path, row=row) from None
    return [_ris_entry(r, line) for r, line in zip(records, starts, strict=False)]


def _ris_entry(record: Mapping[str, Any], line: int) -> Entry:
    def text(*keys: str) -> str | None:
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str) and value.strip():
                return _clean(value)
        return None

    start, end = text("start_page"), text("end_page")
    pages = f"{start}-{end}" if start and end and end != start else start
    names = record.get("authors") or record.get("first_authors") or record.get("editors") or []
    return _entry(
        line=line,
        key=text("id"),
        authors=[_clean(n) for n in names if isinstance(n, str) and n.strip()],
        year=_year(text("year", "publication_year", "date")),
        title=text("title", "primary_title"),
        container=text("secondary_title", "journal_name", "alternate_title3", "alternate_title1"),
        volume=text("volume"),
        issue=text("number"),
        pages=_pages(pages),
        edition=text("edition"),
        publisher=text("publisher"),
        place=text("place_published"),
        doi=_doi(text("doi")),
        pmid=None,
        isbn=text("issn") if str(record.get("type_of_reference", "")) in _RIS_BOOKS else None,
        url=text("urls", "url"),
        book=str(record.get("type_of_reference", "")) in _RIS_BOOKS,
    )


# --- CSL-JSON -------------------------------------------------------------------------


def csl_json_entries(text: str, path: Path) -> list[Entry]:
    try:
        items = list(_json_array_items(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", path=path, row=exc.lineno) from None
    entries = []
    for line, item in items:
        if not isinstance(item, dict) or not ({"type", "title", "author", "id"} & item.keys()):
            raise InputError("not a CSL-JSON item (no type, title or author)", path=path, row=line)
        entries.append(_csl_entry(item, line))
    return entries


def _json_array_items(text: str) -> Iterator[tuple[int, Any]]:
    """Each item of a top-level JSON array (or the one object), with its line."""
    decoder = json.JSONDecoder()
    at = _skip_space(text, 0)
    if text.startswith("{", at):
        yield text.count("\n", 0, at) + 1, decoder.raw_decode(text, at)[0]
        return
    if not text.startswith("[", at):
        raise json.JSONDecodeError("expected a list of CSL-JSON items", text, at)
    at = _skip_space(text, at + 1)
    while not text.startswith("]", at):
        line = text.count("\n", 0, at) + 1
        try:
            item, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            # The row named is the item's first, where an editor starts looking;
            # the parser's own position (often the end of the file) is said too.
            raise json.JSONDecodeError(
                f"{exc.msg} (line {exc.lineno}, column {exc.colno})", text, at
            ) from None
        yield line, item
        at = _skip_space(text, end)
        if text.startswith(",", at):
            at = _skip_space(text, at + 1)
        elif not text.startswith("]", at):
            raise json.JSONDecodeError("expected ',' or ']'", text, at)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n\ufeff":
        at += 1
    return at


def _csl_entry(item: Mapping[str, Any], line: int) -> Entry:
    def text(*keys: str) -> str | None:
        for key in keys:
            value = item.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, (str, int)) and str(value).strip():
                return _clean(str(value))
        return None

    names = item.get("author") or item.get("editor") or []
    return _entry(
        line=line,
        key=text("id", "citation-key"),
        authors=[n for n in (_csl_name(p) for p in names if isinstance(p, dict)) if n],
        year=_csl_year(item.get("issued")),
        title=text("title"),
        container=text("container-title", "collection-title"),
        volume=text("volume"),
        issue=text("issue"),
        pages=_pages(text("page")),
        edition=text("edition"),
        publisher=text("publisher"),
        place=text("publisher-place"),
        doi=_doi(text("DOI", "doi")),
        pmid=_digits(text("PMID", "pmid")),
        isbn=text("ISBN"),
        url=text("URL"),
        book=str(item.get("type", "")) in _CSL_BOOKS,
    )


def _csl_name(person: Mapping[str, Any]) -> str | None:
    if person.get("literal"):
        return _clean(str(person["literal"]))
    family = " ".join(
        str(person[k]) for k in ("non-dropping-particle", "family") if person.get(k)
    ).strip()
    given = str(person.get("given") or "").strip()
    if not family:
        return _clean(given) or None
    return _clean(f"{family}, {given}" if given else family)


def _csl_year(issued: Any) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                return None
        return _year(str(issued.get("raw") or issued.get("literal") or ""))
    return _year(str(issued)) if issued else None


# --- field clean-up -------------------------------------------------------------------


def _clean(value: str) -> str:
    return " ".join(value.replace("{", "").replace("}", "").split())


def _year(value: str | None) -> int | None:
    found = _YEAR.search(value or "")
    return int(found.group(1)) if found else None


def _pages(value: str | None) -> str | None:
    return re.sub(r"\s*(?:--?|–|—)\s*", "-", value) if value else None


def _doi(value: str | None) -> str | None:
    return normalize_doi(value) if value else None


def _digits(value: str | None) -> str | None:
    return value if value and value.isdigit() else None


def _row_of(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
