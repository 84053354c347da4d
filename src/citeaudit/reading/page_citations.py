"""Citations a web page makes with in-page links, made plain before its text is read.

Publisher pages (BMC, BMJ, Frontiers, PLOS, MDPI, SAGE, Wikipedia...) link every
citation marker to its entry: `<a href="#B4">4</a>` goes to `<li id="B4">`. That link
is the page's own, exact statement of what a sentence cites, while the entry's visible
text is wrapped in markup that text extraction mangles (half-links, emphasis, "PubMed
Abstract | Google Scholar" rows, "^ a b" back-links). So before extraction each cited
entry is rewritten as one plain numbered line, in the list's order, and each numeric
marker linking to it carries that number; author–year link text is kept, as the
reader links it by names and year.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b")
_NUMERIC = re.compile(r"^\s*[\[(]?\s*\d{1,4}\s*[\])]?\s*$")
# Link rows and back-links publishers add to an entry: not part of the reference.
_FURNITURE = re.compile(
    r"\b(?:PubMed Abstract|PubMed Full Text|Pubmed Abstract|Pubmed Full Text|CrossRef Full Text|"
    r"Publisher Full Text|Google Scholar|Full Text|OpenURL|Find this article online|"
    r"View Article|Article|PubMed/NCBI|PubMed Central|Return to (?:text|ref \S+ in article)|"
    r"CAS|Web of Science|Scopus|Europe PMC|Ref list)\b\s*\|?",
)
_BACKLINKS = re.compile(r"^\s*(?:\^|↑)\s*(?:(?:[a-z]{1,2}|\d+\.\d+)\s+)*")
_BLOCKS = {"li", "p", "div", "td", "dd", "tr", "article", "section", "cite"}
_MIN_TARGETS = 3


def _entry_block(element):
    """The element that holds the whole entry: an id may sit on a tiny anchor inside it."""
    block = element
    while block is not None and (
        block.tag not in _BLOCKS or len(block.text_content().strip()) < 25
    ):
        block = block.getparent()
    return block


def _entry_text(block) -> str:
    text = " ".join(block.text_content().split())
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


def plain_citations(html: str) -> str:
    """The page with in-page citation links made plain; unchanged when it has none."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        document = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    for invisible in document.xpath("//style|//script|//noscript"):
        invisible.drop_tree()  # their text is not the page's (Wikipedia styles each entry)
    ids = {el.get("id"): el for el in document.iter() if isinstance(el.tag, str) and el.get("id")}
    ids.update({el.get("name"): el for el in document.iter("a") if el.get("name")})
    links = [a for a in document.iter("a") if (a.get("href") or "").startswith("#")]
    blocks: dict[str, object] = {}
    for link in links:
        target = ids.get(link.get("href")[1:])
        if target is None or link.get("href")[1:] in blocks:
            continue
        block = _entry_block(target)
        if block is None:
            continue
        text = block.text_content()
        if len(text) < 1500 and (_YEAR.search(text) or "doi" in text.lower()):
            blocks[link.get("href")[1:]] = block
    unique = {id(block): block for block in blocks.values()}
    if len(unique) < _MIN_TARGETS:
        return html
    order = {id(el): index for index, el in enumerate(document.iter())}
    entries = sorted(unique.values(), key=lambda el: order[id(el)])
    if any(
        entries[i] in entries[j].iterancestors() or entries[j] in entries[i].iterancestors()
        for i in range(len(entries))
        for j in range(i + 1, len(entries))
    ):
        return html  # one "entry" holds others: not a reference list
    number = {id(el): index for index, el in enumerate(entries, start=1)}
    for link in links:
        block = blocks.get(link.get("href")[1:])
        if block is None or block in link.iterancestors():
            continue
        words = link.text_content()
        numeric = _NUMERIC.match(words)
        if numeric:
            for child in list(link):
                link.remove(child)
            link.text = _marker(link, number[id(block)])
        link.drop_tag()  # its words stay, as plain text: no in-page link syntax in sentences
    texts = [_entry_text(block) for block in entries]
    first = entries[0]
    while first.getparent() is not None and first.getparent().tag in (
        "ol",
        "ul",
        "dl",
        "tbody",
        "table",
    ):
        first = first.getparent()
    parent = first.getparent()
    section = lxml_html.fromstring(
        "<div><h2>References</h2>"
        + "".join(f"<p>{index}. {_escape(text)}</p>" for index, text in enumerate(texts, start=1))
        + "</div>"
    )
    parent.insert(parent.index(first), section)
    for block in entries:
        block.drop_tree()
    return lxml_html.tostring(document, encoding="unicode")


def _marker(link, number: int) -> str:
    """The marker a numeric link becomes: "[4]", in brackets even when the page wrote a
    bare or superscript "4" (the link says it cites), unless the page's own brackets
    stand around the link already."""
    previous = link.getprevious()
    before = (previous.tail if previous is not None else link.getparent().text) or ""
    if before.rstrip().endswith("[") and (link.tail or "").lstrip().startswith("]"):
        return str(number)
    return f"[{number}]"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
