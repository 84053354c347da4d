"""Sentence splitting that survives abbreviations, decimals and "et al.".

pysbd's rules handle those cases. A segmenter is built once per thread: construction
is costly, and a Segmenter keeps per-call state, so threads (a task runner's workers)
must not share one.
"""

from __future__ import annotations

import threading

import pysbd

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
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]
