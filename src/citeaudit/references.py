"""Reference strings to structured references, exactly as the article wrote them.

Nothing here consults a registry: the parsed fields are the article's side of every
later comparison, so they must reflect the text, including its errors. The parser
covers APA-like author–year styles (the house style of most health sites) and the
common Vancouver/AMA form; identifiers (DOI, PMID, ISBN, URL) are found anywhere.
"""

from __future__ import annotations

import re
import unicodedata

from citeaudit.doi import find_doi
from citeaudit.models import Reference

_YEAR_PAREN = re.compile(r"\((\d{4})[a-z]?(?:,[^)]*)?\)")
_AUTHOR_APA = re.compile(
    r"(?P<surname>[A-Z][\w'’\-]+(?:[ -](?:[A-Z][\w'’\-]+))*),\s+(?P<initials>(?:[A-Z]\.\s?-?)+)"
)
_VANCOUVER_AUTHORS = re.compile(
    r"^((?:[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)* [A-Z]{1,3}(?:, |\. |\.$))+)"
)
_VOL_ISSUE_PAGES = re.compile(
    r"(?P<volume>\d+)\s*(?:\((?P<issue>[^)]+)\))?\s*[,:]\s*(?P<pages>[A-Z]?\d+(?:\s*[-–]\s*[A-Z]?\d+)?)"
)
_EDITION = re.compile(r"(\d+(?:st|nd|rd|th))\s+ed(?:ition)?\.?", re.IGNORECASE)
_BOOK_VOLUME = re.compile(r"\bVol(?:ume)?\.?\s*(\d+)", re.IGNORECASE)
_PLACE_PUBLISHER = re.compile(
    r"(?P<place>[A-Z][\w .]+(?:,\s*[A-Z]{2})?):\s*(?P<publisher>[^.]+)\.?\s*$"
)
_PMID = re.compile(r"\b(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/)(\d{1,9})\b", re.IGNORECASE)
_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*([\d\- ]{9,17}[\dXx])\b")
_URL = re.compile(r"https?://[^\s<>\"]+")
_NUMBERED = re.compile(r"^\s*(?:\[\d+\]|\d+\.)\s+")


def looks_like_reference(line: str) -> bool:
    """Whether a line in a reference section is a reference rather than commentary.

    A reference starts with an author list (or a number) and carries a year; the
    descriptive sentences some sites add under each reference do not start that way.
    """
    text = _NUMBERED.sub("", line.strip())
    has_year = bool(re.search(r"\b(1[89]|20)\d{2}\b", text))
    starts_with_author = bool(
        re.match(r"^[A-Z][\w'’\-]+(?:[ -][A-Z][\w'’\-]+)*,\s+[A-Z]\.", text)
        or _VANCOUVER_AUTHORS.match(text)
    )
    has_identifier = bool(find_doi(text) or _PMID.search(text))
    return (
        (has_year and starts_with_author)
        or has_identifier
        or bool(_NUMBERED.match(line) and has_year)
    )


def parse_reference(raw: str, line_number: int) -> Reference:
    """Parse one reference string; fields the text does not give stay None."""
    text = _NUMBERED.sub("", raw.strip())
    ref = Reference(key="", raw=raw.strip(), line=line_number)
    ref.doi = find_doi(text)
    if pmid := _PMID.search(text):
        ref.pmid = pmid.group(1)
    if isbn := _ISBN.search(text):
        ref.isbn = re.sub(r"[\s-]", "", isbn.group(1)).upper()
    if url := _URL.search(text):
        ref.url = url.group(0).rstrip(".,;")
    year = _YEAR_PAREN.search(text)
    if year:
        _parse_author_year(text, year, ref)
    else:
        _parse_vancouver(text, ref)
    return ref


def _parse_author_year(text: str, year: re.Match[str], ref: Reference) -> None:
    ref.year = int(year.group(1))
    ref.authors = [
        f"{m.group('surname')}, {m.group('initials').strip()}"
        for m in _AUTHOR_APA.finditer(text[: year.start()])
    ]
    rest = text[year.end() :].lstrip(". ")
    quoted = re.match(r"[\"“](?P<title>.+?)[.,]?[\"”]\.?\s*(?P<rest>.*)$", rest)
    if quoted:
        ref.title = quoted.group("title").strip()
        _parse_container(quoted.group("rest"), ref)
        return
    # Unquoted: APA proper puts the title up to the first full stop; books follow it with
    # edition, volume and "Place: Publisher".
    title, _, after = rest.partition(". ")
    ref.title = title.strip().rstrip(".") or None
    if (
        _EDITION.search(after)
        or _PLACE_PUBLISHER.search(after)
        or not _VOL_ISSUE_PAGES.search(after)
    ):
        _parse_book_tail(after, ref)
    else:
        _parse_container(after, ref)


def _parse_container(rest: str, ref: Reference) -> None:
    rest = _URL.sub("", re.sub(r"\bdoi:\s*\S+", "", rest, flags=re.IGNORECASE)).strip()
    numbers = _VOL_ISSUE_PAGES.search(rest)
    if numbers:
        ref.container = rest[: numbers.start()].strip(" ,.;") or None
        ref.volume = numbers.group("volume")
        ref.issue = numbers.group("issue")
        ref.pages = re.sub(r"\s*[-–]\s*", "-", numbers.group("pages"))
    else:
        ref.container = rest.strip(" ,.;") or None


def _parse_book_tail(after: str, ref: Reference) -> None:
    ref.kind = "book"
    if edition := _EDITION.search(after):
        ref.edition = edition.group(1)
    if volume := _BOOK_VOLUME.search(after):
        ref.volume = volume.group(1)
    tail = after.split(". ")[-1] if ". " in after else after
    if publisher := _PLACE_PUBLISHER.search(tail):
        ref.place = publisher.group("place").strip()
        ref.publisher = publisher.group("publisher").strip()


def _parse_vancouver(text: str, ref: Reference) -> None:
    """Vancouver/AMA: `Hong CZ. Title. Am J Phys Med Rehabil. 1994;73(4):256-63.`"""
    parts = [p.strip() for p in re.split(r"(?<=[A-Za-z\d\)])\.\s+", text) if p.strip()]
    if parts and _VANCOUVER_AUTHORS.match(parts[0] + "."):
        ref.authors = [
            re.sub(r"^(.*) ([A-Z]{1,3})$", r"\1, \2", a.strip())
            for a in re.split(r",\s*", parts[0].replace(" et al", ""))
            if a.strip()
        ]
        parts = parts[1:]
    if parts:
        ref.title = parts[0].rstrip(".")
    for index, part in enumerate(parts[1:], start=1):
        date = re.match(r"(?P<year>\d{4})[^;]*;\s*(?P<rest>.+)$", part)
        if date:
            ref.year = int(date.group("year"))
            ref.container = parts[index - 1].rstrip(".") if index >= 2 else None
            numbers = re.match(
                r"(?P<volume>\d+)\s*(?:\((?P<issue>[^)]+)\))?\s*:\s*(?P<pages>[A-Z]?\d+(?:-[A-Z]?\d+)?)",
                date.group("rest"),
            )
            if numbers:
                ref.volume, ref.issue, ref.pages = numbers.group("volume", "issue", "pages")
            break


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def reference_keys(references: list[Reference]) -> list[str]:
    """Readable, stable keys such as `hong1994`; `a`/`b` suffixes tell same-name years apart."""
    bases = []
    for index, ref in enumerate(references, start=1):
        surname = ref.first_author_surname
        base = re.sub(r"[^a-z]", "", _ascii(surname or "").lower()) or f"ref{index}"
        bases.append(f"{base}{ref.year or ''}")
    keys = []
    for index, base in enumerate(bases):
        if bases.count(base) == 1:
            keys.append(base)
        else:
            keys.append(base + "abcdefghijklmnopqrstuvwxyz"[bases[:index].count(base) % 26])
    return keys
