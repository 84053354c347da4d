"""Citations a web page makes with in-page links, made plain before its text is read.

Publisher pages (BMC, BMJ, Frontiers, PLOS, MDPI, SAGE, Wikipedia...) link every
citation marker to its entry: `<a href="#B4">4</a>` goes to `<li id="B4">`. That link
is the page's own, exact statement of what a sentence cites, while the entry's visible
text is wrapped in markup that text extraction mangles (half-links, emphasis, "PubMed
Abstract | Google Scholar" rows, "^ a b" back-links), and a main-text extractor may
drop the whole list as boilerplate (BMJ's "ref-list"). So before extraction the cited
entries are taken out of the page as plain lines, in the list's order, to be put back
after the extracted text, and each numeric marker linking to an entry carries its
number; author–year link text is kept, as the reader links it by names and year.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from citeaudit.reading.links import entry_link
from citeaudit.reading.markers import find_markers

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b")
_YEAR_SUFFIX = re.compile(r"^\s*[a-h]\s*$")  # the "b" of "2004a, b": the year is the one before
_PENDING = re.compile(r"\b(?:in press|forthcoming)\b", re.IGNORECASE)  # "Dienes, in press"
_NUMERIC = re.compile(r"^\s*[\[(]?\s*\d{1,4}[a-z]?\s*[\])]?\s*$")  # "(3b)": part b of entry 3 (ACS)
# One link for a whole group, "[4-10]" or "[2, 3]", pointing at the group's first entry (Wiley).
# Parts of entries may be lettered: "(1e, 22)", "(29b, 29c)" (ACS).
_GROUP = re.compile(r"^\s*[\[(]?\s*(\d{1,3})[a-z]?(?:\s*[-–,]\s*\d{1,3}[a-z]?)+\s*[\])]?\s*$")
# Link rows and back-links publishers add to an entry: not part of the reference.
_FURNITURE = re.compile(
    r"\b(?:PubMed Abstract|PubMed Full Text|Pubmed Abstract|Pubmed Full Text|CrossRef Full Text|"
    r"Publisher Full Text|Google Scholar|Full Text|OpenURL|Find this article online|"
    r"View Article|Article|PubMed/NCBI|PubMed Central|Return to (?:text|ref \S+ in article)|"
    r"CAS|Web of Science|Scopus|Europe PMC|Ref list)\b\s*\|?",
)
# The same labels standing alone, as a run closing the entry (Wiley: "56. CrossRef, PubMed,
# CAS, Web of Science® Times Cited: 25387, ADS"); alone mid-entry they may be a title's words.
_TRAILING_LINKS = re.compile(
    r"(?:[\s,|]*\b(?:CrossRef|PubMed|PMC|CAS|ADS|Medline|Scopus|Google Scholar|Europe PMC|"
    r"Web of Science\s*®?(?:\s*Times Cited:\s*\d+)?|Times Cited:\s*\d+)(?!\w))+[\s,|]*$"
)
_BACKLINKS = re.compile(r"^\s*(?:\^|↑|↵)\s*(?:(?:[a-z]{1,2}|\d+\.\d+)\s+)*")
_BLOCKS = {"li", "p", "div", "td", "dd", "tr", "article", "section", "cite"}
_MIN_TARGETS = 3
_ENTRY_MAX = 3000  # characters: longer is a section or a list, not one entry (ACS groups
# up to six works under one number)


def _nest_lettered_items(document: HtmlElement) -> None:
    """Put list items lettered under a number inside that number's item: Wiley lists
    the works of entry 2 as items "2a", "2b" after an item "2" of its own (ids
    `...-bib-0002`, `...-bib-0002a`, ...), so items do not count the entries the
    markers number; nested, entry 2 is one item holding its works."""
    for item in list(document.iter("li")):
        head = item.get("id") or ""
        number = re.match(r"\s*(\d{1,3})(?!\d)", item.text_content())
        if not head[-1:].isdigit() or number is None:
            continue
        following = item.getnext()
        while (
            following is not None
            and following.tag == "li"
            and re.fullmatch(re.escape(head) + "([a-z])", following.get("id") or "")
            # and it shows its number and letter: "2a"
            and re.match(rf"\s*{number.group(1)}[a-z](?![a-z])", following.text_content())
        ):
            after = following.getnext()
            item.append(following)
            following = after


def _entry_of(target: HtmlElement) -> HtmlElement | None:
    """The entry block a link's target belongs to. A part of a list item is the item:
    chemistry journals letter the works grouped under one number, and ACS links "(3b)"
    to the (b) inside entry 3."""
    item = next((a for a in target.iterancestors("li") if _length(a) < _ENTRY_MAX), target)
    return _entry_block(item)


def _length(element: HtmlElement) -> int:
    """Characters of an element's text as read: a page's indentation is no length."""
    return len(" ".join(element.text_content().split()))


def _entry_block(element: HtmlElement) -> HtmlElement | None:
    """The element that holds the whole entry: an id may sit on a tiny anchor inside it."""
    block = element
    while block is not None and (
        block.tag not in _BLOCKS or len(block.text_content().strip()) < 25
    ):
        block = block.getparent()
    return block


def _prose(text: str) -> bool:
    """A paragraph of running text (the target of a note's back-link), not an entry: long,
    and mostly lower-case words, where an entry is names, a title, a journal, numbers."""
    words = text.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= 60 and lower >= 0.65 * len(words)


def _looks_like_entry(block: HtmlElement) -> bool:
    """A block of an entry's size with a year or DOI; a list item needs neither (a web
    page cited as "ICF Browser [http://apps.who.int/...]" has no year)."""
    text = " ".join(block.text_content().split())  # a page's indentation is no length
    if not 25 <= len(text) < _ENTRY_MAX or _prose(text) or _is_figure(block):
        return False
    # its parts apart: eLife runs "3253-3261, 2001" and "cited 1 time" into "2001cited"
    spaced = " ".join(block.itertext())
    return block.tag == "li" or bool(_YEAR.search(spaced) or "doi" in text.lower())


_FIGURE_CLASS = re.compile(r"(?i)^(?:fig|figure|table|table-wrap|tablewrap|figure-wrap)$")


def _is_figure(block: HtmlElement) -> bool:
    """A figure or table ("Figure <a href="#F3">3</a>" links to it with a number): its
    caption may hold a year, yet it is no entry."""
    classes = (block.get("class") or "").split()
    return block.tag in ("figure", "table") or any(_FIGURE_CLASS.match(c) for c in classes)


def _is_marker(words: str) -> bool:
    """Whether a link's words read as a citation marker: "4", "[4-10]", "Hare et al., 2007",
    "Dienes, in press", or the "b" of "Liu et al. 2004a, b" (Springer links each year)."""
    return bool(
        _NUMERIC.match(words)
        or _YEAR_SUFFIX.match(words)
        or _GROUP.match(words)
        or _YEAR.search(words)
        or _PENDING.search(words)
    )


def _cited_only(blocks: dict[str, HtmlElement]) -> dict[str, HtmlElement]:
    """Targets that cite no other target. A note and the paragraph it annotates may link
    each other ("[3]" down to the note, "3." back up): both cite, neither is an entry."""
    return {key: b for key, b in blocks.items() if not _cites_another(b, blocks)}


def _cites_another(block: HtmlElement, blocks: dict[str, HtmlElement]) -> bool:
    """Whether the block links on to another target as a citation: it is then a note
    about a work, not a work of the list."""
    for link in block.iter("a"):
        target = blocks.get(_target_id(link))
        if target is not None and target is not block and _is_marker(link.text_content()):
            return True
    return False


def _in_the_list(blocks: dict[str, HtmlElement]) -> dict[str, HtmlElement]:
    """The targets that belong to the reference list. A page links other things the same
    way: an author's affiliation "1", a footnote "4". The list's entries are the commonest
    kind of target (tag and class); a target of another kind is kept only when its kind
    reads as entries too (most carry a year or DOI) and it is not a lone one."""
    unique = list({id(b): b for b in blocks.values()}.values())
    kinds = Counter((b.tag, b.get("class")) for b in unique)
    if not kinds:
        return blocks
    main, count = kinds.most_common(1)[0]
    if count < _MIN_TARGETS:
        return blocks
    dated: Counter = Counter(
        (b.tag, b.get("class"))
        for b in unique
        if _YEAR.search(b.text_content()) or "doi" in b.text_content().lower()
    )
    stray_kinds = {
        kind
        for kind, n in kinds.items()
        if kind != main and (n == 1 or dated[kind] < n / 2 or _FOOTNOTE_CLASS.search(kind[1] or ""))
    }
    return {key: b for key, b in blocks.items() if (b.tag, b.get("class")) not in stray_kinds}


# A block its page calls a footnote beside a list of another kind: PeerJ's "Based on a
# Sci-Hub dataset released in 2016" carries a year, as most of its notes do (one names
# "DOIs"), and was read as a work the sentence cites.
_FOOTNOTE_CLASS = re.compile(r"(?i)(?:^|\s)(?:fn|foot-?notes?|[\w-]*-footnotes?|endnotes?)(?:\s|$)")


def _uncited_neighbours(entries: list[HtmlElement]) -> list[HtmlElement]:
    """Entries of the same list that no link points at: a range "[7]-[10]" links only its
    ends, yet 8 and 9 are cited, and the list's numbering counts every entry."""
    holders: dict[int, list] = {}
    for entry in entries:
        parent = entry.getparent()
        if parent is not None:
            key = (id(parent), entry.tag, entry.get("class"))
            holders.setdefault(key, [parent, 0])[1] += 1
    found = []
    for (_, tag, kind), (parent, count) in holders.items():
        # a list, or blocks marked as entries by a class; plain paragraphs of a page are
        # its prose as often as its entries
        if count >= 2 and (parent.tag in ("ol", "ul", "dl", "tbody") or kind):
            found.extend(
                child
                for child in parent
                if child.tag == tag and child.get("class") == kind and _looks_like_entry(child)
            )
    return found


_BREAKING = frozenset({"li", "div", "p", "br", "dd", "dt", "td", "tr", "ul", "ol", "h3", "h4"})


_NAME_PART = re.compile(r"(?i)surname|given|forename|first-?name|last-?name")


def _separate(element: HtmlElement) -> bool:
    """An element whose text a browser shows apart from its neighbours': a block, or a
    name part set apart by the page's style sheet ("<span class=surname>Smithson</span>
    <span class=given-names>M.</span>" with no space between them in the page)."""
    return element.tag in _BREAKING or bool(_NAME_PART.search(element.get("class") or ""))


def _entry_text(block: HtmlElement) -> str:
    for inner in block.iter():  # ScienceDirect puts label, authors, title in <li>s of their own
        if inner is not block and isinstance(inner.tag, str) and _separate(inner):
            inner.text = " " + (inner.text or "")
            inner.tail = " " + (inner.tail or "")
    text = " ".join(block.text_content().split())
    text = _TRAILING_LINKS.sub("", text)
    text = _FURNITURE.sub(" ", text)
    text = _BACKLINKS.sub("", text)
    text = re.sub(r"^\s*(?:\[\d+\]|\d+\.)\s*", "", text)  # the page's own number goes
    text = " ".join(text.split()).strip(" |")
    if "10." not in text:  # a DOI the page gives only as a link
        for href in block.xpath(".//a/@href"):
            if match := re.search(r"doi\.org/(10\.\d{4,9}/\S+)", href):
                text += f" doi:{match.group(1)}"
                break
    return text


@dataclass(frozen=True)
class PageCitations:
    """A page with its citation links made plain, and the entries they cite."""

    html: str
    entries: list[str] = field(default_factory=list)
    # The page links every citation to its entry: digits it does not link cite nothing
    # (a gene "snx33", an exponent), so the reader must not take them for flattened
    # superscripts. Said in the extracted text by `LINKED_CITATIONS`.
    linked: bool = False


LINKED_CITATIONS = "<!-- citeaudit: this page links every citation to its entry -->"
"""Written after the extracted text's reference heading when `PageCitations.linked`; the
article parser then reads no plain digits as markers."""


def plain_citations(html: str) -> PageCitations:
    """The page with its citation links made plain and its reference entries taken out:
    the entries its links point at, or else the list under its heading; no entries when
    it has neither."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        # an XHTML page's "<?xml ... encoding=...?>" is refused in a str, which is decoded already
        document = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    except (etree.ParserError, ValueError):
        return PageCitations(html)
    for invisible in document.xpath("//style|//script|//noscript"):
        invisible.drop_tree()  # their text is not the page's (Wikipedia styles each entry)
    for popup in [el for el in document.iter() if isinstance(el.tag, str) and _is_popup(el)]:
        popup.drop_tree()  # hidden until hovered: a marker's copy of its entry, a menu
    _nest_lettered_items(document)
    targets = {a.get("name"): a for a in document.iter("a") if a.get("name") and not a.get("href")}
    ids = {el.get("id"): el for el in document.iter() if isinstance(el.tag, str) and el.get("id")}
    for name, anchor in targets.items():  # an old-style <a name>, where no element has the id
        ids.setdefault(name, anchor)
    links = [a for a in document.iter("a", "button") if _target_id(a)]
    blocks: dict[str, HtmlElement] = {}
    for link in links:
        target = ids.get(_target_id(link))
        if target is None or _target_id(link) in blocks:
            continue
        if not _is_marker(link.text_content()):
            continue  # not a marker: an entry's back-link ("↵", "^ a b") or a section link
        block = _entry_of(target)
        if block is None:
            continue
        if _looks_like_entry(block):
            blocks[_target_id(link)] = block
    blocks = _in_the_list(_cited_only(blocks))
    unique = {id(block): block for block in blocks.values()}
    headed = _headed_list(document)
    # A short piece may link only one or two works, but into its list under its heading
    into_list = bool(unique) and set(unique) <= {id(b) for b in headed}
    if (len(unique) < _MIN_TARGETS and not into_list) or (
        len(headed) > 2 * len(unique) and not {id(b) for b in headed} & set(unique)
    ):  # no linked list, or the links go to a few notes beside the real list
        for link in links:
            note = _note_of(ids.get(_target_id(link)))
            if _target_id(link) in blocks or _numbered_note(link, note):
                _drop_note_marker(link, _note_citation(note) if note is not None else None)
        return _taken_out(document, headed)
    neighbours = _uncited_neighbours(list(unique.values()))
    # a note beside the entries that names one of them is no entry ("Carboneras 1992, p. 536.")
    unique.update({id(el): el for el in neighbours if not _cites_another(el, blocks)})
    order = {id(el): index for index, el in enumerate(document.iter())}
    entries = sorted(unique.values(), key=lambda el: order[id(el)])
    if any(
        entries[i] in entries[j].iterancestors() or entries[j] in entries[i].iterancestors()
        for i in range(len(entries))
        for j in range(i + 1, len(entries))
    ):  # one "entry" holds others: not a reference list
        return PageCitations(_serialised(document))
    listed = {id(entry) for entry in entries}
    for link in links:  # links to entries of the list that did not read as one alone
        target = ids.get(_target_id(link))
        if (
            target is not None
            and _target_id(link) not in blocks
            and _is_marker(link.text_content())
        ):
            block = _entry_of(target)
            if block is not None and id(block) in listed:
                blocks[_target_id(link)] = block
    blocks.update(_short_notes(links, ids, blocks, listed))
    _rewrite_markers(links, blocks, entries)
    return replace(_taken_out(document, entries), linked=True)


def _short_notes(
    links: list[HtmlElement],
    ids: dict[str, HtmlElement],
    blocks: dict[str, HtmlElement],
    listed: set[int],
) -> dict[str, HtmlElement]:
    """Markers that point at a short note which names one entry of the list, each with
    that entry: Wikipedia's shortened footnotes ("[36]" at "Thorpe 1996, p. 68.", whose
    words link on to "Thorpe, I. J. (1996). The Origins of Agriculture in Europe") cite
    the work. The note itself is no entry (it cites one), and its marker was dropped."""
    found: dict[str, HtmlElement] = {}
    for link in links:
        target_id = _target_id(link)
        if target_id in blocks or target_id in found or not _NUMERIC.match(link.text_content()):
            continue
        target = ids.get(target_id)
        # the note's own block, however short: "Kear 2005, p. 448." is no entry's size
        note = target if target is not None and target.tag in _BLOCKS else _note_of(target)
        if note is None or _length(note) > _NOTE_CITATION_MAX:
            continue
        named = {
            id(blocks[_target_id(inner)]): blocks[_target_id(inner)]
            for inner in note.iter("a")
            if _target_id(inner) in blocks and id(blocks[_target_id(inner)]) in listed
        }
        if len(named) == 1:
            found[target_id] = next(iter(named.values()))
    return found


def _rewrite_markers(
    links: list[HtmlElement], blocks: dict[str, HtmlElement], entries: list[HtmlElement]
) -> None:
    """Each link to an entry made a marker the reader links exactly: "[n]" for a number,
    the group's own numbers for a one-link group, an entry link keeping its words for
    author–year text; a numbered link to anything else is no citation."""
    number = {id(el): index for index, el in enumerate(entries, start=1)}
    for link in links:
        block = blocks.get(_target_id(link))
        if block is None:
            _not_a_citation(link)
            continue
        if block in link.iterancestors():
            continue
        words = link.text_content()
        group = _GROUP.match(words)
        if group and int(group.group(1)) == number[id(block)]:
            # the page numbers its list as it stands: the group's numbers are the entries
            numbers = re.sub(r"(?<=\d)[a-z]\b", "", words.strip().strip("[]()").strip())
            link.text = "[" + numbers + "]"  # a part's letter dropped: it cites the entry
            for child in list(link):
                link.remove(child)
            link.drop_tag()
        elif _NUMERIC.match(words) and (
            # a note's number may pass the list's length (its notes name works listed
            # once); a year linked alone ("2007") keeps its words
            int(re.sub(r"\D", "", words)) <= len(entries) or not _YEAR.search(words)
        ):
            for child in list(link):
                link.remove(child)
            link.text = _marker(link, number[id(block)])
            link.drop_tag()
        else:  # "Hare et al., 2007" or its year alone: the words stay, the target is exact
            block = _entry_named(words, block, entries)
            link.tag = "a"  # a button (Frontiers) becomes the link it acts as
            link.set("href", entry_link(number[id(block)]))


_CITED_NAME = re.compile(r"^\s*([^\W\d_][\w'’-]+)")


def _entry_named(words: str, block: HtmlElement, entries: list[HtmlElement]) -> HtmlElement:
    """The entry an author–year link's words name, where its target lacks their year.

    Pages err in their markup: the words "Jost et al., 2008" linked to Jost et al. 2010,
    the list holding the 2008 paper too. A reader reads the words, so the citation is
    the one entry whose first author and year they are; with none or several, the
    link's target stands."""
    year, name = _YEAR.search(words), _CITED_NAME.match(words)
    if year is None or name is None or year.group(0) in _entry_text(block):
        return block
    surname = name.group(1).casefold()
    named = [
        entry
        for entry in entries
        if year.group(0) in (text := _entry_text(entry)) and _first_word(text).startswith(surname)
    ]
    return named[0] if len(named) == 1 else block


def _first_word(entry: str) -> str:
    """The entry's first word longer than an initial: its first author's surname, whether
    written "Jost, G.", "G. Jost" or run together with the initials ("JostG.")."""
    return next((w.casefold() for w in re.findall(r"[^\W\d_][\w'’-]*", entry) if len(w) > 1), "")


# ACS's "casRecord" is the SciFinder record (title, authors, abstract) a click on "[CAS]"
# opens beside each entry.
_POPUP_CLASSES = frozenset({"dropdown", "tooltip", "popover", "popup", "hovercard", "casrecord"})


def _is_popup(element: HtmlElement) -> bool:
    """An element the page shows only on hover or click (T&F puts a copy of each cited
    entry in a "dropDown" beside its marker): its text is no part of the sentence."""
    return any(token.casefold() in _POPUP_CLASSES for token in (element.get("class") or "").split())


# The first id a script is given: showRef(event, 'ref10 ref11') shows entry 10 and 11.
_SCRIPT_TARGET = re.compile(r"""\(\s*(?:event\s*,\s*)?['"]([A-Za-z][\w.:-]*)[\s\w.:-]*['"]""")


def _target_id(link: HtmlElement) -> str:
    """The id of the element a link points at in the page: its `#id`, or the id a JATS
    page names beside an outside address (PeerJ: `href="https://doi.org/..."
    data-jats-rid="ref-12"`); "" for a link to another site."""
    rid = link.get("data-jats-rid") or link.get("data-rid")
    if rid:
        return rid.split()[0]
    if link.tag == "button":  # Frontiers: <button id="B21-button"> opens entry "B21"
        own = link.get("id") or ""
        return own.removesuffix("-button") if own.endswith("-button") else ""
    # "#ref-CR4", or the page's own address with it ("/article/10.3758/...#ref-CR4"): only
    # an id the page has counts, so a link to another page's fragment finds nothing
    href = link.get("href") or ""
    if href.strip().lower().startswith("javascript:"):
        # a script shows the entry: ACS's href="JavaScript:void(0);"
        # onclick="showRef(event, 'ref1')" names it in the call
        named = _SCRIPT_TARGET.search(link.get("onclick") or "")
        return named.group(1) if named else ""
    if "#" not in href or "://" in href:
        return ""
    # one link for a group may name every entry: T&F's href="#CIT0012 CIT0013 CIT0014"
    return (href.partition("#")[2].split() or [""])[0]


def _note_of(target: HtmlElement | None) -> HtmlElement | None:
    """The block a note's anchor stands in, however short ("3. Fan, 2011, p. 36.")."""
    if target is None:
        return None
    return next((b for b in target.iterancestors() if b.tag in _BLOCKS), None)


def _numbered_note(link: HtmlElement, note: HtmlElement | None) -> bool:
    """Whether a numbered link points at a note of that number ("[5]" at "5. See FLA.
    STAT. ...", "[3]" at "3. Fan, 2011"), however long or short: no list position."""
    number = link.text_content().strip().strip("[]()")
    if note is None or not number.isdigit() or _is_figure(note):
        return False
    return re.match(rf"\s*\[?{number}\b", " ".join(note.text_content().split())) is not None


def _note_citation(block: HtmlElement) -> str | None:
    """What a note says when it only cites: "Halperin and Hoppe, 2017, p. 349." gives
    "Halperin and Hoppe, 2017, p. 349"; None for a note that explains or quotes.

    Pages of the humanities and law number their notes and list their works by author
    and year; a sentence whose note cites a work cites that work."""
    text = _entry_text(block).rstrip(" .")
    if not 6 <= len(text) <= _NOTE_CITATION_MAX or not _YEAR.search(text):
        return None
    bracketed = f"({text})"
    markers = find_markers(bracketed)
    if len(markers) == 1 and markers[0].style == "author_year" and markers[0].text == bracketed:
        return text
    return None


_NOTE_CITATION_MAX = 200  # characters: a note longer than that says more than a citation


def _drop_note_marker(link: HtmlElement, citation: str | None = None) -> None:
    """A link to a note ("[1]"), with the brackets around it: the number is the note's,
    not a position in the reference list, and must not read as one. A note that only
    cites leaves its citation in the sentence instead: " (Fan, 2011, p. 36)", before the
    sentence's full stop when the marker stands after it ("(Dunn, 2003).[2]")."""
    if not _NUMERIC.match(link.text_content()):
        return
    previous = link.getprevious()
    before = (previous.tail if previous is not None else link.getparent().text) or ""
    tail = link.tail or ""
    if before.rstrip().endswith("[") and tail.lstrip().startswith("]"):
        before = before.rstrip()[:-1]
        tail = tail.lstrip()[1:]
    if citation:
        end = _SENTENCE_END.search(before)
        if end is not None:
            before = f"{before[: end.start()]} ({citation}){before[end.start() :]}"
        else:
            tail = f" ({citation})" + tail
    if previous is not None:
        previous.tail = before
    else:
        link.getparent().text = before
    link.tail = tail
    link.drop_tree()  # the tail text stays


_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s*$")


def _not_a_citation(link: HtmlElement) -> None:
    """A numbered in-page link to something that is no entry (an author's affiliation
    "Wan<sup>1</sup>", a table "[1](#Tab1)") must not read as a citation marker: a
    superscript one goes, with its superscript; any other keeps its words as plain text."""
    if not _NUMERIC.match(link.text_content()):
        return
    holder = link.getparent()
    if (
        holder is not None
        and holder.tag == "sup"
        and holder.text_content().strip() == link.text_content().strip()
    ):
        holder.drop_tree()  # drop_tree keeps the tail text
    else:
        link.drop_tag()


def _taken_out(document: HtmlElement, entries: list[HtmlElement]) -> PageCitations:
    """The page without its reference entries, and the entries as plain lines."""
    if not entries:
        return PageCitations(_serialised(document))
    texts = [_entry_text(block) for block in entries]
    heading = entries[0].getprevious()
    if (
        heading is not None
        and heading.tag in _HEADINGS
        and _LIST_HEADING.match(heading.text_content())
    ):
        heading.drop_tree()  # the list's own heading: the list is put back under one
    for block in entries:
        _drop_with_empty_holders(block)
    return PageCitations(_serialised(document), texts)


_LIST_HOLDER = re.compile(r"ref-?list|references|bibliograph|citation-list|cit-list", re.I)


def _headed_list(document: HtmlElement) -> list[HtmlElement]:
    """The entries of a reference list no in-page link points at (a page citing by DOI
    links, or by names and years alone), found by its heading ("References",
    "Literature Cited"...) or by a holder named so (`class="ref-list"`): the first
    element after it with three or more children that read as entries."""
    starts = [
        el
        for el in document.iter(*_HEADINGS, "p")
        if _LIST_HEADING.match(el.text_content())
        and len(el.text_content()) < 40
        and (el.tag != "p" or _bold_line(el))
    ]
    starts += [
        el
        for el in document.iter("div", "section", "ol", "ul")
        if _LIST_HOLDER.search(f"{el.get('id', '')} {el.get('class', '')}")
    ]
    for start in starts:
        if start.tag in _HEADINGS or start.tag == "p":
            if len(run := _sibling_run(start)) >= _MIN_TARGETS:
                return run  # entries as the heading's following siblings (one <p> each)
            places = list(start.itersiblings())
        else:
            places = [start]
        for place in places:
            if place.tag in _HEADINGS or (place.tag == "p" and _bold_line(place)):
                break
            if entries := _first_entry_run(place):
                return entries
    return []


def _bold_line(element: HtmlElement) -> bool:
    """A paragraph that is only bold words: a heading written as "<p><strong>References"."""
    bold = "".join(b.text_content() for b in element.iter("strong", "b"))
    return bool(bold.strip()) and bold.strip() == element.text_content().strip()


def _sibling_run(heading: HtmlElement) -> list[HtmlElement]:
    """The entries that follow a heading as its siblings, up to the first that is none."""
    run = []
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str) or not sibling.text_content().strip():
            continue
        if not _looks_like_entry(sibling):
            break
        run.append(sibling)
    return run


def _first_entry_run(element: HtmlElement) -> list[HtmlElement]:
    for holder in element.iter():
        children = [c for c in holder if isinstance(c.tag, str)]
        entries = [c for c in children if _looks_like_entry(c)]
        if len(entries) >= _MIN_TARGETS and len(entries) >= 0.6 * len(children):
            return entries
    return []


def _serialised(document: HtmlElement) -> str:
    """The page as HTML again, without its link-less anchors (`<a name=...>`): an empty
    anchor came out of extraction as stray brackets around markers ("care] [[8]-][[11].")."""
    from lxml import html as lxml_html

    for anchor in document.xpath("//a[not(@href)]"):
        anchor.drop_tag()
    return lxml_html.tostring(document, encoding="unicode")


_LIST_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:references?|bibliography|literature cited|works cited|"
    r"sources|notes|citations)\b",
    re.I,
)


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _drop_with_empty_holders(block: HtmlElement) -> None:
    """Take an entry out, and the list and heading it leaves empty: an empty "References"
    section left in the page makes the extractor flatten the page around it."""
    holder = block.getparent()
    block.drop_tree()
    while (
        holder is not None and holder.getparent() is not None and not holder.text_content().strip()
    ):
        heading = holder.getprevious()
        parent = holder.getparent()
        holder.drop_tree()
        if (
            heading is not None
            and heading.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
            and _LIST_HEADING.match(heading.text_content())
        ):
            heading.drop_tree()
        holder = parent


def _marker(link: HtmlElement, number: int) -> str:
    """The marker a numeric link becomes: "[4]", in brackets even when the page wrote a
    bare or superscript "4" (the link says it cites), unless the page's own brackets
    stand around the link already."""
    previous = link.getprevious()
    before = (previous.tail if previous is not None else link.getparent().text) or ""
    if before.rstrip().endswith("[") and (link.tail or "").lstrip().startswith("]"):
        return str(number)
    return f"[{number}]"
