"""Reference strings to structured references, exactly as the article wrote them.

Nothing here consults a registry: the parsed fields are the article's side of every
later comparison, so they must reflect the text, including its errors.

Real reference lists mix every style and every mistake, so the fields come from a
sequence labeller trained on hand-labelled real references (`labeller`, as AnyStyle and
GROBID do it), made into values by one normaliser a field (`normalise/`). What rules
do exactly stays rules: identifiers (DOI, PMID, PMCID, ISBN, URLs, found anywhere and
taken out before labelling), the list's own numbering, and telling a reference line
from commentary. `benchmarks/parsing.py` measures the fields on held-out real
references, `benchmarks/references.py` on registry records rendered by real CSL styles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from citeaudit.doi import find_doi
from citeaudit.models import Reference
from citeaudit.reading.labeller import segments
from citeaudit.reading.reference_fields import fill_fields

# --------------------------------------------------------------------------------------
# Identifiers: found anywhere, then removed so they do not disturb the fields.
# --------------------------------------------------------------------------------------
_DOI_TEXT = re.compile(
    r"(?:\bdoi\s*:\s*|\bDOI\s+|https?://(?:dx\.)?doi\.org/|\b(?:dx\.)?doi\.org/)?"
    r"10\.\d{4,9}(?:/|%2F)[^\s\"<>]+",
    re.IGNORECASE,
)
_PMID = re.compile(
    r"\b(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})\b",
    re.IGNORECASE,
)
_PMCID = re.compile(r"\bPMCID:?\s*PMC\d+\b|\bPMC\d{4,}\b", re.IGNORECASE)
_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*((?:97[89][\s-]?)?(?:\d[\s-]?){9}[\dXx])(?![\d-])")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
# "[cited 2020 Jan 5]", "Accessed March 3, 2020", "Retrieved from": access notes, not
# metadata. Unbracketed, the word must be followed by a date or "from"/"at"/"on", so an
# author named Cited or Viewed ("Cited, A. (1999) ...") is not taken for one.
_ACCESSED = re.compile(
    r"\[(?:cited|accessed|retrieved|viewed)\b[^\]]*\]\.?"
    r"|\b(?:cited|accessed|retrieved|viewed)\s+"
    r"(?=(?:on\s+)?(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s|from\b|at\b))"
    r"[^\]]*\.?"
    r"|available (?:at|from):?",
    re.IGNORECASE,
)
_EPUB = re.compile(r"\bEpub(?: ahead of print)?\b[^.]*\.?", re.IGNORECASE)

# A reference list may be numbered: "1.", "1)", "[1]", "1 " (BMJ), "1.Surname" (AMA).
_NUMBERED = re.compile(
    r"^\s*(?:\[(?P<a>\d{1,4})\]|(?P<b>\d{1,4})[.)](?!\d)|(?P<c>\d{1,4})\s(?=\D))\s*"
)

_YEAR = r"(?:1[5-9]|20)\d{2}"
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Spring|Summer|Fall|Autumn|Winter)"
)

# Names. A surname may carry particles ("van der", "de la"), hyphens and apostrophes.
_UPPER = r"A-ZÀ-ÖØ-ÞĀ-ſ"
_WORD = rf"[{_UPPER}][\w'’\-]*"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|ten|ter|bin|al|el|St\.?|Mc)"
_SURNAME = rf"(?:{_PARTICLE}\s+)*{_WORD}(?:[\s-](?:{_PARTICLE}\s+)*{_WORD})*"
# "CZ", "J-E", and romanised given names written as "C fen" / "C-fen"
_VANCOUVER_GIVEN = rf"[{_UPPER}](?:-?[{_UPPER}]){{0,3}}(?:[-\s](?!et\b)[a-z]{{1,6}}\b)?"
_VANCOUVER_AUTHORS = re.compile(
    rf"^((?:{_SURNAME} {_VANCOUVER_GIVEN}(?:, |\. |\.$|,? et al\.?\s?))+(?:et al\.?\s?)?)"
)


def strip_numbering(line: str) -> tuple[int | None, str]:
    """The number a numbered list gives a reference ("[3]", "3.", "3 ") and the rest."""
    match = _NUMBERED.match(line)
    if not match:
        return None, line.strip()
    number = match.group("a") or match.group("b") or match.group("c")
    return int(number), line[match.end() :].strip()


# MLA: Surname, Given. "Title." Container, vol. 73, no. 4, 1994, pp. 256-63.
_MLA_ARTICLE = re.compile(
    r"^(?P<authors>[^“\"]+?)\.\s+[“\"](?P<title>[^”\"]+?)[”\"]\s+(?P<container>[^,]+?),"
    r"(?P<rest>.*\b(?:vol\.|no\.|pp?\.)\s*.*)$"
)
# MLA book: Surname, Given, et al. Title: Subtitle. 2nd ed., Publisher, 1999.
_MLA_BOOK = re.compile(
    rf"^(?P<authors>{_SURNAME},\s+.+?(?:et al|[a-z]{{2,}}))\.\s+(?P<title>[^.]+?)\.\s+"
    rf"(?P<rest>(?:[^.]*\bed\.,\s*)?[^.]*?,\s*(?P<year>{_YEAR}))\.?$"
)
_MLA_NAME_START = re.compile(rf"^{_SURNAME},\s+(?:[{_UPPER}]\.\s+)*[{_UPPER}][a-z]+")


def looks_like_reference(line: str) -> bool:
    """Whether a line in a reference section is a reference rather than commentary.

    A reference starts with an author list (or a number) and carries a year; the
    descriptive sentences some sites add under each reference do not start that way.
    An author may be a body ("World Heart Federation (2015) Heart Facts 2015. Geneva:
    WHF."): its capitalised name then stands right before the year, and a title (not a
    lower-case verb, as in "World Heart Federation (2015) estimates that...") follows;
    or, Vancouver-style, the entry ends with "Place: Publisher; Year".
    """
    number, text = strip_numbering(line)
    has_year = bool(re.search(rf"\b{_YEAR}\b", text))
    body = rf"(?:[{_UPPER}][\w'’&.-]*(?:\s+(?:of|for|and|on|the|in|&))*\s+)+[{_UPPER}][\w'’.-]*"
    corporate = bool(
        re.match(
            rf"^{body}\.?\s*(?:\({_YEAR}[a-z]?(?:,[^)]*)?\)|,\s*{_YEAR}[a-z]?\b)[.,:]?\s+[^\s\w]*[{_UPPER}\d]",
            text,
        )
        or re.match(rf"^{body}\.\s.*\.\s[^.:;]+:\s*[^.:;]+;\s*(?:c\s*)?{_YEAR}\b", text)
    )
    starts_with_author = bool(
        re.match(rf"^{_SURNAME},\s+[{_UPPER}]\.", text)
        or _VANCOUVER_AUTHORS.match(text)
        or re.match(rf"^(?:[{_UPPER}]\.\s?)+\s?{_SURNAME},", text)
        or corporate
    )
    has_identifier = bool(find_doi(text) or _PMID.search(text))
    mla = bool(_MLA_NAME_START.match(text) and (_MLA_ARTICLE.match(text) or _MLA_BOOK.match(text)))
    return (
        (has_year and (starts_with_author or mla))
        or has_identifier
        or (number is not None and has_year)
    )


def parse_reference(raw: str, line_number: int) -> Reference:
    """Parse one reference string; fields the text does not give stay None.

    Identifiers are taken by exact patterns; every other field comes from the trained
    labeller's segments (`labeller.segments`) made into values by `reference_fields`.
    """
    number, text = strip_numbering(raw)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    ref = Reference(key="", raw=raw.strip(), line=line_number)
    ref.number = number
    _identifiers(text, ref)
    return fill_fields(ref, segments(_without_identifiers(text)))


def _identifiers(text: str, ref: Reference) -> None:
    ref.doi = find_doi(text)
    if pmid := _PMID.search(text):
        ref.pmid = pmid.group(1)
    if isbn := _ISBN.search(text):
        ref.isbn = re.sub(r"[\s-]", "", isbn.group(1)).upper()
    if url := _URL.search(text):
        ref.url = url.group(0).rstrip(".,;)")


def _without_identifiers(text: str) -> str:
    """The reference with DOIs, URLs, PMIDs, ISBNs and access notes removed."""
    text = _DOI_TEXT.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _PMID.sub(" ", text)
    text = _PMCID.sub(" ", text)
    text = _ISBN.sub(" ", text)
    text = _EPUB.sub(" ", text)
    text = _ACCESSED.sub(" ", text)
    # AMA's online-first and preprint dates stand where the print date would:
    # "Published online March 2, 2020:e100814" reads as "2020;:e100814".
    text = re.sub(
        rf"\b(?:Published|Preprint posted) online\s+(?:{_MONTHS}\.?\s+\d{{1,2}},\s+)?({_YEAR})(?=[:.;]|$)",
        r"\1;",
        text,
    )
    text = re.sub(r"\b(?:Published|Preprint posted) online\b[^.;:]*[.;]?", " ", text)
    # Status notes a renderer or a site adds where the volume would be
    text = re.sub(
        r"\[(?:Preprint|Internet|Epub ahead of print)\]|,?\s*\b(?:ahead of print|in press|early view)\b",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\s+([.,;:])", r"\1", " ".join(text.split()))
    text = re.sub(r"(?:[.,;:]\s*){2,}$", ".", text)
    return re.sub(r"([.,;])\s+[.,;]+(?=\s|$)", r"\1", text).strip(" ,;")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def reference_keys(references: list[Reference]) -> list[str]:
    """Readable, stable keys such as `hong1994`; `a`/`b` suffixes tell same-name years apart."""
    bases = []
    for index, ref in enumerate(references, start=1):
        surname = ref.first_author_surname
        base = re.sub(r"[^a-z]", "", _ascii(surname or "").lower()) or f"ref{index}"
        bases.append(f"{base}{ref.year or ''}")
    # Keys must be unique whatever the list holds (claims.csv refers to sources by key):
    # past `z` the suffixes go on as `aa`, `ab`..., and a key that happens to equal
    # another's (Smith n.d. "smitha" against Smitha n.d.) gets the next free suffix.
    totals = Counter(bases)
    seen: Counter[str] = Counter()
    taken = {base for base, total in totals.items() if total == 1}
    keys = []
    for base in bases:
        if totals[base] == 1:
            keys.append(base)
            continue
        while True:
            key = base + _letters(seen[base])
            seen[base] += 1
            if key not in taken:
                break
        taken.add(key)
        keys.append(key)
    return keys


def _letters(number: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab ... (bijective base 26)."""
    out = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[rest] + out
    return out
