"""How likely an uncited sentence is to state a fact an editor would want checked.

Why a trained model and not word lists: lists fitted to one article ("massager",
"relieves") missed what other articles say ("lowered", "raises the risk", "one in
three", "no effect"). A logistic regression over the sentence's words, word pairs and
shape (digits, a per cent sign, a question mark, how it opens) learns those cues from
real labelled sentences instead, with the section a sentence stands in (a methods
section's sentences are mostly procedure): Citation-Integrity's citing sentences and HealthVer's
claims (what a source is cited for, so check-worthy by definition), SciTweets'
hand-labelled science tweets, and hand-labelled sentences of real published articles
(``benchmarks/train_checkworthiness.py`` says which, and how the threshold was chosen).

The weights are a small JSON file read once per process; scoring is a dictionary
look-up per feature, so no numerical library is needed to propose claims.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parent / "weights" / "checkworthiness.json"

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*|%|\?|[<>=≤≥±]")
_NUMBER_WORDS = frozenset(
    {
        *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        *("dozen", "hundred", "thousand", "million", "billion", "twice", "double", "triple"),
        *("half", "third", "thirds", "quarter", "quarters"),
    }
)


def _words(text: str) -> list[str]:
    """Lower-cased words, every number spelled "<num>" so that 41 and 87 read alike."""
    words = []
    for match in _WORD.finditer(text.casefold()):
        token = match.group()
        words.append("<num>" if token[0].isdigit() else token)
    return words


def features(text: str, section: str | None = None) -> dict[str, float]:
    """The sentence's words, adjacent word pairs, shape and section, as the model sees them.

    `section` is the standard research-article section the sentence stands in
    (`sections.sentence_sections`), or None where there is none."""
    words = _words(text)
    out: dict[str, float] = {}
    if section:
        out[f"section:{section}"] = 1.0
    for word in set(words):
        out[f"w:{word}"] = 1.0
    for pair in set(itertools.pairwise(words)):
        out[f"b:{pair[0]}_{pair[1]}"] = 1.0
    stripped = text.strip()
    out[f"first:{words[0] if words else ''}"] = 1.0
    out[f"end:{stripped[-1:] if stripped else ''}"] = 1.0
    out[f"length:{min(len(words) // 5, 8)}"] = 1.0
    out["has_number"] = float(any(w == "<num>" for w in words))
    out["has_number_word"] = float(any(w in _NUMBER_WORDS for w in words))
    capitals = sum(1 for w in stripped.split() if w[:1].isupper())
    out["capitalised_share"] = round(capitals / max(1, len(stripped.split())), 2)
    return out


@functools.cache
def _model() -> tuple[dict[str, float], float, float, float]:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return (
        data["weights"],
        float(data["bias"]),
        float(data["threshold"]),
        float(data["threshold_without_section"]),
    )


def score(text: str, section: str | None = None) -> float:
    """The probability, by the model, that the sentence is check-worthy."""
    weights, bias = _model()[:2]
    found = features(text, section).items()
    z = bias + sum(weights.get(name, 0.0) * value for name, value in found)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def is_checkworthy(text: str, section: str | None = None) -> bool:
    """Whether the sentence reaches the threshold chosen for recall (see the weights file).

    Sentences outside a research article's standard sections (a web article's) score
    higher on the whole, so they have a threshold of their own."""
    _, _, in_section, elsewhere = _model()
    return score(text, section) >= (in_section if section else elsewhere)
