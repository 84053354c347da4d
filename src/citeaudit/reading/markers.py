"""Inline citation markers in an article's body, linked to its reference list.

A claim is judged against the sources it cites, so each sentence must know which
references its markers point at. Articles use every convention: numbers in brackets
(`[1]`, `[2-4]`, `[1, 3]`, Markdown footnotes `[^2]`), superscripts (`¹²`, `<sup>3</sup>`,
Pandoc's `^3^`), author–year in brackets (`(Hong, 1994)`, `(Hong 1994; Gerwin 2005)`,
`(Cummings & White 2001)`, `(Simons et al., 1999, p. 12)`), narrative author–year
(`Hong (1994) showed`) and links to doi.org or PubMed.

Everything here is pure. `find_markers` reads markers; `link_marker` resolves one
against the references (a number by the list's numbering, or its order when the list
is not numbered; author–year by first-author surname and year, using the second
author, `et al.` and `a`/`b` suffixes to tell same-name works apart). A marker that
fits no reference, or several equally, stays unlinked and is reported: guessing a
source would judge a claim against the wrong evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from citeaudit.doi import normalize_doi
from citeaudit.models import Reference
from citeaudit.reading.names import surname_keys

MarkerStyle = Literal["numeric", "superscript", "author_year", "narrative", "doi", "pubmed"]

_YEAR = r"(?:1[5-9]|20)\d{2}"
_NUMBERS = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*"
_BRACKET = re.compile(rf"\[(?P<n>{_NUMBERS})\](?:\((?P<target>[^)\s]*)\))?|\[\^(?P<f>\d{{1,3}})\]")
_SUP_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(rf"(?<![\d{_SUP_DIGITS}])[{_SUP_DIGITS}]+(?:[⁻˒,‐–-][{_SUP_DIGITS}]+)*")
_SUP_TAG = re.compile(rf"<sup>\s*(?P<n>{_NUMBERS})\s*</sup>|\^(?P<p>{_NUMBERS})\^", re.I)
# Units written with superscripts are exponents, not citations: m², cm³, km², s⁻¹.
_UNIT_BEFORE = re.compile(r"(?:\b(?:m|cm|mm|km|µm|nm|ft|in|s|kg|g|mg|L|ml|mL)|\d)$")
_PAREN = re.compile(r"\((?P<body>[^()]*?\b" + _YEAR + r"[a-z]?\b[^()]*)\)")
_NAME = r"(?:(?:van|von|de|der|den|del|della|di|da|du|la|le)\s+)*[A-ZÀ-ÖØ-Þ][\w'’\-]+"
_NAMES = (
    rf"(?P<first>{_NAME})(?:\s+(?P<etal>et\s+al\.?)|(?:,\s*{_NAME})*,?\s+(?:&|and)\s+"
    rf"(?P<second>{_NAME}))?"
)
_PART = re.compile(
    rf"^(?:(?:e\.g\.|i\.e\.|see(?: also)?|cf\.|as reviewed in|reviewed in)\s*,?\s*)?{_NAMES},?\s+"
    rf"(?P<years>{_YEAR}[a-z]?(?:\s*,\s*(?:{_YEAR}[a-z]?|[a-z]))*)"
    r"(?:\s*,\s*(?:pp?\.|ch\.|chap\.)\s*[\w–-]+)?\s*$"
)
_NARRATIVE = re.compile(
    rf"(?P<names>{_NAMES})\s+\((?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)\)"
)
_DOI_LINK = re.compile(
    r"(?:\[(?P<label>[^\]]*)\]\()?(?P<url>https?://(?:dx\.)?doi\.org/(?P<doi>10\.[^\s)\]>\"]+))\)?",
    re.I,
)
_PUBMED_LINK = re.compile(
    r"(?:\[(?P<label>[^\]]*)\]\()?(?P<url>https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/(?P<pmid>\d+)/?)\)?",
    re.I,
)


@dataclass(frozen=True)
class Cite:
    """One author–year citation: `(Cummings & White, 2001a)` -> cummings, white, 2001, a."""

    first: str
    year: int
    suffix: str = ""
    second: str | None = None
    et_al: bool = False


@dataclass(frozen=True)
class Marker:
    """A citation marker as written, where it stands, and what it names."""

    text: str
    start: int
    end: int
    style: MarkerStyle
    numbers: tuple[int, ...] = ()
    cites: tuple[Cite, ...] = ()
    identifier: str | None = None  # DOI or PMID of a link
    keep: str = ""  # what stays in the sentence when the marker is taken out


@dataclass
class Linked:
    """A text's markers resolved: the keys cited, the text without markers, and the
    markers that named no reference (or several)."""

    keys: list[str]
    text: str
    markers: list[Marker] = field(default_factory=list)
    unlinked: list[tuple[Marker, str]] = field(default_factory=list)  # marker, why


def _expand(numbers: str) -> tuple[int, ...]:
    """`1, 3-5` -> (1, 3, 4, 5); an absurd range is read as its two ends."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", numbers.strip()):
        ends = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n]
        if len(ends) == 2 and 0 < ends[1] - ends[0] <= 50:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return tuple(dict.fromkeys(out))


def _from_superscript(text: str) -> str:
    table = str.maketrans(_SUP_DIGITS + "⁻˒‐", "0123456789-,-")
    return text.translate(table)


def _cites(names: re.Match[str], years: str) -> list[Cite]:
    first = names.group("first")
    second = names.group("second")
    et_al = bool(names.group("etal"))
    out: list[Cite] = []
    last_year = None
    for token in re.split(r"\s*,\s*", years.strip()):
        match = re.fullmatch(rf"({_YEAR})?([a-z]?)", token)
        if not match:
            continue
        year = int(match.group(1)) if match.group(1) else last_year
        if year is None:
            continue
        last_year = year
        out.append(Cite(first, year, match.group(2), second, et_al))
    return out


def find_markers(text: str) -> list[Marker]:
    """Every citation marker in a text, in order; overlapping readings keep the first."""
    found: list[Marker] = []
    for match in _BRACKET.finditer(text):
        numbers = match.group("n") or match.group("f")
        found.append(
            Marker(match.group(0), match.start(), match.end(), "numeric", _expand(numbers))
        )
    for match in _SUP_TAG.finditer(text):
        numbers = match.group("n") or match.group("p")
        found.append(
            Marker(match.group(0), match.start(), match.end(), "superscript", _expand(numbers))
        )
    for match in _SUPERSCRIPT.finditer(text):
        before = text[: match.start()]
        if not before or _UNIT_BEFORE.search(before):
            continue
        numbers = _expand(_from_superscript(match.group(0)))
        found.append(Marker(match.group(0), match.start(), match.end(), "superscript", numbers))
    for match in _PAREN.finditer(text):
        cites: list[Cite] = []
        for part in re.split(r"\s*;\s*", match.group("body").strip()):
            parsed = _PART.match(part.strip())
            if not parsed:
                cites = []
                break
            cites.extend(_cites(parsed, parsed.group("years")))
        if cites:
            found.append(
                Marker(
                    match.group(0), match.start(), match.end(), "author_year", cites=tuple(cites)
                )
            )
    for match in _NARRATIVE.finditer(text):
        names = _NAMES_RE.match(match.group("names"))
        if names is None:
            continue
        cites = _cites(names, match.group("years"))
        year_start = match.start() + match.group(0).rindex("(")
        found.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "narrative",
                cites=tuple(cites),
                keep=text[match.start() : year_start].rstrip(),
            )
        )
    for match in _DOI_LINK.finditer(text):
        found.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "doi",
                identifier=normalize_doi(match.group("doi").rstrip(".,;")),
                keep=match.group("label") or "",
            )
        )
    for match in _PUBMED_LINK.finditer(text):
        found.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "pubmed",
                identifier=match.group("pmid"),
                keep=match.group("label") or "",
            )
        )
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Marker] = []
    for marker in found:
        if kept and marker.start < kept[-1].end:
            continue
        kept.append(marker)
    return kept


_NAMES_RE = re.compile(_NAMES)


def _reference_number(ref: Reference, position: int, numbered: bool) -> int:
    return ref.number if numbered and ref.number is not None else position


def link_marker(marker: Marker, references: list[Reference]) -> tuple[list[str], str | None]:
    """The keys a marker names, and why it could not be linked (None when it was)."""
    if marker.style in ("numeric", "superscript"):
        numbered = any(r.number is not None for r in references)
        by_number = {
            _reference_number(ref, i, numbered): ref.key for i, ref in enumerate(references, 1)
        }
        keys = [by_number[n] for n in marker.numbers if n in by_number]
        missing = [str(n) for n in marker.numbers if n not in by_number]
        why = (
            f"{marker.text}: no reference numbered {', '.join(missing)} "
            f"(the list has {len(references)})"
            if missing
            else None
        )
        return keys, why
    if marker.style == "doi":
        keys = [r.key for r in references if r.doi and normalize_doi(r.doi) == marker.identifier]
        return keys, None if keys else f"{marker.text}: no reference has DOI {marker.identifier}"
    if marker.style == "pubmed":
        keys = [r.key for r in references if r.pmid == marker.identifier]
        return keys, None if keys else f"{marker.text}: no reference has PMID {marker.identifier}"
    keys: list[str] = []
    problems: list[str] = []
    for cite in marker.cites:
        key, why = _link_cite(cite, references)
        if key:
            keys.append(key)
        if why:
            problems.append(why)
    return keys, "; ".join(problems) or None


def _link_cite(cite: Cite, references: list[Reference]) -> tuple[str | None, str | None]:
    wanted = surname_keys(cite.first)
    same_name = [r for r in references if r.authors and wanted & surname_keys(r.authors[0])]
    candidates = [r for r in same_name if r.year == cite.year]
    label = f"{cite.first}{' et al.' if cite.et_al else ''}{' & ' + cite.second if cite.second else ''}, {cite.year}{cite.suffix}"
    if cite.second and len(candidates) > 1:
        second = surname_keys(cite.second)
        narrowed = [
            r for r in candidates if len(r.authors) > 1 and second & surname_keys(r.authors[1])
        ]
        candidates = narrowed or candidates
    if cite.et_al and len(candidates) > 1:
        narrowed = [r for r in candidates if len(r.authors) >= 3]
        candidates = narrowed or candidates
    if len(candidates) > 1 and cite.suffix:
        index = ord(cite.suffix) - ord("a")
        by_key = [r for r in candidates if r.key.endswith(str(cite.year) + cite.suffix)]
        if len(by_key) == 1:
            return by_key[0].key, None
        if 0 <= index < len(candidates):
            return candidates[index].key, None
    if len(candidates) == 1:
        return candidates[0].key, None
    if not candidates:
        if same_name:
            years = ", ".join(str(r.year) for r in same_name)
            return None, f"({label}): {cite.first} is cited for {years}, not {cite.year}"
        return None, f"({label}): no reference by {cite.first}"
    return None, f"({label}): fits {len(candidates)} references equally; add a/b to the year"


def link_markers(text: str, references: list[Reference]) -> Linked:
    """Resolve every marker of a text and return the text with the markers taken out."""
    markers = find_markers(text)
    keys: list[str] = []
    unlinked: list[tuple[Marker, str]] = []
    pieces: list[str] = []
    position = 0
    for marker in markers:
        found, why = link_marker(marker, references)
        for key in found:
            if key not in keys:
                keys.append(key)
        if why:
            unlinked.append((marker, why))
        pieces.append(text[position : marker.start])
        pieces.append(marker.keep)
        position = marker.end
    pieces.append(text[position:])
    clean = "".join(pieces)
    clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
    clean = re.sub(r"\(\s*\)", "", " ".join(clean.split())).strip()
    return Linked(keys, clean if markers else text, markers, unlinked)


def leading_markers(text: str) -> int:
    """How many characters of numeric/superscript markers open a text: a marker written
    after a full stop (`...pain.[3] Next`) belongs to the sentence before it."""
    end = 0
    for marker in find_markers(text):
        if marker.style not in ("numeric", "superscript") or text[end : marker.start].strip(" ,"):
            break
        end = marker.end
    return end
