"""The learned judge: a classifier trained on claim-verification data, with the
health-writing rules on top.

A multinomial logistic regression over the features of `features.py` (plus sentence
similarities for `learned-minilm`) says whether a source SUPPORTs a claim, REFUTEs it
(the source addresses the claim but does not back it as stated: Citation-Integrity's
"not accurate", HealthVer's "refutes") or gives no information (NEI). Its weights are a
small JSON file under `weights/`, written by `benchmarks/train_judge.py`, so judging needs
no scikit-learn and no numpy: a dot product per class.

The classifier alone cannot know that a needling study says nothing about massage, so
the rules of `rules.py` still decide where they apply, and every verdict carries a
reason an editor can check against the evidence sentences:

| classifier | rules | verdict |
|---|---|---|
| any | claims an intervention works; the source studies none of those it names | unsupported |
| any | a statistic whose figure the source lacks | unsupported |
| any | the closest sentence (most of the claim's words) says the opposite direction | contradicted |
| SUPPORT | nothing broken | supported |
| SUPPORT | a figure missing, another body site, a hedged conclusion | partially_supported |
| REFUTE | opposite direction or negated finding in the closest sentence | contradicted |
| REFUTE | otherwise | partially_supported |
| NEI | | unsupported |

For uncited claims and for kinds in STRICT_KINDS, SUPPORT also needs every part of the
claim found in the source (the rules judge's test), and REFUTE at least one part.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from citeaudit.errors import InputError
from citeaudit.judging.evidence import SourceText, evidence_for
from citeaudit.judging.features import (
    PairFeatures,
    direction_conflict,
    negation_differs,
    null_finding,
    pair_features,
)
from citeaudit.judging.judgment import Judgment
from citeaudit.judging.rules import _NEGATIVE, Checks, _aspect_outcomes, check_rules, not_found

CLASSES: tuple[str, ...] = ("SUPPORT", "REFUTE", "NEI")
# Claims whose every part must be found in the source for `supported`, whatever the
# classifier says: what a source found, and whether a treatment works, are where a
# plausible paraphrase misleads most. Uncited claims are judged this way too: the
# classifier learned from real citations, where the source is usually on topic, while
# an uncited claim is tried against every source of the article.
STRICT_KINDS = frozenset({"efficacy", "source_description"})
CLIP = 4.0  # standard deviations, in training as in judging
# A sentence sharing this much of the claim's words, whose direction is the opposite
# ("reduced" where the claim says "increased"), contradicts it whatever a model says.
OPPOSITE_COVERAGE = 0.6
# ... and one reporting no effect or association ("showed no significant association with
# stroke") contradicts a claim of one at a lower share: its words are the finding's own.
NULL_COVERAGE = 0.5


def clip(z: float) -> float:
    """A standardised feature value kept within CLIP: a source unlike any in training
    (one sentence long, say) must not let one feature decide alone."""
    return max(-CLIP, min(CLIP, z))


@dataclass(frozen=True)
class JudgeModel:
    """A trained classifier, as stored in `weights/<name>.json`."""

    name: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per class
    intercept: tuple[float, ...]
    bias: tuple[float, ...] = ()  # decision offsets per class, tuned for macro-F1 on train
    embedding: str | None = None  # sentence-embedding model the features need, if any
    training: dict[str, Any] = field(default_factory=dict)
    # P(SUPPORT) made a frequency (Platt scaling on out-of-fold predictions): a, b of
    # sigmoid(a * logit(p) + b); none for a model trained before calibration existed.
    support_calibration: tuple[float, float] | None = None
    # The calibrated confidence from which `supported` is passed without an editor's look.
    support_threshold: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeModel:
        model = cls(
            name=str(data["name"]),
            classes=tuple(data["classes"]),
            features=tuple(data["features"]),
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            coef=tuple(tuple(float(x) for x in row) for row in data["coef"]),
            intercept=tuple(float(x) for x in data["intercept"]),
            bias=tuple(float(x) for x in data.get("bias") or [0.0] * len(data["classes"])),
            embedding=data.get("embedding"),
            training=dict(data.get("training") or {}),
            support_calibration=(
                (float(data["support_calibration"][0]), float(data["support_calibration"][1]))
                if data.get("support_calibration")
                else None
            ),
            support_threshold=(
                float(data["support_threshold"])
                if data.get("support_threshold") is not None
                else None
            ),
        )
        n = len(model.features)
        if not (
            set(model.classes) == set(CLASSES)
            and len(model.mean) == len(model.scale) == n
            and all(len(row) == n for row in model.coef)
            and len(model.coef) == len(model.intercept) == len(model.bias) == len(model.classes)
        ):
            raise ValueError(f"model {model.name}: inconsistent shapes")
        return model

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "classes": list(self.classes),
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": [list(row) for row in self.coef],
            "intercept": list(self.intercept),
            "bias": list(self.bias),
            "embedding": self.embedding,
            "training": self.training,
            "support_calibration": list(self.support_calibration)
            if self.support_calibration
            else None,
            "support_threshold": self.support_threshold,
        }

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        """Class probabilities for one pair's feature values (softmax of the scores)."""
        x = [
            clip((values.get(name, 0.0) - mean) / (scale or 1.0))
            for name, mean, scale in zip(self.features, self.mean, self.scale, strict=True)
        ]
        scores = [
            b + sum(w * v for w, v in zip(row, x, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps, strict=True)}

    def support_confidence(self, probabilities: dict[str, float]) -> float:
        """How often a pair given this P(SUPPORT) was a SUPPORT out of fold: the raw
        probability calibrated (the raw one when the model has no calibration)."""
        p = min(max(probabilities["SUPPORT"], 1e-6), 1 - 1e-6)
        if self.support_calibration is None:
            return p
        a, b = self.support_calibration
        return 1 / (1 + math.exp(-(a * math.log(p / (1 - p)) + b)))

    def decide(self, probabilities: dict[str, float]) -> str:
        """The class with the best offset log-probability (offsets trade precision
        between classes so that the rare ones, REFUTE and NEI, are found at all)."""
        return max(
            self.classes,
            key=lambda c: math.log(max(probabilities[c], 1e-12)) + self.bias[self.classes.index(c)],
        )


def load_model(name: str) -> JudgeModel:
    """A model shipped in the package (`weights/<name>.json`)."""
    resource = files("citeaudit").joinpath(f"judging/weights/{name}.json")
    try:
        return JudgeModel.from_dict(json.loads(resource.read_text("utf-8")))
    except FileNotFoundError:
        raise InputError(
            f"no trained model {name!r}: run benchmarks/train_judge.py to build it"
        ) from None


class LearnedJudge:
    """A trained classifier's verdict, kept in line with the health rules."""

    def __init__(self, model: JudgeModel, embedder: Any = None):
        if model.embedding and embedder is None:
            from citeaudit.judging.embeddings import Embedder

            embedder = Embedder()
        self.model = model
        self.embedder = embedder
        self.name = "learned-minilm" if model.embedding else "learned"

    @classmethod
    def load(cls, name: str) -> LearnedJudge:
        return cls(load_model(name))

    def features(self, claim: str, source: SourceText, co_cited: bool = False) -> PairFeatures:
        found = pair_features(claim, source, co_cited=co_cited)
        if self.embedder is not None:
            found.values.update(self.embedder.features(claim, list(source.sentences)))
        return found

    def classify(
        self, claim: str, source: SourceText, co_cited: bool = False
    ) -> tuple[str, dict[str, float], PairFeatures]:
        found = self.features(claim, source, co_cited)
        probabilities = self.model.probabilities(found.values)
        return self.model.decide(probabilities), probabilities, found

    def judge_source(
        self,
        claim: str,
        source: SourceText,
        *,
        co_cited: bool = False,
        kind: str = "",
        cited: bool = True,
    ) -> Judgment:
        if not source.has_text:
            return Judgment("unverifiable", f"no abstract or text is available for {source.ref}")
        label, probabilities, found = self.classify(claim, source, co_cited)
        checks = check_rules(claim, source)
        evidence = evidence_for(claim, source, top=3)
        strict = not cited or kind in STRICT_KINDS
        return combine(
            claim,
            source,
            label,
            probabilities,
            found,
            checks,
            evidence,
            kind,
            strict=strict,
            confidence=self.model.support_confidence(probabilities),
            threshold=self.model.support_threshold,
        )


def _percent(value: float) -> str:
    return f"{round(100 * value)}%"


def overrule(
    claim: str,
    source: SourceText,
    label: str,
    checks: Checks,
    evidence: list,
    kind: str = "",
) -> Judgment | None:
    """The verdict the health rules impose whatever a model said, or None when they
    leave it to the model (shared by the learned and the LLM judge)."""
    ref = source.ref
    problems = checks.problems(ref)
    figures = ", ".join(checks.figures_missing)
    if checks.wrong_intervention:
        return Judgment("unsupported", "; ".join(problems), evidence, studied=checks.gap)
    if figures and (kind == "statistic" or label == "NEI"):
        return Judgment("unsupported", f"the figure {figures} appears nowhere in {ref}", evidence)
    closest = evidence[0] if evidence else None
    if (
        closest is not None
        and closest.score >= OPPOSITE_COVERAGE
        and direction_conflict(claim, closest.sentence)
    ):
        return Judgment(
            "contradicted",
            f"{ref} contradicts this: its closest sentence reports the opposite direction",
            evidence,
            covered=0.5,
        )
    null = null_finding(claim, closest.sentence) if closest is not None else None
    if closest is not None and closest.score >= NULL_COVERAGE and null:
        return Judgment(
            "contradicted",
            f"{ref} contradicts this: it reports no effect or association (\u201c{null}\u201d)",
            evidence,
            covered=0.5,
        )
    if label == "SUPPORT":
        details = ([f"the figure {figures} appears nowhere in it"] if figures else []) + problems
        if details:
            covered, uncovered, _ = _aspect_outcomes(claim, source.sentences)
            details = ([f"not found: {not_found(uncovered)}"] if uncovered else []) + details
            return Judgment(
                "partially_supported",
                f"{ref} supports part of it; " + "; ".join(details),
                evidence,
                covered=max(0.5, len(covered) / max(1, len(covered) + len(uncovered))),
                studied=checks.gap,
            )
    return None


def combine(
    claim: str,
    source: SourceText,
    label: str,
    probabilities: dict[str, float],
    found: PairFeatures,
    checks: Checks,
    evidence: list,
    kind: str = "",
    strict: bool = False,
    confidence: float | None = None,
    threshold: float | None = None,
) -> Judgment:
    """The verdict and its one-line reason from the classifier's label and the rules
    (see the table in the module docstring).

    `strict`: the classifier's word is not enough and each part of the claim must be
    found too (see STRICT_KINDS and uncited claims). `confidence` is the calibrated
    P(SUPPORT); a `supported` below `threshold` is flagged for an editor's look.
    """
    ref = source.ref
    covered, uncovered, _ = _aspect_outcomes(claim, source.sentences)
    if strict and label in ("SUPPORT", "REFUTE") and not covered:
        label = "NEI"  # no part of the claim is in the source: it does not address it
    overruled = overrule(claim, source, label, checks, evidence, kind)
    if overruled is not None:
        return overruled
    if strict and label == "SUPPORT" and uncovered:
        return Judgment(
            "partially_supported",
            f"{ref} supports part of it; not found: {not_found(uncovered)}",
            evidence,
            covered=len(covered) / (len(covered) + len(uncovered)),
            studied=checks.gap,
        )
    calibrated = confidence if label == "SUPPORT" and confidence is not None else None
    sure = _percent(calibrated if calibrated is not None else probabilities[label])
    closest = f"its closest sentence shares {_percent(found.best_coverage)} of the claim's words"
    if label == "SUPPORT":
        reason = f"{ref} states this ({closest}; judge {sure} sure)"
        if checks.review and checks.efficacy:
            reason += "; it is a review of others' findings, weaker evidence than a trial"
        look = threshold is not None and calibrated is not None and calibrated < threshold
        if look:
            reason += (
                f"; needs an editor's look: below the {_percent(threshold)} from which the "
                "judge's supported was right 85% of the time on claims it had not seen"
            )
        return Judgment(
            "supported", reason, evidence, covered=0.9 if checks.review else 1.0, needs_look=look
        )
    problems = checks.problems(ref)
    figures = ", ".join(checks.figures_missing)
    if label == "REFUTE":
        best = found.best_sentence
        opposite = None
        if direction_conflict(claim, best):
            opposite = "its closest sentence reports the opposite direction"
        elif checks.efficacy and _NEGATIVE.search(best):
            opposite = "it reports a negative finding"
        elif negation_differs(claim, best) and found.best_coverage >= 0.5:
            opposite = "its closest sentence says the opposite (one of the two is negated)"
        share = len(covered) / max(1, len(covered) + len(uncovered))
        if opposite:
            return Judgment(
                "contradicted", f"{ref} contradicts this: {opposite}", evidence, covered=share
            )
        details = [f"not found: {not_found(uncovered)}"] if uncovered else []
        details += [f"the figure {figures} appears nowhere in it"] if figures else []
        details += problems
        reason = f"{ref} addresses this but does not back it as stated" + (
            "; " + "; ".join(details) if details else f" ({closest}; judge {sure} sure)"
        )
        return Judgment("partially_supported", reason, evidence, covered=share, studied=checks.gap)
    reason = "; ".join(problems) if problems else f"{ref} does not address this ({closest})"
    return Judgment("unsupported", reason, evidence, covered=0.0, studied=checks.gap)
