"""Citation markers resolved against the reference list, never guessed.

`markers.py` finds what a sentence's markers name; here each is tied to reference
keys: a number by the list's own numbering (or its order when the list is not
numbered), author–year by first-author surname and year (the second author, `et al.`
and `a`/`b` suffixes tell same-name works apart; a body such as "World Heart
Federation" by its whole name or its initials), a link by the DOI, PMID, PMCID or
URL its address shares with an entry.

A marker that fits no reference, or several equally, stays unlinked and is reported:
guessing a source would judge a claim against the wrong evidence. A link to a web page
that no entry carries is not a citation at all (a hospital's page, a shop), and only
its words stay in the sentence; a link to a DOI, PubMed or PMC record is one, so when
no entry carries it, it is reported like a number past the end of the list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from citeaudit.models import Reference
from citeaudit.reading.links import is_scholarly, reference_identities
from citeaudit.reading.markers import Cite, Marker, find_markers
from citeaudit.reading.names import fold, surname_keys
from citeaudit.reading.references import strip_numbering

_CONNECTIVES = {"of", "for", "and", "the", "on", "in", "to", "at"}


@dataclass
class Linked:
    """A text's markers resolved: the keys cited, the text without markers, and the
    markers that named no reference (or several)."""

    keys: list[str]
    text: str
    markers: list[Marker] = field(default_factory=list)
    unlinked: list[tuple[Marker, str]] = field(default_factory=list)  # marker, why


@dataclass
class ReferenceIndex:
    """What markers are resolved against, built once per article: the list by number,
    each entry's identities (DOI, PMID, PMCID, URLs), and its author text as written."""

    references: list[Reference]
    by_number: dict[int, str]
    by_identity: dict[str, list[str]]
    leads: list[str]  # each entry's folded text before its year: "world heart federation"
    # The page links every citation to its entry (page_citations): a bare or superscript
    # number it does not link is a gene name's digit or an exponent, never a marker.
    linked_page: bool = False

    @property
    def plain_limit(self) -> int:
        """The highest number the list answers to: plain digits above it are not markers."""
        return 0 if self.linked_page else max(self.by_number, default=0)

    @property
    def superscripts(self) -> bool:
        """Whether a superscript number may be a marker."""
        return not self.linked_page


def index_references(
    references: Sequence[Reference], *, linked_page: bool = False
) -> ReferenceIndex:
    """Index a reference list for linking (pure; the list is not changed)."""
    references = list(references)
    numbered = any(r.number is not None for r in references)
    by_number: dict[int, str] = {}
    for position, ref in enumerate(references, start=1):
        number = ref.number if numbered and ref.number is not None else position
        by_number.setdefault(number, ref.key)
    by_identity: dict[str, list[str]] = {}
    for ref in references:
        for identity in reference_identities(ref):
            by_identity.setdefault(identity, []).append(ref.key)
    leads = []
    for ref in references:
        text = strip_numbering(ref.raw)[1]
        year = re.search(r"\b(?:1[5-9]|20)\d{2}\b", text)
        leads.append(fold(text[: year.start()] if year else text))
    return ReferenceIndex(references, by_number, by_identity, leads, linked_page)


def _as_index(references: Sequence[Reference] | ReferenceIndex) -> ReferenceIndex:
    if isinstance(references, ReferenceIndex):
        return references
    return index_references(references)


def link_marker(
    marker: Marker, references: Sequence[Reference] | ReferenceIndex
) -> tuple[list[str], str | None]:
    """The keys a marker names, and why it could not be linked (None when it was, and
    for a link to a web page no entry carries: that is no citation)."""
    index = _as_index(references)
    if marker.style in ("numeric", "superscript", "plain"):
        keys = [index.by_number[n] for n in marker.numbers if n in index.by_number]
        missing = [str(n) for n in marker.numbers if n not in index.by_number]
        why = (
            f"{marker.text}: no reference numbered {', '.join(missing)} "
            f"(the list has {len(index.references)})"
            if missing
            else None
        )
        return keys, why
    if marker.style == "link":
        identity = marker.identifier
        keys = list(dict.fromkeys(index.by_identity.get(identity, []))) if identity else []
        if keys or not is_scholarly(identity):
            return keys, None
        kind, _, value = (identity or "").partition(":")
        return [], f"{marker.text}: no reference has {kind.upper()} {value}"
    keys: list[str] = []
    problems: list[str] = []
    for cite in marker.cites:
        key, why = _link_cite(cite, index)
        if key:
            keys.append(key)
        if why:
            problems.append(why)
    return keys, "; ".join(problems) or None


def _label(cite: Cite) -> str:
    et_al = " et al." if cite.et_al else ""
    second = f" & {cite.second}" if cite.second else ""
    return f"{cite.first}{et_al}{second}, {cite.pending or cite.year}{cite.suffix}"


def _initials(lead: str) -> str:
    return "".join(w[0] for w in lead.split() if w not in _CONNECTIVES)


def _by_body(cite: Cite, index: ReferenceIndex) -> list[int]:
    """Entries whose author is the body a citation names: by its whole name
    ("World Heart Federation") or by the initials it is known by ("WHF", "WHO")."""
    name = fold(cite.first)
    if not name:
        return []
    acronym = len(cite.first) >= 2 and cite.first.isupper() and cite.first.isalpha()
    found = []
    for position, (ref, lead) in enumerate(zip(index.references, index.leads, strict=True)):
        author = fold(ref.authors[0]) if ref.authors else ""
        if (
            author == name
            or lead == name
            or lead.startswith(name + " ")
            or (acronym and name in (_initials(lead), *lead.split()))
        ):
            found.append(position)
    return found


def _by_name_in_lead(cite: Cite, index: ReferenceIndex) -> list[int]:
    """Entries whose words before the year hold the cited name as a word: a list written
    given name first ("Trevor Hoppe, 2018."), which the parser may have misread."""
    name = fold(cite.first)
    if len(name) < 3:
        return []
    pattern = re.compile(rf"(?:^| ){re.escape(name)}(?: |$)")
    return [position for position, lead in enumerate(index.leads) if pattern.search(lead)]


def _link_cite(cite: Cite, index: ReferenceIndex) -> tuple[str | None, str | None]:
    references = index.references
    label = _label(cite)
    if cite.corporate:
        same_name = [references[i] for i in _by_body(cite, index)]
    else:
        wanted = surname_keys(cite.first)
        same_name = [r for r in references if r.authors and wanted & surname_keys(r.authors[0])]
        if not same_name:  # a body cited by its short name, or an entry read without authors
            same_name = [references[i] for i in _by_body(cite, index)]
        if not same_name:  # authors read wrong ("Barry D. Adam, ..."): the name before the year
            same_name = [references[i] for i in _by_name_in_lead(cite, index)]
    if cite.pending:  # "in press": an entry with no year that says so
        undated = [r for r in same_name if r.year is None]
        candidates = [r for r in undated if cite.pending in r.raw.lower()] or undated
    else:
        candidates = [r for r in same_name if r.year == cite.year]
        if not candidates and not cite.corporate:
            # "(Halperin and Hoppe, 2017)" beside "David M. Halperin, 2015.": the 2017
            # entry's authors were read wrong ("David M. Halperin and Trevor Hoppe
            # (editors), 2017."), so its name is looked for before its year
            by_lead = [references[i] for i in _by_name_in_lead(cite, index)]
            candidates = [r for r in by_lead if r.year == cite.year]
    if cite.second and len(candidates) > 1:
        candidates = _with_second_author(candidates, cite.second) or candidates
    if cite.et_al and len(candidates) > 1:
        narrowed = [r for r in candidates if len(r.authors) >= 3]
        candidates = narrowed or candidates
    if len(candidates) > 1 and cite.suffix:
        position = ord(cite.suffix) - ord("a")
        by_key = [r for r in candidates if r.key.endswith(str(cite.year) + cite.suffix)]
        if len(by_key) == 1:
            return by_key[0].key, None
        if 0 <= position < len(candidates):
            return candidates[position].key, None
    if len(candidates) == 1:
        return candidates[0].key, None
    if not candidates:
        if cite.optional:
            return None, None
        slip = _year_slip(cite, same_name)
        if slip is not None:
            return slip.key, (
                f"({label}): the list has no {cite.first} {cite.year}; linked to "
                f"{cite.first} {slip.year}, the one entry of that shape a digit away: "
                "check the year"
            )
        if same_name:
            years = ", ".join(str(r.year or "no year") for r in same_name)
            wanted_year = cite.pending or cite.year
            return None, f"({label}): {cite.first} is cited for {years}, not {wanted_year}"
        return None, f"({label}): no reference by {cite.first}"
    return None, f"({label}): fits {len(candidates)} references equally; add a/b to the year"


def _with_second_author(references: list[Reference], second: str) -> list[Reference]:
    """The entries whose second author is the one a citation names ("Lee and Moss")."""
    keys = surname_keys(second)
    return [r for r in references if len(r.authors) > 1 and keys & surname_keys(r.authors[1])]


def _year_slip(cite: Cite, same_name: list[Reference]) -> Reference | None:
    """The entry a citation means when its year is mistyped: the only one with the same
    list of authors (the same first and second author; or the same first and three or
    more for "et al.") whose year differs by one digit ("Driggers et al., 2001" for the
    list's only Driggers et al. of 2004). Linked, and reported too, so the editor
    corrects the year. A single name is not enough ("Hong, 1995" beside Hong 1994 may be
    a work the list lacks; on a page of species, "Boie, 1826" is an authority), and
    anything less certain stays unlinked."""
    if cite.pending or cite.corporate or not cite.year:
        return None
    if cite.second:
        shaped = _with_second_author(same_name, cite.second)
    elif cite.et_al:
        shaped = [r for r in same_name if len(r.authors) >= 3]
    else:
        return None
    if len(shaped) != 1 or shaped[0].year is None:
        return None
    cited, listed = str(cite.year), str(shaped[0].year)
    differing = sum(a != b for a, b in zip(cited, listed, strict=False))
    return shaped[0] if len(cited) == len(listed) and differing == 1 else None


def link_markers(text: str, references: Sequence[Reference] | ReferenceIndex) -> Linked:
    """Resolve every marker of a text and return the text with the markers taken out.

    A link's words stay and its address goes ("a [2021 review](https://...)" reads "a
    2021 review"); a written-out URL that cites nothing stays as written."""
    index = _as_index(references)
    markers = find_markers(text, index.plain_limit, superscripts=index.superscripts)
    keys: list[str] = []
    unlinked: list[tuple[Marker, str]] = []
    pieces: list[str] = []
    position = 0
    for marker in markers:
        found, why = link_marker(marker, index)
        if index.linked_page and marker.cites and not found:
            # The page links every citation it makes: unlinked words that fit no entry
            # ("Bonnaterre, 1788", a species' authority) are the article's text.
            pieces.append(text[position : marker.end])
            position = marker.end
            continue
        for key in found:
            if key not in keys:
                keys.append(key)
        if why:
            unlinked.append((marker, why))
        keep = marker.keep
        if marker.style == "link" and not found and not why and not marker.text.startswith("["):
            keep = marker.text  # a web address written out, citing nothing: part of the text
        pieces.append(text[position : marker.start])
        pieces.append(keep)
        position = marker.end
    pieces.append(text[position:])
    clean = "".join(pieces)
    # the brackets around a group of linked markers: "species [[10],[11]]" left "[,]"
    clean = re.sub(r"\s*[(\[][\s,;]*[)\]]", "", clean)
    clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
    clean = re.sub(r"[,;]+(?=[.,;:!?])", "", clean)  # "common [1], [2]." reads "common."
    clean = " ".join(clean.split()).strip()
    return Linked(keys, clean if markers else text, markers, unlinked)
