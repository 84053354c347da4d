"""Reference strings to structured references, exactly as the article wrote them.

Nothing here consults a registry: the parsed fields are the article's side of every
later comparison, so they must reflect the text, including its errors.

Real reference lists mix every style and every mistake. Two readers share the work
(see `parse_reference`): style rules for the families they know exactly (author–year
APA/Harvard, Chicago author–date, Vancouver/AMA, IEEE, MLA), and a sequence labeller
trained on hand-labelled real references (`labeller`, as AnyStyle and GROBID do it)
for everything else, its segments made into values by one normaliser a field
(`normalise/`). Identifiers (DOI, PMID, PMCID, ISBN, URLs) are exact patterns, found
anywhere and taken out first. `benchmarks/parsing.py` measures the fields on held-out
real references, `benchmarks/references.py` on registry records rendered by real CSL
styles.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from citeaudit.doi import find_doi
from citeaudit.models import Reference
from citeaudit.reading.labeller import segments
from citeaudit.reading.normalise import numbers
from citeaudit.reading.normalise.text import without_kind
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
# APA and Harvard: "(1994)", "(1994a)", "(2019, March 5)", "(n.d.)".
_YEAR_PAREN = re.compile(rf"\((?P<year>{_YEAR})(?P<suffix>[a-z])?(?:,[^)]*)?\)|\(n\.\s?d\.\)")
# Vancouver/AMA date-and-numbers: "1994 Jul-Aug;73(4):256-63", "2019;2019:1–4", "2018;72:e1".
_VANCOUVER_DATE = re.compile(
    rf"(?P<year>{_YEAR})(?:\s+{_MONTHS}\.?(?:\s*[-–/]\s*{_MONTHS}\.?)?)?(?:\s+\d{{1,2}})?"
    rf"\s*;\s*(?P<rest>[^;]*?)\s*(?:\.(?=\s|$)|$)"
)
# Chicago author-date: the year stands alone between full stops after the authors.
_CHICAGO_YEAR = re.compile(rf"(?<=\.)\s(?P<year>{_YEAR})(?P<suffix>[a-z])?\.\s")
# Volume, issue and pages in the styles that write them with punctuation only.
_PAGES = r"(?P<pages>[A-Za-z]{0,3}\d+[A-Za-z]?(?:\.\d+)?(?:\s*[-–—]\s*[A-Za-z]{0,3}\d+[A-Za-z]?(?:\.\d+)?)?)"
_VOL_ISSUE_PAGES = re.compile(
    rf"(?P<volume>[A-Za-z]?\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]+)\))?\s*[,:]\s*(?:pp?\.\s*)?{_PAGES}"
)
# "Journal, 9(8)." (an article number instead of pages is often left out) and
# "Journal, 100814." (an article without a volume yet)
_VOL_ISSUE_END = re.compile(
    r",\s*(?:(?P<volume>[A-Za-z]?\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]+)\))?(?P<pages>)"
    r"|(?P<novolume>)(?P<pages2>[A-Za-z]?\d{3,}(?:\s*[-–]\s*[A-Za-z]?\d+)?))\s*\.?$"
)
_EDITION = re.compile(
    r"\b(\d+(?:st|nd|rd|th)|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth|[Ss]ixth|[Rr]ev(?:ised)?\.?)"
    r"\s+(?:ed(?:ition|n)?\.?)",
)
_BOOK_VOLUME = re.compile(r"\bVol(?:ume)?\.?\s*(\d+)", re.IGNORECASE)
_PLACE_PUBLISHER = re.compile(
    r"(?P<place>[A-Z][\w .'’-]+?(?:,\s*[A-Z]{2}(?:,\s*[A-Z][\w ]+)?)?)\s*:\s*(?P<publisher>[^.:;]+?)\s*(?:;\s*(?:c\s*)?\d{4}[a-z]?)?\.?\s*$"
)
_PAGES_IN_BOOK = re.compile(r"\(?\b(?:pp?\.)\s*(?P<pages>\w+(?:\s*[-–]\s*\w+)?)\)?")

# Names. A surname may carry particles ("van der", "de la"), hyphens and apostrophes.
_UPPER = r"A-ZÀ-ÖØ-ÞĀ-ſ"
_WORD = rf"[{_UPPER}][\w'’\-]*"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|ten|ter|bin|al|el|St\.?|Mc)"
_SURNAME = rf"(?:{_PARTICLE}\s+)*{_WORD}(?:[\s-](?:{_PARTICLE}\s+)*{_WORD})*"
# "C. Z.", "A. Y.-H.", "R.L." (with full stops) or "CZ", "J-E" (without, at most four)
_INITIALS = rf"(?:(?:[{_UPPER}][a-z]?\.\s?-?\s?)+|[{_UPPER}](?:-?[{_UPPER}]){{0,3}}\s?)"
_GIVEN_NAMES = rf"(?:{_WORD}\.?\s?)+"
# "Hong, C. Z." / "Hong, Chang-Zern" (APA, Harvard, Chicago's first author)
_SURNAME_FIRST = re.compile(rf"^(?P<surname>{_SURNAME}),\s*(?P<given>{_INITIALS}|{_GIVEN_NAMES})$")
# "C. Z. Hong" (IEEE, Chicago's later authors)
_INITIALS_FIRST = re.compile(
    rf"^(?P<given>(?:[{_UPPER}][a-z]?\.\s?-?\s?)+)\s*(?P<surname>{_SURNAME})$"
)
# "Hong CZ" (Vancouver, AMA)
# "CZ", "J-E", and romanised given names written as "C fen" / "C-fen"
_VANCOUVER_GIVEN = rf"[{_UPPER}](?:-?[{_UPPER}]){{0,3}}(?:[-\s](?!et\b)[a-z]{{1,6}}\b)?"
_VANCOUVER_NAME = re.compile(rf"^(?P<surname>{_SURNAME})\s+(?P<given>{_VANCOUVER_GIVEN})$")
_VANCOUVER_AUTHORS = re.compile(
    rf"^((?:{_SURNAME} {_VANCOUVER_GIVEN}(?:, |\. |\.$|,? et al\.?\s?))+(?:et al\.?\s?)?)"
)
_ET_AL = re.compile(r",?\s*(?:et\s+al\.?|and others|\.\s?\.\s?\.|…)", re.IGNORECASE)


def strip_numbering(line: str) -> tuple[int | None, str]:
    """The number a numbered list gives a reference ("[3]", "3.", "3 ") and the rest,
    without a citation label the list prints before the entry (`without_label`)."""
    match = _NUMBERED.match(line)
    if not match:
        return None, without_label(line.strip())
    number = match.group("a") or match.group("b") or match.group("c")
    return int(number), without_label(line[match.end() :].strip())


# "Albertson et al., 2003 R.C. Albertson, J.T. Streelman, ...": ScienceDirect prints each
# entry's in-text label before it.
_LABEL = re.compile(
    rf"^(?P<surname>{_SURNAME})(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_SURNAME})?,?\s+"
    rf"\(?{_YEAR}[a-z]?\)?\s+(?=\S)"
)


def without_label(text: str) -> str:
    """The entry without a leading citation label: the label's surname must open the
    author list that follows ("R.C. Albertson", "Rambaut, A."), so a reference that
    merely starts "Smith (2003)" is kept whole."""
    match = _LABEL.match(text)
    if match is None:
        return text
    rest = text[match.end() :]
    opens = re.match(rf"(?:{_INITIALS}\s*)?{re.escape(match.group('surname'))}\b", rest)
    return rest if opens else text


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
    text = re.sub(r"\s+,", ",", text)  # "Smith E , Haustein S ," (PeerJ's lists)
    # "2016a" is a year too; a work not yet out has "(in press)" where the year would be,
    # or ends with it ("BMC Health Research Policy and Systems In Press")
    has_year = bool(
        re.search(
            rf"\b{_YEAR}[a-z]?\b|\((?:in press|forthcoming)\)|\b(?:in press|forthcoming)\.?$",
            text,
            re.I,
        )
    )
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
        or (number is not None and (has_year or bool(_URL.search(text))))  # a web page
        # a web page cited by its quoted title and its site, with no date:
        # '"Howard the Duck (character)". Grand Comics Database.'
        or (number is not None and bool(_QUOTED_TITLE_THEN_SOURCE.match(text)))
        # authors with no punctuation, as JATS renders a book without its year:
        # "Tierling S Reither S Walter J Bisulfite sequencing of small DNA/cell samples"
        or (number is not None and bool(_BARE_AUTHOR_LIST.match(text)))
    )


_BARE_AUTHOR_LIST = re.compile(r"^(?:[A-Z][a-z][\w'’-]* [A-Z]{1,3} ){2,}[A-Z]")
_QUOTED_TITLE_THEN_SOURCE = re.compile(r"^[\"“][^\"“”]{3,200}[\"”][.,]?\s+[A-Z0-9]\w*")


# What the rules' complete reading may still lack and the labeller supplies: the rules
# read "v. 215, pp. 249-264" or "(pp. 263-290)" as nothing, and a book's place and
# publisher only in the forms they know. The rules' own values are never replaced: on
# clean, styled strings they are the more exact (measured on the dev part of the
# labelled references and on `benchmarks/references.py`'s rendered strings).
_FILLED_BY_LABELLER = ("volume", "issue", "pages", "container", "publisher", "place")


def parse_reference(raw: str, line_number: int) -> Reference:
    """Parse one reference string; fields the text does not give stay None.

    Two readers, one trusted over the other by evidence: the style rules below were
    tuned on clean, styled references and read those exactly (no false "broken" on
    2,621 rendered strings), but read only half the fields of real, messy lists right;
    the trained labeller (`labeller`, `reference_fields`) reads real lists far better
    (see `benchmarks/parsing.py`) but is less exact on clean styles. So a reference the
    rules read completely (authors, year, title and a journal with numbers, or a
    publisher) keeps the rules' values, with the fields they lack taken from the
    labeller's reading; any other is read by the labeller.
    """
    by_rules = _parse_by_rules(raw, line_number)
    if not _complete(by_rules):
        return _without_trailing_numbers(_parse_by_labeller(raw, line_number))
    if by_rules.container and by_rules.volume and by_rules.pages:
        # a whole journal reference: the labeller would add nothing here
        return _without_trailing_numbers(by_rules)
    by_labeller = _parse_by_labeller(raw, line_number)
    for name in _FILLED_BY_LABELLER:
        if getattr(by_rules, name) not in (None, ""):
            continue
        if (value := getattr(by_labeller, name)) and _fills(by_rules, name, value):
            setattr(by_rules, name, value)
    return _without_trailing_numbers(by_rules)


def _fills(ref: Reference, name: str, value: str) -> bool:
    """Whether the labeller's value may fill the rules' empty field. Pages that are the
    year or the volume ("Crelles Journal, 2015(700)") are not pages; a container is
    taken only for a chapter ("In: Book") or a journal with numbers, since a book's
    series read as its container ("Göttinger Studien zur Kulturanthropologie") left a
    rendered reference unmatched."""
    if name == "pages":
        return value not in (str(ref.year), ref.volume)
    if name == "container":
        chapter = re.search(rf"\b[Ii]n:?\s+{re.escape(value[:20])}", ref.raw)
        return bool(chapter or ref.volume or ref.pages)
    return True


def _without_trailing_numbers(ref: Reference) -> Reference:
    """A journal that took the year or the volume written after it ("Ann Clin Biochem
    1982; 19: 431-4"), without them; a number that is neither, or that the reference
    writes again elsewhere, stays ("Periodontol 2000", "Multikonferenz 2010 ... 2010")."""
    if ref.container and (last := re.search(r"\s(\d{1,4})$", ref.container)):
        number = last.group(1)
        if len(re.findall(rf"(?<!\d){number}(?!\d)", ref.raw)) > 1:
            return ref  # written again elsewhere: part of the name ("Konferenz 2010")
        if ref.year is None and re.fullmatch(_YEAR, number):
            ref.year = int(number)  # the only year written: the journal's date
        if number in (str(ref.year), ref.volume):
            ref.container = ref.container[: last.start()].rstrip(" ,.;:") or None
    return ref


@functools.lru_cache(maxsize=256)
def _prepared(raw: str) -> tuple[int | None, str, str]:
    """The list's number, the entry's text, and the text without its identifiers: both
    readers start from them (cached, as one reference often goes to both)."""
    number, text = strip_numbering(raw)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return number, text, _without_identifiers(text)


def _parse_by_labeller(raw: str, line_number: int) -> Reference:
    """The trained labeller's reading of the reference."""
    number, text, plain = _prepared(raw)
    ref = Reference(key="", raw=raw.strip(), line=line_number)
    ref.number = number
    _identifiers(text, ref)
    ref = fill_fields(ref, segments(plain))
    if ref.year is None and (written := _AUTHOR_DATE_YEAR.search(plain)):
        # "Center for Disease Control and Prevention, 2019a." read whole as a title
        ref.year = int(written.group("year"))
    return ref


# A year as author-date styles write it after the names: ", 2019a." or "(2019a)".
_AUTHOR_DATE_YEAR = re.compile(rf"(?:,\s*|\()(?P<year>{_YEAR})[a-z]?(?:\)|\.(?:\s|$))")


def _complete(ref: Reference) -> bool:
    """Whether the rules read every field a reference of its kind has, plausibly. The
    shapes below are the rules' known misreadings of real lists (measured on the dev
    part of the labelled references): a title starting "and K. Mills", "et al.", a
    year or "Linne, M." is an author list cut wrong; "udwik" lost its first letter to
    the authors ("Fleck, Ludwik. Genesis..."); a journal "Proc" or "Contemp" was cut
    at an abbreviation's full stop; "eds" or "Edited by" are editors, not authors or
    title."""
    return bool(
        ref.authors
        and ref.year
        and ref.title
        and not _IMPLAUSIBLE_TITLE.match(ref.title)
        and not _cut_word(ref.title, ref.raw)
        # "Edited by" opening the editors; a word "edited" in a title is no sign
        and not re.search(r"(?-i:\bEdited by\b)|\bed(?:s|itors?)?\.?\s*(?:$|\()", ref.title, re.I)
        and not any(_IMPLAUSIBLE_AUTHOR.search(a) for a in ref.authors)
        # "Leach, Neil, ed. Rethinking Architecture": editors, read as authors
        and not _EDITORS_BEFORE.search(ref.raw[: max(0, ref.raw.find(ref.title))])
        and not re.match(r"\(eds?\.?\)", ref.title)
        # "Biotic effects..., Earth and Planetary Science Letters, v": the journal and
        # its "v. 215" run into the title
        and not re.search(r"[,\s](?:v|vol|no|pp?)\.?$", ref.title, re.I)
        and not (ref.container and _CUT_CONTAINER.search(ref.container))
        and ref.title.count("(") == ref.title.count(")")  # "(4th" cut from "(4th. edition)"
        and not re.search(r"[”\"],?\s+\S|’,\s+\S", ref.title.strip())  # its closing quote inside
        and not re.search(rf"\b{_YEAR}[a-z]?[.,]?\s+[“\"‘]", ref.title)  # authors, year, "title"
        and re.search(rf"(?<![\d:–-]){ref.year}(?!\d)", ref.raw)  # not a page ("12:1830-45")
        and not re.search(r"\d\s*[;:(]\s*\d", ref.publisher or "")  # numbers, not a name
        and ((ref.container and (ref.volume or ref.pages)) or ref.publisher)
    )


_IMPLAUSIBLE_TITLE = re.compile(
    rf"^(?:and\b|&|et al\b|[a-z]\.|[,.;:)\]]|{_YEAR}\b|{_SURNAME},\s+[{_UPPER}]\."
    # a given-first list cut after its first initial: "Philip E. | Agre, 1997", "Valerian
    # J. | Derlega, Barbara A. Winstead, ..."
    rf"|{_SURNAME},\s+{_YEAR}[a-z]?\b|{_SURNAME},\s+[{_UPPER}][a-z]+\s+[{_UPPER}]\."
    # the same with two authors: "Julianne M. | Serovich and Katie E. Mosack, 2003"
    rf"|{_SURNAME}\s+(?:and|&)\s+{_WORD}\s+(?:[{_UPPER}]\.\s+)*{_SURNAME},\s+{_YEAR}[a-z]?\b)",
    re.IGNORECASE,
)
_EDITORS_BEFORE = re.compile(r"(?:,|\s)\s*\(?(?:eds?|editors?|hrsg|hg)\.?\)?[.,:]?\s*$", re.I)
# One "author" that is none: editors ("eds", "Radder H (ed)"), a quotation, "In ...", a
# run of words, a year, a lone initial ("T."), or two names glued by ";".
_IMPLAUSIBLE_AUTHOR = re.compile(
    r"^(?:eds?|editors?)\.?$|\(eds?\.?\)|[“”\";]|\bIn\s|(?:\S+\s+){5}|^\W*\d{4}\W*$|(?-i:^[A-Z]{1,2}\.;?$)",
    re.I,
)
# A journal cut at an abbreviation's full stop (a journal "Proc" or "Contemp" alone, or
# one ending "vol"/"v"/"no"), one that swallowed its numbers (", 135–46", "vol. 24"), or
# an editor ("edited by"). "Breast J" and "Mayo Clin Proc" are whole journals.
_CUT_CONTAINER = re.compile(
    r"^(?:Proc|Contemp|Trans|Int|Inst)$|(?:^|\s|,)(?:vol|v|no|pp?)$|,\s*[\d–-]+(?:,\s*[\d–-]+)?$"
    r"|\bedited by\b|\bvol\.?\s*\d|[<>]",
    re.I,
)


def _cut_word(title: str, raw: str) -> bool:
    """Whether the title starts inside a word: "udwik" of "Ludwik" (a lower-case start
    right after a capital letter in the reference)."""
    if not title[:1].islower():
        return False
    at = raw.find(title)
    return at > 0 and raw[at - 1].isupper()


def _identifiers(text: str, ref: Reference) -> None:
    ref.doi = find_doi(text)
    if pmid := _PMID.search(text):
        ref.pmid = pmid.group(1)
    if isbn := _ISBN.search(text):
        ref.isbn = re.sub(r"[\s-]", "", isbn.group(1)).upper()
    if url := _URL.search(text):
        ref.url = url.group(0).rstrip(".,;)")


def _parse_by_rules(raw: str, line_number: int) -> Reference:
    """The style rules' reading; never raises (a failure reads as no fields)."""
    try:
        return _rules(raw, line_number)
    except (IndexError, ValueError, AttributeError, TypeError):
        return Reference(key="", raw=raw.strip(), line=line_number)


def _rules(raw: str, line_number: int) -> Reference:
    number, text, body = _prepared(raw)
    ref = Reference(key="", raw=raw.strip(), line=line_number)
    ref.number = number
    _identifiers(text, ref)
    if _parse_mla(body, ref):
        return _tidy(ref)
    vancouver = _find_vancouver_date(body)
    paren = _YEAR_PAREN.search(body)
    if (
        paren
        and (vancouver is None or paren.start() < vancouver.start())
        and paren.start() < 0.7 * len(body)
    ):
        _parse_author_year(body, paren, ref)
    elif vancouver is not None:
        _parse_vancouver(body, vancouver, ref)
    elif (chicago := _CHICAGO_YEAR.search(body)) and (
        _is_author_list(body[: chicago.start()]) or chicago.start() < 0.3 * len(body)
    ):
        _parse_chicago(body, chicago, ref)
    elif re.search(r"[“\"].+?[”\"],", body):
        _parse_ieee(body, ref)
    else:
        _parse_vancouver_book(body, ref)
    return _tidy(ref)


def _tidy(ref: Reference) -> Reference:
    if ref.title:
        ref.title = without_kind(ref.title.strip()).rstrip(",;") or None
    if ref.container:
        ref.container = ref.container.strip(" ,.;") or None
    return ref


def _parse_mla(body: str, ref: Reference) -> bool:
    """MLA (9th ed.): names in full, the title in quotes or alone, then "vol., no., pp."
    Tried first: its "Surname, Given." start reads as initials to the other families."""
    if not _MLA_NAME_START.match(body):
        return False
    if article := _MLA_ARTICLE.match(body):
        rest = article.group("rest")
        year = re.search(rf"\b({_YEAR})\b", rest)
        if year is None:
            return False
        ref.authors = _mla_authors(article.group("authors"))
        ref.title = article.group("title").strip().rstrip(".")
        ref.container = article.group("container")
        ref.year = int(year.group(1))
        if volume := re.search(r"\bvol\.\s*([\w-]+)", rest):
            ref.volume = volume.group(1)
        if issue := re.search(r"\bno\.\s*([\w-]+)", rest):
            ref.issue = issue.group(1)
        if pages := re.search(r"\bpp?\.\s*([\w]+(?:\s*[-–]\s*[\w]+)?)", rest):
            ref.pages = re.sub(r"\s*[–]\s*", "-", pages.group(1))
        return True
    if book := _MLA_BOOK.match(body):
        ref.authors = _mla_authors(book.group("authors"))
        ref.title = book.group("title").strip()
        ref.year = int(book.group("year"))
        ref.kind = "book"
        publisher = re.sub(r"^[^.]*\bed\.,\s*", "", book.group("rest"))
        ref.publisher = publisher.rsplit(",", 1)[0].strip() or None
        return True
    return False


def _mla_authors(segment: str) -> list[str]:
    """ "Cummings, T. Michael, and Adrian R. White" -> ["Cummings, T. Michael", "White,
    Adrian R."]: the first name inverted, the others as written (MLA's order)."""
    segment = _ET_AL.sub("", segment).strip(" ,")
    if re.search(r"[a-z]{2}\.$", segment):  # the list's full stop, not an initial's
        segment = segment[:-1]
    first, _, others = segment.partition(", and ") if ", and " in segment else (segment, "", "")
    names = [first.strip()]
    for other in re.split(r",\s*(?:and\s+)?|\s+and\s+", others):
        words = other.strip().split()
        if words:
            names.append(f"{words[-1]}, {' '.join(words[:-1])}".strip(", "))
    if len(names) == 1 and " and " in first:  # "Hong, Chang-Zern and Jan Smith"
        lead, _, second = first.partition(" and ")
        words = second.split()
        names = [lead.strip(), f"{words[-1]}, {' '.join(words[:-1])}".strip(", ")]
    return names


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


def _find_vancouver_date(text: str) -> re.Match[str] | None:
    for match in _VANCOUVER_DATE.finditer(text):
        before = text[: match.start()].rstrip()
        if before.endswith((".", ",", ":")) or not before:
            return match
    return None


# --------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------


def parse_authors(segment: str) -> list[str]:
    """Author names as `Surname, Given` with the given names or initials as written.

    Handles "Surname, I. I., Surname, I., & Surname, I." (APA), "Surname, I. et al."
    (Harvard), "Surname, I. I., I. Surname, and I. Surname" (Chicago), "I. Surname,
    and I. Surname" (IEEE) and "Surname II, Surname II, et al." (Vancouver).
    """
    segment = _ET_AL.sub("", segment).strip(" ,")
    if segment.endswith(".") and not re.search(rf"\b[{_UPPER}][a-z]?\.$", segment):
        segment = segment[:-1]  # the full stop that ends the author list, not an initial's
    segment = re.sub(r"\s*(?:,\s*)?(?:&|\band\b)\s+", ", ", segment)
    tokens = [t.strip() for t in segment.split(",") if t.strip()]
    authors: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].strip()
        if re.fullmatch(r"(?:Jr|Sr|II|III|IV)\.?", token):
            index += 1  # a generational suffix belongs to the name before it
            continue
        following = tokens[index + 1].strip() if index + 1 < len(tokens) else ""
        if following and re.fullmatch(_INITIALS, following + " ") and re.fullmatch(_SURNAME, token):
            authors.append(f"{token}, {following.strip()}")
            index += 2
            continue
        if match := _VANCOUVER_NAME.match(token.rstrip(".")):
            authors.append(f"{match.group('surname')}, {match.group('given')}")
        elif match := _INITIALS_FIRST.match(token):
            authors.append(f"{match.group('surname')}, {match.group('given').strip()}")
        elif (
            following
            and re.fullmatch(_SURNAME, token)
            and re.fullmatch(_GIVEN_NAMES, following + " ")
            and len(following.split()) <= 3
            and not (authors and " " in token and " " in following)
        ):
            authors.append(f"{token}, {following}")
            index += 2
            continue
        elif authors and (inverted := _given_first(token)):
            authors.append(inverted)
        elif re.fullmatch(_SURNAME, token) or len(token.split()) <= 6:
            authors.append(token)  # an organisation, or a name in a form we do not know
        index += 1
    return authors


_GIVEN_FIRST = re.compile(
    rf"^(?P<given>(?:{_WORD}\.?\s+)+?(?:[{_UPPER}]\.\s?)*)(?P<surname>(?:{_PARTICLE}\s+)*{_WORD})$"
)


def _given_first(token: str) -> str | None:
    """ "Marcelo Wanderley" -> "Wanderley, Marcelo": Chicago and MLA write the authors
    after the first with their given names first ("Hockman, Jason, Marcelo Wanderley,
    Ichiro Fujinaga"); two to four words, each capitalised."""
    words = token.split()
    if not 2 <= len(words) <= 4 or (match := _GIVEN_FIRST.match(token)) is None:
        return None
    return f"{match.group('surname')}, {match.group('given').strip()}"


def _is_author_list(segment: str) -> bool:
    segment = segment.strip()
    if not segment or len(segment) > 600:
        return False
    return bool(
        re.match(rf"^{_SURNAME},\s*(?:{_INITIALS}|{_GIVEN_NAMES})", segment)
        or _VANCOUVER_AUTHORS.match(segment + ". ")
        or re.match(rf"^(?:[{_UPPER}]\.\s?)+{_SURNAME}", segment)
    )


# --------------------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------------------


def _split_title(rest: str) -> tuple[str | None, str]:
    """A quoted title and what follows it, or None and the text unchanged."""
    stripped = rest.lstrip()
    if stripped.startswith("“"):
        # Curly quotes nest (“On “X”: a study”): find the one that closes the first.
        depth = 0
        for index, char in enumerate(stripped):
            depth += {"“": 1, "”": -1}.get(char, 0)
            if depth == 0:
                title = stripped[1:index].strip().rstrip(".,")
                after = stripped[index + 1 :].lstrip(".,;: ")
                return (title or None), after
    quoted = re.match(
        r"^\s*(?:[\"“”]|‘(?=\S))(?P<title>.+?)(?:[\"“”]|’(?=[,.;:]?\s|[,.;:]?$))[.,;:]?\s*(?P<rest>.*)$",
        rest,
    )
    if stripped.startswith("‘"):
        # Harvard's single quotes: the closing ’ is the one followed by a comma or full
        # stop (an apostrophe, "Tsimane’ of", or an inner ‘Aria II’ is followed by a space).
        closing = re.match(r"^‘(?P<title>.+?)’(?=[,.](?:\s|$))[,.]\s*(?P<rest>.*)$", stripped)
        if closing:
            return closing.group("title").strip(), closing.group("rest")
    if quoted:
        return quoted.group("title").strip().rstrip(".,"), quoted.group("rest")
    return None, rest


def _parse_author_year(text: str, year: re.Match[str], ref: Reference) -> None:
    """APA, Harvard and the seed's style: `Authors (Year). Title. Container, 7(3), 1-9.`"""
    if year.group("year"):
        ref.year = int(year.group("year"))
    ref.authors = parse_authors(text[: year.start()])
    rest = text[year.end() :].lstrip(". ")
    title, after = _split_title(rest)
    if title:
        ref.title = title
        _parse_tail(after, ref)
        return
    _parse_unquoted(rest, ref)


def _parse_unquoted(rest: str, ref: Reference) -> None:
    """Title not in quotes: it runs up to the container, which is read from the right."""
    chapter = re.search(r"(?:^|\.\s)In:?\s+(?P<book>.+)$", rest)
    if chapter:
        ref.title = rest[: chapter.start()].strip().rstrip(".") or None
        _parse_chapter(chapter.group("book"), ref)
        return
    numbers = _last_numbers(rest) or _VOL_ISSUE_END.search(rest)
    if numbers is not None:
        head = rest[: numbers.start()].rstrip(" ,")
        title, container = _title_and_container(head)
        ref.title, ref.container = title, container
        _set_numbers(numbers, ref)
        return
    # A book: "Title (2nd ed., Vol. 1). Publisher." or "Title. 2nd ed. Place: Publisher."
    paren = re.match(
        r"^(?P<title>.+?)\s*\((?P<info>[^()]*(?:ed\.|edn|Vol)[^()]*)\)\.?\s*(?P<tail>.*)$", rest
    )
    if paren:
        ref.title = paren.group("title").strip().rstrip(".")
        _parse_book_tail(paren.group("info") + ". " + paren.group("tail"), ref)
        return
    title, _, after = _split_sentence(rest)
    ref.title = title.strip().rstrip(".") or None
    _parse_book_tail(after, ref)


def _split_sentence(text: str) -> tuple[str, str, str]:
    """Split at the first full stop (or ?/!) that ends a sentence, not an initial."""
    match = re.search(r"(?<![A-Z])(?<!\b[Vv]ol)(?<!\bed)(?<!\bpp)[.?!](?=\s|$)", text)
    if not match:
        return text, "", ""
    end = match.end() if match.group(0) in "?!" else match.start()
    return text[:end], match.group(0), text[match.end() :].strip()


def _title_and_container(head: str) -> tuple[str | None, str | None]:
    """`Title. Journal` -> (title, journal): the journal is the last sentence, absorbing
    one-word segments to its left so that "Proc. Natl. Acad. Sci." stays whole."""
    parts = [p for p in re.split(r"(?<=[\w)\]?!'’\"”])\.\s+|(?<=[?!])\s+", head) if p.strip()]
    if len(parts) == 1:
        one = parts[0]
        comma = one.rfind(", ")
        if comma > 0:
            return one[:comma].strip(), one[comma + 2 :].strip()
        return None, one.strip(" .")
    container_parts = [parts.pop()]
    while len(parts) > 1 and re.fullmatch(r"[A-Z][\w'’-]{0,8}", parts[-1].strip()):
        container_parts.insert(0, parts.pop())
    title = ". ".join(parts)
    if re.search(r"[?!]$", title.rstrip()):
        title = title.rstrip()
    return title.strip().rstrip(".") or None, ". ".join(container_parts).strip(" .") or None


def _last_numbers(text: str) -> re.Match[str] | None:
    """The last `Vol(Issue), pages` group of the text, if it ends the text."""
    found = None
    for match in _VOL_ISSUE_PAGES.finditer(text):
        if not text[match.end() :].strip(" .,;"):
            found = match
    return found


def _set_numbers(numbers: re.Match[str], ref: Reference) -> None:
    groups = numbers.groupdict()
    ref.volume = groups.get("volume")
    ref.issue = groups.get("issue")
    ref.pages = _clean_pages(groups.get("pages") or groups.get("pages2"))


def _clean_pages(pages: str | None) -> str | None:
    if not pages:
        return None
    return re.sub(r"\s*[-–—]+\s*", "-", pages.strip(" .,;")) or None


def _parse_tail(rest: str, ref: Reference) -> None:
    """What follows a quoted title: a journal with numbers, a book in "In: ...", or a book."""
    rest = rest.strip()
    chapter = re.match(r"^In:?\s+(?P<book>.+)$", rest, re.IGNORECASE)
    if chapter:
        _parse_chapter(chapter.group("book"), ref)
        return
    if _parse_container(rest, ref):
        return
    if _EDITION.search(rest) or _PLACE_PUBLISHER.search(rest) or not rest:
        _parse_book_tail(rest, ref)
    else:
        ref.container = rest.strip(" ,.;") or None


def _parse_container(rest: str, ref: Reference) -> bool:
    """`Journal, 7(3), 1-9` / `Journal 7 (3): 1–9` / `Journal, 7, pp. 1-9`; False if no numbers."""
    rest = rest.strip(" .")
    # Chicago puts the month where the issue goes when there is none: "2019 (April): 1–4".
    rest = re.sub(rf"\s*\((?:{_MONTHS})(?:/{_MONTHS})?\)", "", rest)
    numbers = re.search(
        rf"[,\s]\s*(?P<volume>[A-Za-z]?\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]+)\))?\s*"
        rf"(?:[,:]\s*(?:pp?\.\s*)?{_PAGES})?\s*$",
        rest,
    )
    if not numbers or not re.search(r"[A-Za-z]", rest[: numbers.start()]):
        # "Cell Genomics, 100814" / "Journal, pp. 1-9": pages (an article number) only
        pages_only = re.search(rf",\s*(?:pp?\.\s*)?{_PAGES}\s*$", rest)
        if pages_only and re.search(r"[A-Za-z]{3}", rest[: pages_only.start()]):
            ref.container = rest[: pages_only.start()].strip(" ,.;") or None
            ref.pages = _clean_pages(pages_only.group("pages"))
            return True
        return False
    ref.container = rest[: numbers.start()].strip(" ,.;") or None
    ref.volume = numbers.group("volume")
    ref.issue = numbers.group("issue")
    ref.pages = _clean_pages(numbers.group("pages"))
    return True


def _parse_chapter(book: str, ref: Reference) -> None:
    """`In E. Editor (Ed.), Book title (2nd ed., pp. 1–17). Publisher.` and Vancouver's
    `In: Editor A, editor. Book title. Place: Publisher; 2018. p. 1–17.`"""
    ref.kind = "book"
    book = re.sub(r"^.*?\((?:Eds?|eds?)\.?\)[,.]?\s*", "", book)
    book = re.sub(r"^.*?,\s*(?:editors?|eds?)\.\s*", "", book)
    if pages := _PAGES_IN_BOOK.search(book):
        ref.pages = _clean_pages(pages.group("pages"))
        book = book[: pages.start()] + book[pages.end() :]
    elif pages := re.search(
        rf";\s*(?P<year>{_YEAR})[a-z]?:\s*(?P<pages>\w+(?:\s*[-–]\s*\w+)?)", book
    ):
        ref.pages = _clean_pages(pages.group("pages"))  # AMA: "Publisher; 2015:135-140"
        book = book[: pages.start()] + f"; {pages.group('year')}" + book[pages.end() :]
    if year := re.search(rf"(?:[;,]\s*|\b){_YEAR}[a-z]?\.?\s*$", book.strip(" .,")):
        if ref.year is None:
            ref.year = int(re.search(_YEAR, year.group(0)).group(0))  # type: ignore[union-attr]
        book = book.strip(" .,")[: year.start()]
    if edition := _EDITION.search(book):
        ref.edition = _edition_number(edition.group(1))
    title, _, after = _split_sentence(re.sub(r"\s*\([^)]*\)\s*", " ", book).strip())
    ref.container = title.strip(" ,.") or None
    if publisher := _PLACE_PUBLISHER.search(after):
        ref.place = publisher.group("place").strip()
        ref.publisher = publisher.group("publisher").strip(" ,.;")
    elif after.strip(" ."):
        ref.publisher = (
            re.sub(rf"[;,]?\s*{_YEAR}[a-z]?\.?$", "", after.strip(" .")).strip(" .;,") or None
        )


def _edition_number(text: str) -> str:
    return numbers.edition(text) or text


def _parse_book_tail(after: str, ref: Reference) -> None:
    """Edition, volume and publisher of a book: `2nd ed., Vol. 1. Baltimore, MD: Publisher.`"""
    ref.kind = "book"
    if edition := _EDITION.search(after):
        ref.edition = _edition_number(edition.group(1))
    if volume := _BOOK_VOLUME.search(after):
        ref.volume = volume.group(1)
    after = _BOOK_VOLUME.sub(" ", _EDITION.sub(" ", after))
    sentences = [s.strip(" ,.") for s in re.split(r"(?<![A-Z])\.\s+", after) if s.strip(" ,.")]
    tail = sentences[-1] if sentences else ""
    if publisher := _PLACE_PUBLISHER.search(tail):
        ref.place = publisher.group("place").strip()
        ref.publisher = publisher.group("publisher").strip(" ,.;")
    elif tail:
        name = re.sub(rf"[;,]?\s*{_YEAR}[a-z]?\.?$", "", tail.strip(" .")).strip(" .;,")
        ref.publisher = name or None


def _parse_vancouver(text: str, date: re.Match[str], ref: Reference) -> None:
    """Vancouver/AMA: `Hong CZ. Title. Am J Phys Med Rehabil. 1994 Jul-Aug;73(4):256-63.`"""
    ref.year = int(date.group("year"))
    head = text[: date.start()].rstrip(" .,")
    authors, rest = _vancouver_authors(head)
    ref.authors = authors
    title, after = _split_title(rest)
    if title:
        ref.title = title
        ref.container = after.strip(" .,") or None
    else:
        ref.title, ref.container = _title_and_container(rest)
    numbers = re.match(
        rf"^(?P<volume>[A-Za-z]?\d+[A-Za-z]?)?\s*(?:\((?P<issue>[^)]+)\))?\s*(?::\s*{_PAGES})?",
        date.group("rest").strip(),
    )
    if numbers:
        ref.volume = numbers.group("volume")
        ref.issue = numbers.group("issue")
        ref.pages = _clean_pages(numbers.group("pages"))
    if ref.container and not ref.volume and _PLACE_PUBLISHER.search(ref.container + "."):
        # "Place: Publisher; 1999." ends a Vancouver book
        publisher = _PLACE_PUBLISHER.search(ref.container + ".")
        ref.kind = "book"
        ref.place = publisher.group("place").strip()  # type: ignore[union-attr]
        ref.publisher = publisher.group("publisher").strip()  # type: ignore[union-attr]
        ref.container = None
        _book_title_details(ref)


def _vancouver_authors(head: str) -> tuple[list[str], str]:
    """Split `Hong CZ, Simons DG, et al. Title...` into names and the rest."""
    match = _VANCOUVER_AUTHORS.match(head + (". " if not head.endswith(".") else " "))
    if not match:
        return [], head
    names = match.group(1)
    return parse_authors(names), head[len(names) :].strip(" .")


def _book_title_details(ref: Reference) -> None:
    """A Vancouver book's title sentence may carry `2nd ed.` after the title proper."""
    if not ref.title:
        return
    if edition := _EDITION.search(ref.title):
        ref.edition = _edition_number(edition.group(1))
        ref.title = ref.title[: edition.start()].strip(" .,") or ref.title


def _parse_vancouver_book(text: str, ref: Reference) -> None:
    """What has no year in a known place: Vancouver books (`Place: Publisher; 1999.`) or
    anything else; take what can be recognised and leave the rest None."""
    years = re.findall(rf"\b({_YEAR})\b", text)
    if years:
        ref.year = int(years[-1])  # the last year: the first may be in the title
    authors, rest = _vancouver_authors(text)
    if not authors:
        match = re.match(
            rf"^(?P<names>(?:{_SURNAME},\s*{_INITIALS}[,&\s]*(?:and\s+|&\s+)?)+)", text
        )
        if match:
            authors, rest = parse_authors(match.group("names")), text[match.end() :]
    ref.authors = authors
    title, after = _split_title(rest)
    if title is None:
        chapter = re.search(r"(?:^|\.\s)In:?\s+(?P<book>.+)$", rest)
        if chapter:
            ref.title = rest[: chapter.start()].strip().rstrip(".") or None
            _parse_chapter(chapter.group("book"), ref)
            return
        if not authors and (ieee := _ieee_book(rest, ref)):
            title, after = ieee
        else:
            title, _, after = _split_sentence(rest.strip())
    ref.title = title.strip().rstrip(".") or None
    if _parse_container(re.sub(rf"[,;]?\s*{_YEAR}[a-z]?\.?\s*$", "", after), ref):
        return
    _parse_book_tail(re.sub(rf",\s*{_YEAR}[a-z]?\.?\s*$", "", after), ref)
    _book_title_details(ref)


def _ieee_book(text: str, ref: Reference) -> tuple[str, str] | None:
    """IEEE books: `B. Hepher, Nutrition of Pond Fishes, 1st ed. Publisher, 1988.`"""
    parts = text.split(", ")
    names = []
    while parts and _INITIALS_FIRST.match(re.sub(r"^and\s+", "", parts[0].strip())):
        names.append(re.sub(r"^and\s+", "", parts.pop(0).strip()))
    if not names or not parts:
        return None
    ref.authors = parse_authors(", ".join(names))
    rest = ", ".join(parts)
    edition = re.search(r",\s*(?=\d+(?:st|nd|rd|th)\s+ed)", rest)
    if edition:
        return rest[: edition.start()], rest[edition.end() :]
    title, _, after = _split_sentence(rest)
    return title, after


def _parse_chicago(text: str, year: re.Match[str], ref: Reference) -> None:
    """Chicago author–date: `Surname, I., and I. Surname. 2001. "Title". Journal 82 (7): 986–92.`"""
    ref.year = int(year.group("year"))
    ref.authors = parse_authors(text[: year.start()])
    rest = text[year.end() :].strip()
    title, after = _split_title(rest)
    if title:
        ref.title = title
        _parse_tail(after, ref)
        return
    _parse_unquoted(rest, ref)


def _parse_ieee(text: str, ref: Reference) -> None:
    """IEEE: `I. Surname and I. Surname, "Title", Journal, vol. 7, no. 3, pp. 1–9, Mar. 2020.`"""
    # Curly quotes pair unambiguously: take the last closing one, so that quotes inside
    # the title (“On “X”: a study”) stay in it.
    quote = re.search(r"“(?P<title>.+)[,.]?”,?\s*(?P<rest>.*)$", text) or re.search(
        r"[“\"](?P<title>.+?)[,.]?[”\"],?\s*(?P<rest>.*)$", text
    )
    if not quote:
        return
    ref.authors = parse_authors(text[: quote.start()].strip(" ,"))
    ref.title = quote.group("title").strip()
    rest = quote.group("rest")
    parts = [p.strip() for p in rest.split(",")]
    container_parts = []
    for part in parts:
        if part.lower().startswith("in ") and not container_parts:
            container_parts.append(part)
        elif volume := re.match(r"^vol\.\s*(\S+)$", part, re.I):
            ref.volume = volume.group(1)
        elif issue := re.match(r"^no\.\s*(\S+)$", part, re.I):
            ref.issue = issue.group(1)
        elif pages := re.match(r"^(?:pp?\.|Art\. no\.)\s*(.+)$", part, re.I):
            ref.pages = _clean_pages(pages.group(1))
        elif year := re.fullmatch(
            rf"(?:{_MONTHS}\.?\s+)?(?:\d{{1,2}},?\s+)?({_YEAR})[a-z]?\.?", part
        ):
            ref.year = int(year.group(1))
        elif edition := _EDITION.search(part):
            ref.edition = _edition_number(edition.group(1))
        elif ref.volume is None and ref.year is None and part:
            container_parts.append(part)
    kept = []
    for part in container_parts:
        if ":" in part and not ref.volume and kept:
            place, _, publisher = part.partition(":")
            ref.kind, ref.place, ref.publisher = "book", place.strip(), publisher.strip(" .")
        else:
            kept.append(part)
    container = ", ".join(kept).strip(" .") or None
    if container and container.lower().startswith("in "):
        ref.kind = "book"
        container = container[3:]
    ref.container = container


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
