"""Inline citation markers in an article's body: where they stand and what they name.

A claim is judged against the sources it cites, so each sentence must know which
references its markers point at. Articles use every convention: numbers in brackets
(`[1]`, `[2-4]`, `[1, 3]`, Markdown footnotes `[^2]`), superscripts (`¹²`, `<sup>3</sup>`,
Pandoc's `^3^`), superscripts flattened to plain digits by a copy-and-paste
(`patients.3`, `knee,4,7`, `adults,2-5`), author–year in brackets (`(Hong, 1994)`,
`(Baker et al, 1979; Van den Berg and Moss, 1996)`, `(World Heart Federation, 2015)`,
`(Simons et al., 1999, p. 12)`), narrative author–year (`Hong (1994) showed`) and
links: Markdown links over words (`a [2021 review](https://doi.org/...)`) and URLs
written out.

Everything here is pure and only reads; `linking.py` resolves what is found against
the reference list. Plain digits are the one shape that needs the list to be read at
all: "2.5 mg", "p<0.05", "n = 12." and years are numbers too, so a plain-digit marker
is only taken where a flattened superscript stands (right after sentence punctuation
or a lower-case word, no space) and only when every number it names is in the list
(`plain_limit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from citeaudit.reading.links import (
    BARE_URL,
    MARKDOWN_LINK,
    entry_number,
    link_identity,
    link_url,
    strip_url,
)

MarkerStyle = Literal["numeric", "superscript", "plain", "author_year", "narrative", "link"]

_YEAR = r"(?:1[5-9]|20)\d{2}"
_NUMBERS = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*"
# "[3]", "[1, 4-6]"; with a lead-in or a mention of the article itself inside the
# brackets, "[e.g. 28]", "[see 4, 5]", "[19, this study]", still the numbered works.
# Spaces inside the brackets are a page's line breaks: "[ 6]", "[ 6- 8]".
_BRACKET = re.compile(
    rf"\[\s?(?:(?i:e\.\s?g\.|see(?:\s+also)?|cf\.)\s*,?\s*)?(?P<n>{_NUMBERS})"
    r"(?:\s*[,;]\s*(?:this|the present|present) (?:study|work|paper))?"
    rf"\s?\](?:\((?P<target>[^)\s]*)\))?|\[\^(?P<f>\d{{1,3}})\]"
)
# A range written as two bracketed ends, "[7]-[10]" (BioMed Central): every number between.
_BRACKET_RANGE = re.compile(r"\[(?P<a>\d{1,3})\]\s*[-–]\s*\[(?P<b>\d{1,3})\]")
_SUP_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(rf"(?<![\d{_SUP_DIGITS}])[{_SUP_DIGITS}]+(?:[⁻˒,‐–-][{_SUP_DIGITS}]+)*")
_SUP_TAG = re.compile(rf"<sup>\s*(?P<n>{_NUMBERS})\s*</sup>|\^(?P<p>{_NUMBERS})\^", re.I)
# Superscripts that are exponents, not citations: units (m², cm³, km², s⁻¹), powers of
# numbers (10⁶), and statistics named by one letter (I², R², r², χ², x²).
_UNIT_OR_STATISTIC = r"\b(?:m|cm|mm|km|µm|nm|ft|in|s|kg|g|mg|L|ml|mL)|(?<![^\W\d_])[^\W\d_]"
_EXPONENT_BEFORE = re.compile(rf"(?:{_UNIT_OR_STATISTIC}|\d)$")
# An HTML <sup> after a number may cite ("in 2019<sup>3</sup>"), so only letters count.
_TAG_EXPONENT_BEFORE = re.compile(rf"(?:{_UNIT_OR_STATISTIC})$")

# Plain digits: "1-3" numbers, ranges and comma lists with no spaces ("4,7", "2-5").
_PLAIN = re.compile(
    r"(?<=[^\s\d])(?P<n>[1-9]\d{0,2}(?:[-–][1-9]\d{0,2})?(?:,[1-9]\d{0,2}(?:[-–][1-9]\d{0,2})?)*)"
    r"(?![\d%°/×A-Za-z]|[.,]\d|-[A-Za-z])"
)
# Words after which digits are part of a name or a number, not a flattened superscript:
# abbreviations that take a number ("vol.3", "fig.2", "p.12") and words that carry one
# ("log2", "covid19").
# fmt: off
_NUMBERED_WORDS = frozenset({
    "approx", "ca", "cf", "vs", "no", "nos", "vol", "vols", "suppl", "fig", "figs", "tab",
    "ref", "refs", "eq", "eqs", "p", "pp", "ch", "chap", "sec", "para", "art", "ed", "eds",
    "ver", "version", "v", "n", "pt", "pts", "min", "max", "mo", "yr", "yrs", "wk", "wks",
    "hr", "hrs", "log", "ln", "lg", "exp", "sqrt", "covid", "sars", "type", "phase", "grade",
    "stage", "class", "level", "step", "day", "week",
})
# fmt: on
# The names a page's own tables and figures go by: a bracketed number right after one is
# that table ("Table [1]", linked by the page), never a reference. Capitalised only, as
# labels are: "the Scherrer equation [39]" and "the Delphi panel [31]" cite.
_NUMBERED_THING = re.compile(
    r"\b(?:Tables?|TABLES?|Fig(?:ure)?s?\.?|FIG(?:URE)?S?\.?|Supplementary\s+\w+|Appendix"
    r"|Additional\s+files?)\s*$"  # BioMed Central's "Additional file [3](.../suppl/S3)"
)
_CLOSERS = ")]\"”’'"

# A work not yet out, cited in place of a year: "(Dienes, in press)", "Dienes (forthcoming)".
_PENDING = r"(?i:in press|forthcoming)"
_YEAR_IN_BRACKETS = re.compile(rf"[(\[][^()\[\]]*\b{_YEAR}|{_PENDING}")
_PAREN = re.compile(rf"\((?P<body>[^()]*?(?:\b{_YEAR}[a-z]?\b|\b{_PENDING}\b)[^()]*)\)")
# The same in square brackets, as F1000Research writes them ("[Driggers et al., 2004]");
# not a Markdown link's words ("[Lee, 2010](#ref-3)"), which cite by their target.
_SQUARE = re.compile(
    rf"\[(?P<body>[^\[\]()]*?(?:\b{_YEAR}[a-z]?\b|\b{_PENDING}\b)[^\[\]()]*)\](?!\()"
)
_PARTICLE = r"(?i:van|von|de|der|den|del|della|di|da|dos|du|la|le|ten|ter)"
_NAME = rf"(?:{_PARTICLE}\s+)*[A-ZÀ-ÖØ-Þ][\w'’\-]+"
_NAMES = (
    rf"(?P<first>{_NAME})(?:,?\s*(?<=[\s,])(?P<etal>[*_]{{0,2}}et\s+al\.?[*_]{{0,2}})|(?:,\s*{_NAME})*,?\s+(?:&|and)\s+"
    rf"(?P<second>{_NAME}))?"
)
_NAMES_RE = re.compile(_NAMES)
# "Hong (1994)", "Rouder et al. (2009, p. 232)", "Dienes (in press)"
_NARRATIVE = re.compile(
    rf"(?P<names>{_NAMES})\s+\((?:(?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)"
    rf"(?:,\s*(?:pp?\.|ch\.|chap\.)\s*(?:\d{{1,3}}(?:,\d{{3}})+|[\w–-]+))?|(?P<pending>{_PENDING}))\)"
)
# "see Dienes, in press, for examples": a pending work named outside any bracket
_PENDING_CITE = re.compile(rf"(?P<names>{_NAMES}),\s+(?P<pending>{_PENDING})(?=\s*[,;.)]|\s+for\b)")
# One part of a bracketed group: "e.g., Baker et al, 1979", "Van den Berg and Moss 1996",
# "Ito K 2003", "World Heart Federation, 2015", "Simons et al., 1999, p. 12".
# Words before the first name of a part ("e.g.,", "see also", "reviewed in", "for
# example,"): lower-case words, which a name's particles ("van der Berg") are not.
_LEAD_IN = re.compile(
    r"^(?:(?:(?!(?i:van|von|de|der|den|del|della|di|da|dos|du|la|le|ten|ter)\s)"
    r"[a-z][a-z.]*|(?i:see|cf|compare|e\.g|i\.e))[,:.]?\s+)+"
)
_PART = re.compile(
    rf"^(?P<names>[A-ZÀ-ÖØ-Þ]|{_PARTICLE}\s)(?P<rest>[^0-9]*?),?\s+"
    rf"(?:(?P<years>{_YEAR}[a-z]?(?:\s*,\s*(?:{_YEAR}[a-z]?|[a-z]))*)|(?P<pending>{_PENDING}))"
    # a locator: "p. 12", "pp. 3-9", "ch. 4", "p. 1,101" (a page past a thousand)
    r"(?:\s*[,:]\s*(?i:pp?\.|ch\.|chap\.|chapter|sec\.|section)?\s*(?:\d{1,3}(?:,\d{3})+|[\w–-]+))?"
    # "Dienes, 2008, in press": the work of 2008 and one not out yet
    rf"(?:\s*,?\s*(?:(?P<also>{_PENDING})|(?i:submitted|(?:published )?online(?: first)?)))?"
    r"(?:,?\s+for\s[^;]*)?\s*$"  # "(see Lee, 2012, for a review)"
)
# A part that is years alone: "2011" or "2011a, b", after "Fan, 2012;"
_YEARS_ALONE = re.compile(rf"^({_YEAR}[a-z]?(?:\s*,\s*(?:{_YEAR}[a-z]?|[a-z]))*)$")
# Parts of a group that cite nothing a reader could look up.
_NOTE = re.compile(
    r"\b(?:unpublished|personal communication|pers\.? comm|data not shown|in preparation)\b",
    re.I,
)
_MONTHS = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|^(?:spring|summer|autumn|fall|winter)$",
    re.I,
)
_CONNECTIVES = frozenset({"of", "for", "and", "the", "on", "in", "to", "at", "&"})
_ET_AL = re.compile(r",?\s+et\.?\s+al\.?,?$", re.I)
_PERSON = re.compile(
    rf"^(?:{_PARTICLE}\s+)*[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+[A-Z]{{1,3}}|(?:,?\s+(?:[A-Z]\.\s?)+))?$"
)


@dataclass(frozen=True)
class Cite:
    """One author–year citation: `(Cummings & White, 2001a)` -> cummings, white, 2001, a;
    `(Dienes, in press)` -> dienes, year 0, pending "in press".

    `corporate` names a body ("World Heart Federation"), matched by its whole name."""

    first: str
    year: int
    suffix: str = ""
    second: str | None = None
    et_al: bool = False
    corporate: bool = False
    pending: str = ""  # "in press" or "forthcoming" (year 0): a work not yet out
    # Cites only if the list bears it out: "Dienes, 2008, in press" may be a second work
    # (an undated entry "in press") or the same one, published since.
    optional: bool = False


@dataclass(frozen=True)
class Marker:
    """A citation marker as written, where it stands, and what it names."""

    text: str
    start: int
    end: int
    style: MarkerStyle
    numbers: tuple[int, ...] = ()
    cites: tuple[Cite, ...] = ()
    identifier: str | None = None  # a link's identity: "doi:...", "pmid:...", "url:..."
    keep: str = ""  # what stays in the sentence when the marker is taken out


def expand(numbers: str) -> tuple[int, ...]:
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


def _years(years: str) -> list[tuple[int, str]]:
    """`1999a, b, 2001` -> [(1999, "a"), (1999, "b"), (2001, "")]."""
    out: list[tuple[int, str]] = []
    last_year = None
    for token in re.split(r"\s*,\s*", years.strip()):
        match = re.fullmatch(rf"({_YEAR})?([a-z]?)", token)
        if not match:
            continue
        year = int(match.group(1)) if match.group(1) else last_year
        if year is None:
            continue
        last_year = year
        out.append((year, match.group(2)))
    return out


def _cites(names: re.Match[str], years: str | None, pending: str | None = None) -> list[Cite]:
    first = names.group("first")
    second = names.group("second")
    et_al = bool(names.group("etal"))
    if pending:
        return [Cite(first, 0, "", second, et_al, pending=pending.lower())]
    return [Cite(first, year, suffix, second, et_al) for year, suffix in _years(years or "")]


def read_names(names: str) -> tuple[str, str | None, bool, bool] | None:
    """The names of an author–year part: (first, second, et al., corporate), or None
    when the words cannot be authors ("Figure 2", "January").

    People are surnames, with particles ("Van den Berg") and initials ("Ito K"),
    joined by commas, "and" or "&"; anything else that starts with a capital, such as
    "World Heart Federation" or "Centers for Disease Control and Prevention", is a body
    and is matched by its whole name."""
    names = " ".join(names.split()).strip(" ,")
    et_al = bool(_ET_AL.search(" " + names))
    names = _ET_AL.sub("", " " + names).strip(" ,")
    if not names or re.search(r"\d", names) or _MONTHS.match(names):
        return None
    people = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", names)]
    people = [p for p in people if p and not re.fullmatch(r"(?:[A-Z]\.?\s?){1,3}", p)]
    if people and all(_PERSON.match(p) for p in people):
        first = re.sub(r"\s+[A-Z]{1,3}$|,?\s+(?:[A-Z]\.\s?)+$", "", people[0])
        second = people[1] if len(people) == 2 and not et_al else None
        if second:
            second = re.sub(r"\s+[A-Z]{1,3}$|,?\s+(?:[A-Z]\.\s?)+$", "", second)
        return first, second, et_al, False
    words = names.split()
    if len(words) <= 12 and all(
        re.fullmatch(r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*", w) or w in _CONNECTIVES for w in words
    ):
        return names, None, et_al, True
    return None


def _group_cites(body: str) -> list[Cite]:
    """The citations of a bracketed group, part by part (`;` between parts); a part that
    is not a citation ("unpublished data", "see Table 2") is passed over."""
    cites: list[Cite] = []
    body = re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", body)  # Markdown emphasis: "*et al.*"
    for raw in re.split(r"\s*;\s*", body.strip()):
        part = _LEAD_IN.sub("", raw.strip())
        if not part or _NOTE.search(part):
            continue
        if cites and (more := _YEARS_ALONE.match(part)):
            # "(Fan, 2012; 2011)": the years go with the names before them
            last = cites[-1]
            cites.extend(
                replace(last, year=year, suffix=suffix, pending="", optional=False)
                for year, suffix in _years(more.group(1))
            )
            continue
        parsed = _PART.match(part)
        if not parsed:
            continue
        names = read_names(parsed.group("names") + parsed.group("rest"))
        if names is None:
            continue
        first, second, et_al, corporate = names
        if parsed.group("pending"):
            pending = parsed.group("pending").lower()
            cites.append(Cite(first, 0, "", second, et_al, corporate, pending))
            continue
        cites.extend(
            Cite(first, year, suffix, second, et_al, corporate)
            for year, suffix in _years(parsed.group("years"))
        )
        if parsed.group("also"):
            pending = parsed.group("also").lower()
            cites.append(Cite(first, 0, "", second, et_al, corporate, pending, optional=True))
    return cites


def _before(text: str, start: int) -> str:
    """The few characters before a match: enough for every look-behind rule here, and
    a fixed amount, so a long run of text with many numbers is read in linear time."""
    return text[max(0, start - 40) : start]


def _plain_digit_markers(text: str, limit: int) -> list[Marker]:
    """Superscripts flattened to plain digits: "patients.3", "knee,4,7", "effect3".

    Taken only where nothing else reads that way, and only when every number names an
    entry of the list (1..limit). Digits in URLs and identifiers are never markers."""
    found: list[Marker] = []
    if limit < 1:
        return found
    for match in _PLAIN.finditer(text):
        numbers = expand(match.group("n"))
        if not numbers or max(numbers) > limit or min(numbers) < 1:
            continue
        window = max(0, match.start() - 200)
        token = text[text.rfind(" ", window, match.start()) + 1 or window : match.end()]
        if re.search(r"://|www\.|/|@|\b10\.\d{4}", token):
            continue
        if _plain_digits_fit(_before(text, match.start()), match.group("n")):
            found.append(Marker(match.group(0), match.start(), match.end(), "plain", numbers))
    return found


def _plain_digits_fit(before: str, group: str) -> bool:
    """Whether what stands before a run of digits makes it a flattened superscript."""
    mark = before[-1]
    if mark in ".!?,;":
        ahead = before[:-1]
        if not ahead:
            return False
        last = ahead[-1]
        if last.isdigit():
            # "Figure 2.5,8": a list after a number's full stop; "2.5" alone is a decimal.
            return mark == "." and "," in group
        if last in _CLOSERS:
            return True
        word = re.search(r"[^\W\d_]+$", ahead)
        return (
            bool(word) and len(word.group(0)) >= 2 and word.group(0).lower() not in _NUMBERED_WORDS
        )
    if mark in _CLOSERS:  # a quotation mark must close ("'knots'4"), not open ('"5"')
        return mark in ")]" or bool(before[-2:-1].strip())
    word = re.search(r"(?<![\w-])[a-z]{3,}$", before)
    return (
        bool(word) and word.group(0) not in _NUMBERED_WORDS and not _EXPONENT_BEFORE.search(before)
    )


def _link_markers(text: str) -> list[Marker]:
    """Markdown links and written-out URLs, each with what its URL identifies.

    A link whose words are only numbers (`[4](#ref4)`) is a numbered marker, read as one."""
    found: list[Marker] = []
    for match in MARKDOWN_LINK.finditer(text):
        label = match.group("label")
        if (entry := entry_number(link_url(match))) is not None:
            # the page's own link to its n-th entry: exact, whatever its words say
            found.append(
                Marker(match.group(0), match.start(), match.end(), "numeric", (entry,), keep=label)
            )
            continue
        if re.fullmatch(rf"\s*\^?{_NUMBERS}\s*", label):
            continue
        found.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "link",
                identifier=link_identity(link_url(match)),
                keep=label,
            )
        )
    for match in BARE_URL.finditer(text):
        url = strip_url(match.group(0))
        end = match.start() + len(url)
        found.append(
            Marker(url, match.start(), end, "link", identifier=link_identity(url), keep="")
        )
    return found


def find_markers(text: str, plain_limit: int = 0, *, superscripts: bool = True) -> list[Marker]:
    """Every citation marker in a text, in order; overlapping readings keep the first.

    `plain_limit` is the highest number the reference list answers to: plain digits
    are read as markers only up to it (0: not at all). Without `superscripts` (a page
    that links every citation), a superscript number is an exponent, not a marker."""
    found: list[Marker] = (
        _link_markers(text) if "[" in text or "http" in text or "www." in text else []
    )
    for match in _BRACKET_RANGE.finditer(text):
        numbers = f"{match.group('a')}-{match.group('b')}"
        found.append(Marker(match.group(0), match.start(), match.end(), "numeric", expand(numbers)))
    for match in _BRACKET.finditer(text):
        if _NUMBERED_THING.search(_before(text, match.start())):
            continue  # "presented in Table [1](.../table/T1)": the table, not entry 1
        numbers = match.group("n") or match.group("f")
        found.append(Marker(match.group(0), match.start(), match.end(), "numeric", expand(numbers)))
    for match in _SUP_TAG.finditer(text) if superscripts else ():
        before = _before(text, match.start())
        if before and _TAG_EXPONENT_BEFORE.search(before):
            continue
        numbers = match.group("n") or match.group("p")
        found.append(
            Marker(match.group(0), match.start(), match.end(), "superscript", expand(numbers))
        )
    for match in _SUPERSCRIPT.finditer(text) if superscripts else ():
        before = _before(text, match.start())
        if not before or _EXPONENT_BEFORE.search(before):
            continue
        numbers = expand(_from_superscript(match.group(0)))
        found.append(Marker(match.group(0), match.start(), match.end(), "superscript", numbers))
    found.extend(_plain_digit_markers(text, plain_limit))
    if not _YEAR_IN_BRACKETS.search(text):  # the author–year readings below all need one
        return _first_of_overlaps(found)
    for match in (*_PAREN.finditer(text), *_SQUARE.finditer(text)):
        if cites := _group_cites(match.group("body")):
            found.append(
                Marker(
                    match.group(0), match.start(), match.end(), "author_year", cites=tuple(cites)
                )
            )
    for pattern in (_NARRATIVE, _PENDING_CITE):
        found.extend(_narrative_markers(pattern, text))
    return _first_of_overlaps(found)


def _narrative_markers(pattern: re.Pattern[str], text: str) -> list[Marker]:
    """Names in running text with their year ("Hong (1994)") or "in press"; the names
    stay in the sentence as its words."""
    found = []
    for match in pattern.finditer(text):
        names = _NAMES_RE.match(match.group("names"))
        if names is None or _MONTHS.match(names.group("first")):
            continue
        bracket = match.group(0).rfind("(")
        end = match.start() + bracket if bracket > 0 else match.start("names") + len(match["names"])
        years = match.groupdict().get("years")
        found.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "narrative",
                cites=tuple(_cites(names, years, match.group("pending"))),
                keep=text[match.start() : end].rstrip(),
            )
        )
    return found


def _first_of_overlaps(found: list[Marker]) -> list[Marker]:
    """The markers in order; where two readings overlap, the one that starts first (the
    longer at a tie, and any other before a link) is kept."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start), m.style == "link"))
    kept: list[Marker] = []
    for marker in found:
        if kept and marker.start < kept[-1].end:
            continue
        kept.append(marker)
    return kept


def leading_markers(text: str, plain_limit: int = 0, *, superscripts: bool = True) -> int:
    """How many characters of numeric/superscript markers open a text: a marker written
    after a full stop (`...pain.[3] Next`) belongs to the sentence before it. So does an
    author-year group that is the whole text: "...what are the options? (Warner, 2018)"."""
    alone = (
        find_markers(text, plain_limit, superscripts=superscripts)
        if text.lstrip().startswith("(")
        else []
    )
    if (
        len(alone) == 1
        and alone[0].style == "author_year"
        and not text[: alone[0].start].strip()
        and not text[alone[0].end :].strip(" .;,")
    ):
        return alone[0].end
    if not re.match(rf"\s*(?:\[|<sup|\^|[{_SUP_DIGITS}])", text, re.I):
        return 0
    end = 0
    for marker in find_markers(text, plain_limit, superscripts=superscripts):
        if (
            marker.style not in ("numeric", "superscript")
            or marker.keep  # linked words ("Archambault et al. (2014) found"): the sentence's own
            or text[end : marker.start].strip(" ,")
        ):
            break
        end = marker.end
    return end
