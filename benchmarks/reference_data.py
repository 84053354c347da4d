"""AnyStyle's hand-labelled reference strings, and the one split every script uses.

Why one module: the training script and the benchmark must agree on which references
are held out, or the benchmark would score the parser on what it was trained on. The
held-out part is 15 % of every file, chosen by a hash of the reference's text (the
files are shuffled, so the document a reference came from is not recorded and cannot
be the unit); references whose text is also in the held-out part are dropped from
training. Provenance and licence: ``benchmarks/data/reference-parsing/PROVENANCE.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from citeaudit.reading.features import tokens

DATA = Path(__file__).resolve().parent / "data" / "reference-parsing"
FILES = ("core", "good", "ugly", "bad")
HELD_OUT_PERCENT = 15


@dataclass(frozen=True)
class Labelled:
    """One reference string with its hand-labelled segments, in order."""

    source: str  # which file: core, good, ugly, bad
    segments: tuple[tuple[str, str], ...]  # (label, text)

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.segments)

    @property
    def bucket(self) -> int:
        digest = hashlib.sha1(" ".join(self.text.split()).encode()).digest()
        return int.from_bytes(digest[:4], "big") % 100

    @property
    def held_out(self) -> bool:
        return self.bucket < HELD_OUT_PERCENT

    @property
    def dev(self) -> bool:
        """Part of the training data set aside to choose between designs: 12 %."""
        return HELD_OUT_PERCENT <= self.bucket < HELD_OUT_PERCENT + 12

    def token_labels(self) -> tuple[list[str], list[str]]:
        """The parser's tokens of the string, each with its segment's label."""
        words: list[str] = []
        labels: list[str] = []
        for label, text in self.segments:
            for token in tokens(text):
                words.append(token)
                labels.append(label)
        return words, labels


def read_file(name: str) -> Iterator[Labelled]:
    with gzip.open(DATA / f"anystyle-{name}.xml.gz") as fh:
        root = ET.parse(fh).getroot()
    for sequence in root:
        segments = tuple(
            (child.tag, " ".join((child.text or "").split()))
            for child in sequence
            if (child.text or "").strip()
        )
        if segments:
            yield Labelled(name, segments)


def load(split: str) -> list[Labelled]:
    """``train``, ``held-out``, or for design choices ``dev`` and ``train-minus-dev``."""
    every = [ref for name in FILES for ref in read_file(name)]
    held_texts = {" ".join(r.text.split()) for r in every if r.held_out}
    if split == "held-out":
        return [r for r in every if r.held_out]
    if split == "train":
        return [r for r in every if not r.held_out and " ".join(r.text.split()) not in held_texts]
    if split == "dev":
        return [r for r in load("train") if r.dev]
    if split == "train-minus-dev":
        return [r for r in load("train") if not r.dev]
    raise ValueError(f"unknown split {split!r}")
