"""A reference string cut into labelled segments by the trained CRF.

The model (``models/reference-labeller.crfsuite``) is trained by
``benchmarks/train_parser.py`` on AnyStyle's hand-labelled real references and loaded
once per process: opening it costs milliseconds, tagging a reference well under one.
Labels are AnyStyle's: author, editor, translator, date, title, journal,
container-title, collection-title, volume, pages, publisher, location, edition,
genre, note, doi, url, isbn, citation-number, ...
"""

from __future__ import annotations

import functools
from pathlib import Path

import pycrfsuite

from citeaudit.reading.features import sequence_features, tokens

MODEL = Path(__file__).resolve().parent / "models" / "reference-labeller.crfsuite"

Segment = tuple[str, str]  # (label, text)


@functools.cache
def _tagger() -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL))
    return tagger


def label_tokens(words: list[str]) -> list[str]:
    """The label of every token, in order."""
    if not words:
        return []
    return list(_tagger().tag(sequence_features(words)))


def segments(text: str) -> list[Segment]:
    """Consecutive tokens with the same label, joined back with single spaces."""
    words = tokens(text)
    out: list[Segment] = []
    for word, label in zip(words, label_tokens(words), strict=True):
        if out and out[-1][0] == label:
            out[-1] = (label, f"{out[-1][1]} {word}")
        else:
            out.append((label, word))
    return out
