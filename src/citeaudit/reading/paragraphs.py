"""Paragraphs in markup that the main-text extractor misreads, rewritten as paragraphs.

Why: trafilatura reads a `<p>` as running text, but some publishers (Springer's
`<div class="Para">`) put a paragraph in a `<div>`, and hang the paragraph's figure
inside it. The extractor then cut the paragraph at its inline elements and lost the
words before the first of them ("Unlike the carboxypeptidases of fungi, such as" went,
and "*Aspergillus*(Ichishima" stood alone), and with them the sentence's citations.
So a `<div>` holding running text becomes a `<p>`, any figure or table in it moved to
just after it. ACS writes every paragraph as `<div class="NLM_p">` with subscripts in
it ("[Cu<sub>2</sub>(COO)<sub>4</sub>]"), and the extractor cut those at each subscript
too, losing the sentence before it; an earlier version left a `<div>` of text alone.
"""

from __future__ import annotations

_BLOCKS = frozenset(
    {
        *("div", "p", "table", "ul", "ol", "dl", "section", "article", "aside", "nav"),
        *("header", "footer", "form", "blockquote", "pre", "figure", "li"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_MOVABLE = frozenset({"figure", "table"})
_MIN_TEXT = 20  # characters of its own text (not its children's) to count as a paragraph


def paragraph_divs(document) -> int:
    """Rewrite, in the parsed `document` (lxml), each `<div>` that holds running text of
    its own and no other block as a `<p>`, its figures and tables moved after it;
    returns how many were."""
    rewritten = 0
    for div in list(document.iter("div")):
        own = (div.text or "") + "".join(child.tail or "" for child in div)
        if len(own.strip()) < _MIN_TEXT:
            continue
        movable = [child for child in div if isinstance(child.tag, str) and child.tag in _MOVABLE]
        for child in reversed(movable):
            tail = child.tail
            child.tail = None
            _append_text(child.getprevious(), div, tail)
            div.addnext(child)
        if any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in div.iterdescendants()):
            continue
        div.tag = "p"
        rewritten += 1
    return rewritten


def _append_text(previous, parent, text: str | None) -> None:
    """Keep the words that followed a moved element where they stood."""
    if not text:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
