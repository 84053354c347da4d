"""Sentence splitting that survives abbreviations, decimals and "et al.".

pysbd's rules handle most of those cases. A segmenter is built once per thread:
construction is costly, and a Segmenter keeps per-call state, so threads (a task
runner's workers) must not share one. pysbd still breaks after a few abbreviations
that medical abstracts use ("approx. 30%", "ca. 5 mg", "cf. Table 2"): a piece that
starts with a lower-case letter or a digit right after one of them is joined back,
because a real sentence rarely starts that way.

pysbd's passes over a text (numbered lists, abbreviations) take time that grows with
the square of its length: a 200 KB paragraph took 11 s, a 1 MB one never finished. So
a long paragraph is cut first, at places that end a sentence beyond doubt (a word of
three or more lower-case letters, a full stop, a space, a capital), into windows of a
few kilobytes, and pysbd splits each window: the time then grows with the text.
"""

from __future__ import annotations

import re
import threading

import pysbd

from citeaudit.reading.links import LINK_TARGET

_ABBREVIATIONS = (
    "approx|ca|cf|vs|incl|resp|approx|no|nos|vol|suppl|min|max|mo|yr|yrs|wk|wks|hr|hrs|"
    "sec|fig|figs|eq|eqs|ref|refs|e\\.g|i\\.e|al|viz|esp|avg|est|dept|univ|pt|pts|etc|"
    "sp|spp|subsp|ssp|var|cv|c|"  # "c. 145-502 thousand years" (circa)
    "nov|stat|comb"  # "sp. nov.", "stat. nov.", "comb. nov.": a new name is no sentence end
)
# An abbreviation, or a capital alone (an initial or a genus: "J. Smith", "*C.* *hominis*",
# "*S*. *lividans*"),
# maybe closing an emphasis ("*et al.*"); a marker may follow it ("[4]", "[2014](...)").
_ENDS_WITH_ABBREVIATION = re.compile(
    # the emphasis may close before the full stop or after it: "*e.g*." and "*e.g.*"
    rf"(?:^|[\s(*_])(?:{_ABBREVIATIONS}|(?-i:[A-Z]))[*_]{{0,2}}\.[*_]{{0,2}}$",
    re.IGNORECASE,
)
# Never the start of a new sentence: "*, unpublished", "** (e.g., ...", "cobras of ..."
_CONTINUES = re.compile(r"^(?:[*_]{1,2}\s*)?[a-z0-9(\[,;:]")
_LIST_NUMBER = re.compile(r"^\d{1,3}\.$")
_ENDS_WITH_SHORT_NAME = re.compile(r"\s[A-Z][a-z]{1,6}\.$")
_LOWER_WORD = re.compile(r"^[a-z]{2,}\s")  # "are ...", never "mRNA", "pH", "t-SNE", "p < 0.05"
_BRACKETED_NUMBER = re.compile(r"^\(\s?\d+(?:[.,]\d+)?\s+[a-zµ%]")
_VERSION = re.compile(r"^v\.?\s?\d")
# pysbd cuts a sentence at each item of an inline enumeration ("gaps: 1) the growing...;
# 2) the need...", "include i) a tutorial, and ii) a workshop"); the items are its parts.
_ENUMERATOR = re.compile(r"^\(?(?:[ivx]{1,4}|\d{1,2}|[a-h])\)\s")
_ENDED = re.compile(r"[.!?…][\"”’)\]]*(?:\s*\[[\d,\s–-]+\])*$")
# Where a long paragraph may be cut before pysbd sees it: "...pain. The" (not "Dr. Smith").
_CERTAIN_END = re.compile(r"[a-z]{3}[.!?][\"”’)]?\s+(?=[A-Z])")
_INSIDE = re.compile(r"[.!?…]")  # a mark only pysbd can tell a sentence end from
# A bracketed aside that ends with its own full stop ends a sentence, which pysbd misses:
# "(See Lee, 2012, for a review.) Thus, ..."
_CLOSED_END = re.compile(
    r"(?<=[.!?][)\]])\s+(?=[A-Z](?:[a-z]|\s))"
    # and so does an acronym before a capitalised word, which pysbd takes for an
    # abbreviation: "... cichlids of LT. Among the drawbacks ..."
    r"|(?<=[A-Z]{2}\.)\s+(?=[A-Z][a-z]{2,}\b)"
)
# A number's full stop with markers after it ends a sentence, which pysbd misses:
# "... using SHELXL-2013.[14] Hydrogen atoms were ..." (ACS), "... since 1994.[15] [16]
# Surveys have been ..." (Europe PMC)
_MARKED_NUMBER_END = re.compile(
    r"(\d\.\[[\d,\s–-]{1,40}\](?:[\s,;]*\[[\d,\s–-]{1,40}\])*)\s+(?=[A-Z][a-z])"
)
# A link's URL, which may hold a "?" or a ". " that ends no sentence ("...#Quack_Echo?>)"):
# hidden from the splitter behind a word of its own while the text is split
_LINK_URL = re.compile(rf"(?<=\]\()(?:{LINK_TARGET})(?=(?:\s+\"[^\"]*\")?\))")
_HIDDEN_URL = re.compile(r"citeauditlink(\d+)x")
WINDOW = 2000  # characters; a paragraph up to twice this long goes to pysbd whole


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    if not hasattr(_local, "segmenter"):
        _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return _local.segmenter


def windows(text: str, size: int = WINDOW) -> list[str]:
    """`text` cut into pieces of `size` to `2 * size` characters at certain sentence ends
    (at a space when there is none, as in a run of words with no full stop)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > 2 * size:
        cut = None
        for end in _CERTAIN_END.finditer(text, start + size, start + 2 * size):
            if not _ENDS_WITH_ABBREVIATION.search(text[start : end.start() + 4]):
                cut = end.end()
                break
        if cut is None:
            space = text.rfind(" ", start + size, start + 2 * size)
            cut = space + 1 if space > start else start + 2 * size
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _runs(window: str) -> list[tuple[str, bool]]:
    """The window cut at certain sentence ends; a piece with no other full stop, question
    or exclamation mark in it is one sentence as it stands ("plain") and skips pysbd,
    which costs about 5 ms per kilobyte; the others go to pysbd together, in context."""
    runs: list[tuple[str, bool]] = []
    start = 0
    pending = ""
    for end in _CERTAIN_END.finditer(window):
        if _ENDS_WITH_ABBREVIATION.search(window[start : end.start() + 4]):
            continue
        piece = window[start : end.end()]
        start = end.end()
        if _INSIDE.search(piece.rstrip()[:-1]):
            pending += piece
            continue
        if pending:
            runs.append((pending, False))
            pending = ""
        runs.append((piece, True))
    rest = pending + window[start:]
    if rest.strip():
        runs.append((rest, False))
    return runs


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, stripped, empty ones dropped."""
    text = " ".join(text.split())
    if not text:
        return []
    urls: list[str] = []

    def hide(match: re.Match[str]) -> str:
        urls.append(match.group())
        return f"citeauditlink{len(urls) - 1}x"

    if "citeauditlink" not in text:  # a page that writes the stand-in itself keeps its URLs
        text = _LINK_URL.sub(hide, text)
    sentences = _split(text)
    if not urls:
        return sentences
    return [_HIDDEN_URL.sub(lambda m: urls[int(m.group(1))], s) for s in sentences]


def _split(text: str) -> list[str]:
    segmenter = _segmenter()
    pieces = [
        s.strip()
        for window in windows(text)
        for run, plain in _runs(window)
        for s in ([run] if plain else segmenter.segment(run))
        if s.strip()
    ]
    sentences: list[str] = []
    for piece in pieces:
        if (
            sentences
            and (
                (_ENDS_WITH_ABBREVIATION.search(sentences[-1]) and _CONTINUES.match(piece))
                # an abbreviated name before a lower-case word: a taxon's authority
                # ("the genus *Agathis* Salisb. are highly resinous")
                or (_ENDS_WITH_SHORT_NAME.search(sentences[-1]) and _LOWER_WORD.match(piece))
                or _LIST_NUMBER.match(sentences[-1])  # "5." alone: a list item's number
                or piece[:1] in ")],;:"  # "(urea, glycine, etc.) will be", "*e.g*., Lee": no
                # sentence starts so
                # nor with a bracketed figure: "Camelina sativa L. Crantz. (3.1 per min)"
                or _BRACKETED_NUMBER.match(piece)
                # a dot between spaces is a formula's hydrate dot ("MgCl2 . 6H2O"): no
                # sentence ends with a space before its full stop
                or (sentences[-1].endswith(" .") and piece[:1].isdigit())
                # a version after a product's name: "Seqman in Lasergene. v7.1 (DNASTAR)"
                or _VERSION.match(piece)
                or (_ENUMERATOR.match(piece) and not _ENDED.search(sentences[-1]))
            )
        ):
            # "*et al.*" was cut inside its emphasis: its closing "*" joins it; an opening
            # one ("*S*. *lividans*") starts the next word
            closing = piece[:1] in ")],;:" or (piece[:1] in "*_" and not piece[1:2].isalpha())
            glue = "" if closing else " "
            sentences[-1] = f"{sentences[-1]}{glue}{piece}"
        else:
            sentences.append(piece)
    return [
        part
        for sentence in sentences
        for closed in _CLOSED_END.split(sentence)
        for part in _MARKED_NUMBER_END.sub("\\1\x00", closed).split("\x00")
    ]
