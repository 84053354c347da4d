"""Sentence splitting that survives abbreviations, decimals and "et al.".

pysbd's rules handle most of those cases. A segmenter is built once per thread:
construction is costly, and a Segmenter keeps per-call state, so threads (a task
runner's workers) must not share one. pysbd still breaks after a few abbreviations
that medical abstracts use ("approx. 30%", "ca. 5 mg", "cf. Table 2"): a piece that
starts with a lower-case letter or a digit right after one of them is joined back,
because a real sentence rarely starts that way.
"""

from __future__ import annotations

import re
import threading

import pysbd

_ABBREVIATIONS = (
    "approx|ca|cf|vs|incl|resp|approx|no|nos|vol|suppl|min|max|mo|yr|yrs|wk|wks|hr|hrs|"
    "sec|fig|figs|eq|eqs|ref|refs|e\\.g|i\\.e|al|viz|esp|avg|est|dept|univ|pt|pts"
)
_ENDS_WITH_ABBREVIATION = re.compile(rf"(?:^|[\s(])(?:{_ABBREVIATIONS})\.$", re.IGNORECASE)
_CONTINUES = re.compile(r"^[a-z0-9(]")


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    if not hasattr(_local, "segmenter"):
        _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return _local.segmenter


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, stripped, empty ones dropped."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces = [s.strip() for s in _segmenter().segment(text) if s.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ENDS_WITH_ABBREVIATION.search(sentences[-1]) and _CONTINUES.match(piece):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences
