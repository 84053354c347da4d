"""Claim-verification data sets as (claim, source sentences, label) pairs, and the
scores the benchmark prints. Shared by claim_support.py (measuring) and
train_judge.py (training) so both read the data the same way.

Formats (see benchmarks/data/claim-eval/PROVENANCE.md):
- Citation-Integrity, MultiVerS format: `claims.jsonl` rows {id, claim, evidence,
  cited_doc_ids}; `evidence` {doc_id: [{sentences, label: SUPPORT|REFUTE}]}, empty
  evidence = NEI; `corpus.jsonl` rows {doc_id, title, abstract: [sentences]}.
- HealthVer CSV: id, evidence (a passage), claim, label Supports|Refutes|Neutral.

Labels: SUPPORT, REFUTE, NEI. In Citation-Integrity SUPPORT is "accurate citation",
REFUTE "not accurate" (the source addresses the claim but does not back it as stated)
and NEI "irrelevant"; in HealthVer Supports, Refutes and Neutral.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from citeaudit.reading.sentences import split_sentences

LABELS: tuple[str, ...] = ("SUPPORT", "REFUTE", "NEI")

# How a citeaudit verdict answers the data sets' question "does the source say this?".
VERDICT_TO_LABEL: dict[str, str] = {
    "supported": "SUPPORT",
    "partially_supported": "REFUTE",  # addresses the claim, does not back it as stated
    "contradicted": "REFUTE",
    "unsupported": "NEI",  # the source does not speak to the claim
    "unverifiable": "NEI",  # no text to judge from
}
_HEALTHVER_LABELS = {"Supports": "SUPPORT", "Refutes": "REFUTE", "Neutral": "NEI"}

_TARGET = re.compile(r"<\|(?:multi_cit|cit)\|>")
_MARKER = re.compile(r"<\|(?:multi_cit|other_cit|cit)\|>")
_BRACKETED = re.compile(r"[\[(][^\[\]()]*<\|[a-z_]+\|>[^\[\]()]*[\])]")


@dataclass(frozen=True)
class Pair:
    pair_id: str
    claim: str  # the words the cited source must support (citation markers removed)
    sentences: tuple[str, ...]  # the source's text
    label: str  # SUPPORT, REFUTE or NEI
    co_cited: bool = False  # the claim cites other works as well (Citation-Integrity multi_cit)


def _clean(text: str) -> str:
    text = _BRACKETED.sub("", text)
    text = _MARKER.sub(" ", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"[,;]\s*\.", ".", text)
    return " ".join(text.split())


def citation_context(claim: str) -> str:
    """The part of a citing passage the target citation vouches for.

    A marker closes the statement it supports, so this is the sentence holding the
    target marker (<|cit|> or <|multi_cit|>), up to the marker, plus the rest of the
    clause when the sentence goes on without a capital. Other sentences of the passage
    and what other citations (<|other_cit|>) vouch for in other sentences are left out:
    the cited source was never meant to support them.
    """
    match = _TARGET.search(claim)
    if not match:
        return _clean(claim)
    before = re.sub(r"[\[(][^\[\]()]*$", "", claim[: match.start()])
    sentences = [s for s in split_sentences(_clean(before)) if s.strip()]
    if not sentences:
        return _clean(claim)
    context = sentences[-1]
    if len(context.split()) < 5 and len(sentences) > 1:
        context = f"{sentences[-2]} {context}"
    after = _clean(claim[match.end() :])
    if after and not re.match(r"^[A-Z]", after):
        rest = split_sentences(after)
        if rest:
            context = f"{context} {rest[0]}"
    return _clean(context)


def load_citation_integrity(claims: Path, corpus: Path) -> list[Pair]:
    """One pair per claim and cited document, the document's sentences as its text."""
    documents: dict[int, list[str]] = {}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                title = (row.get("title") or "").strip()
                documents[int(row["doc_id"])] = ([title] if title else []) + list(row["abstract"])
    pairs = []
    with claims.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            text = citation_context(row["claim"])
            co_cited = "<|multi_cit|>" in row["claim"]
            evidence = row.get("evidence") or {}
            for doc_id in row.get("cited_doc_ids") or []:
                annotations = evidence.get(str(doc_id)) or []
                label = annotations[0]["label"] if annotations else "NEI"
                pairs.append(
                    Pair(
                        f"{row['id']}:{doc_id}",
                        text,
                        tuple(documents.get(int(doc_id), [])),
                        label,
                        co_cited,
                    )
                )
    return pairs


def load_healthver(path: Path) -> list[Pair]:
    """One pair per row; the evidence passage is split into sentences."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Pair(
                str(row["id"]),
                " ".join(row["claim"].split()),
                tuple(split_sentences(row["evidence"])),
                _HEALTHVER_LABELS[row["label"].strip()],
            )
            for row in csv.DictReader(handle)
        ]


def scores(gold: list[str], predicted: list[str]) -> dict[str, object]:
    """Per-class precision, recall and F1, macro-F1 and accuracy."""
    per_class: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": sum(1 for g in gold if g == label),
        }
    macro = sum(c["f1"] for c in per_class.values()) / len(LABELS)
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / max(1, len(gold))
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "per_class": per_class}
