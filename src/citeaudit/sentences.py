"""Sentence splitting that survives abbreviations, decimals and "et al.".

pysbd's rules handle those cases; it is built once because construction is costly.
"""

from __future__ import annotations

from functools import lru_cache

import pysbd


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, stripped, empty ones dropped."""
    text = " ".join(text.split())
    if not text:
        return []
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]
