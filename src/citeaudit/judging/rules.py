"""The health-writing rules, and the `rules` judge built on them alone.

The question an editor asks is "does the source say this?". The `rules` judge answers
it for one (claim, source) pair with retrieval plus explicit rules an editor can check
by reading the evidence sentence. The other judges (learned.py, llm.py) decide
differently but apply the same rules on top; choice.py says which judge runs and
claim.py asks it of every source a claim relies on.

The rules, which every judge applies because they are what health writing needs:
- a claim is split into its parts ("aspects"); each part must be found in a source;
- a figure of the claim ("80-90%", "one in four", "half of") must be the source's, by value;
- the intervention must match (a needling or injection study is not evidence for
  massage) and so must the body site (a neck-muscle study is not about the back);
- a study of animals or cells is not evidence of what happens in people, and an
  observational study is not evidence that one thing causes another;
- a hedged or negative finding ("neither supported nor refuted") is not support;
- no text to judge from is `unverifiable`, never `unsupported`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citeaudit.judging.evidence import SourceText, evidence_for, terms
from citeaudit.judging.figures import figures, missing
from citeaudit.judging.judgment import Judgment
from citeaudit.judging.population import association_as_cause, other_age_group, studied_instead

if TYPE_CHECKING:
    from collections.abc import Sequence

ASPECT_SENTENCE_COVERAGE = 0.5  # share of an aspect's words in one evidence sentence
ASPECT_SOURCE_COVERAGE = 0.6  # ... or across the source's whole text (not for efficacy)

_ASPECT_SPLIT = re.compile(
    r"\s*[,;:—–]\s*|\s+(?=(?:including|especially|emphasizing|emphasising|showing|supporting|"
    r"where|which|while|because|leading to|and discusses|with positive|by releasing|by relieving)\b)",
    re.IGNORECASE,
)
_EFFICACY = re.compile(
    r"\b(effective(ly)?|efficacy|relie(ve|ves|ved|ving|f)|reduc(e|es|ed|ing|tion)|"
    r"improv(e|es|ed|ing|ement)|alleviat\w*|benefici\w*|benefit\w*|heal(s|ed|ing)?|"
    r"help(s|ed|ing)?|prevent\w*|treat(s|ed|ing)?|"
    r"positive findings|work(s)?)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"neither supported nor refuted|no significant (difference|effect|improvement)|no difference|"
    r"insufficient evidence|not of sufficient quality|no trials were of sufficient|inconclusive|"
    r"little change|beyond placebo|did not (reduce|improve|differ)|no effect|not effective|"
    r"remains? unclear|is unclear|further (research|trials|studies) (is|are) needed|"
    r"controlled trials are needed",
    re.IGNORECASE,
)
# Conclusions that withhold support for the whole source, wherever they stand in it.
_STRONG_HEDGE = re.compile(
    r"neither supported nor refuted|insufficient evidence|inconclusive|"
    r"no trials were of sufficient quality|not of sufficient quality",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(not effective|no effect|ineffective|did not (reduce|improve|relieve)|no (significant )?"
    r"(benefit|improvement|difference)|worse than|no better than placebo)\b",
    re.IGNORECASE,
)
# What the source is: a review reports others' findings, which is weaker than a trial.
_REVIEW = re.compile(r"\b(systematic review|meta-analys[ie]s|review|overview)\b", re.IGNORECASE)

INTERVENTIONS: dict[str, re.Pattern[str]] = {
    "massage or manual therapy": re.compile(
        r"\b(massag\w*|manual (therapy|therapies|techniques?|pressure)|manual|self-massag\w*|"
        r"ischemic compression|myofascial release|direct pressure|pressure release)\b",
        re.I,
    ),
    "needling": re.compile(r"\b(dry needling|needl\w*|acupunctur\w*)\b", re.I),
    "injection": re.compile(r"\b(inject\w*|lidocaine|anesthetic|anaesthetic|botulinum)\b", re.I),
    "exercise or stretching": re.compile(r"\b(exercis\w*|strengthen\w*|stretch\w*)\b", re.I),
}
SITES: dict[str, re.Pattern[str]] = {
    "the back": re.compile(
        r"\b(back|lumbar|low[- ]back|(?<!cervical )spine|spinal|lumbosacral|thoracic|"
        r"quadratus lumborum|latissimus|erector spinae|paraspinal)\b",
        re.I,
    ),
    "the neck and shoulders": re.compile(r"\b(neck|cervical|trapezius|shoulders?)\b", re.I),
    "the jaw": re.compile(r"\b(jaw|temporomandibular|masseter)\b", re.I),
}


def aspects(claim: str) -> list[str]:
    """The parts of a claim that each need support, e.g. a description of a study's
    design, its subject and its findings. Fragments too small to check join the previous part."""
    parts = [p.strip() for p in _ASPECT_SPLIT.split(claim) if p and p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(set(terms(part))) < 2 and not _mentions(part, SITES):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged or [claim]


def _mentions(text: str, table: dict[str, re.Pattern[str]]) -> set[str]:
    return {name for name, pattern in table.items() if pattern.search(text)}


def numbers_in(text: str) -> list[str]:
    """Figures a statistic rests on, as written: shares and ranges (see `figures`)."""
    return [figure.text for figure in figures(text)]


def figure_gaps(claim: str, text: str) -> list[str]:
    """The claim's figures that no figure of the text bears out, compared by value:
    "half" is found in "a reduction of about 50 %", "under 5 %" is not in "7.9 %"."""
    return missing(claim, text)


@dataclass
class Checks:
    """The health-writing rules applied to one (claim, source) pair."""

    figures_missing: list[str]
    claimed: set[str]  # interventions the claim names
    interventions_missing: set[str]  # claimed but not studied
    studied: set[str]  # interventions the source does study
    sites_missing: set[str]  # body sites claimed, none of which the source mentions
    source_sites: set[str]
    strong_hedge: str | None  # the source's hedged conclusion, for an efficacy claim
    efficacy: bool  # the claim says something works
    review: bool  # the source reviews others' findings rather than testing them
    population: str | None = None  # what the source studied instead of people ("rats")
    age_group: str | None = None  # "adults, not children": another age group than claimed
    observational: str | None = None  # an observational design cited for a cause ("cohort")

    def problems(self, ref: str) -> list[str]:
        """One clause per broken rule (figures aside), worded for an editor."""
        found = []
        if self.interventions_missing and self.studied:
            found.append(f"{ref} is about {self.gap}")
        elif self.interventions_missing:
            missing = " or ".join(sorted(self.interventions_missing))
            found.append(f"{ref} does not study {missing}")
        if self.sites_missing:
            elsewhere = (
                f" (it concerns {' and '.join(sorted(self.source_sites))})"
                if self.source_sites
                else ""
            )
            found.append(
                f"{ref} says nothing about {' or '.join(sorted(self.sites_missing))}{elsewhere}"
            )
        if self.strong_hedge:
            found.append(f"{ref} hedges its conclusion (\u201c{self.strong_hedge}\u201d)")
        if self.population:
            found.append(f"{ref} studied {self.population}, not people")
        elif self.age_group:
            found.append(f"{ref} studied {self.age_group}")
        if self.observational:
            found.append(
                f"{ref} is an observational ({self.observational}) study: it shows an "
                "association, not a cause"
            )
        return found

    @property
    def wrong_intervention(self) -> bool:
        """The claim says an intervention works, and the source studies none of those it names."""
        return self.efficacy and bool(self.claimed) and not self.claimed & self.studied

    @property
    def gap(self) -> str | None:
        if not self.interventions_missing:
            return None
        what = " and ".join(sorted(self.studied)) if self.studied else "no treatment"
        return f"{what}, not {' or '.join(sorted(self.interventions_missing))}"


def check_rules(claim: str, source: SourceText) -> Checks:
    """Apply the health-writing rules to one pair (the source must have text)."""
    text = " ".join(source.sentences)
    claimed_sites = _mentions(claim, SITES)
    source_sites = _mentions(text, SITES)
    studied = _mentions(text, INTERVENTIONS)
    claimed = _mentions(claim, INTERVENTIONS)
    efficacy = bool(_EFFICACY.search(claim))
    strong = _STRONG_HEDGE.search(text) if efficacy else None
    head = " ".join(source.sentences[:1])
    return Checks(
        figures_missing=figure_gaps(claim, text),
        claimed=claimed,
        interventions_missing=claimed - studied,
        studied=studied,
        sites_missing=claimed_sites
        if claimed_sites and not claimed_sites & source_sites
        else set(),
        source_sites=source_sites,
        strong_hedge=strong.group(0) if strong else None,
        efficacy=efficacy,
        review=source.kind == "review" or bool(_REVIEW.search(head)),
        population=studied_instead(claim, text),
        age_group=other_age_group(claim, text),
        observational=association_as_cause(claim, text),
    )


def health_mismatches(claim: str, text: str) -> tuple[set[str], set[str]]:
    """Interventions the claim names that the text does not study, and body sites the
    claim names of which the text mentions none (features for the learned judge)."""
    claimed_sites = _mentions(claim, SITES)
    sites = claimed_sites if claimed_sites and not claimed_sites & _mentions(text, SITES) else set()
    return _mentions(claim, INTERVENTIONS) - _mentions(text, INTERVENTIONS), sites


def _aspect_outcomes(claim: str, sentences: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """The claim's parts found and not found in the sentences, and whether a part was
    found only in a hedged sentence (which cannot support a finding)."""
    text_terms = set(terms(" ".join(sentences)))
    source_sites = _mentions(" ".join(sentences), SITES)
    sentence_terms = [(s, set(terms(s))) for s in sentences]
    covered: list[str] = []
    uncovered: list[str] = []
    hedged = False
    for part in aspects(claim):
        wanted = set(terms(part))
        if not wanted:
            continue
        efficacy = bool(_EFFICACY.search(part))
        # A hedged sentence cannot support a finding, but a plain one elsewhere still can.
        scores = [
            (len(wanted & t) / len(wanted), bool(efficacy and _HEDGE.search(s)))
            for s, t in sentence_terms
        ]
        best = max((c for c, is_hedged in scores if not is_hedged), default=0.0)
        if best < ASPECT_SENTENCE_COVERAGE and any(
            c >= ASPECT_SENTENCE_COVERAGE for c, is_hedged in scores if is_hedged
        ):
            hedged = True
        whole = len(wanted & text_terms) / len(wanted)
        site_ok = not _mentions(part, SITES) or bool(_mentions(part, SITES) & source_sites)
        ok = site_ok and (
            best >= ASPECT_SENTENCE_COVERAGE or (not efficacy and whole >= ASPECT_SOURCE_COVERAGE)
        )
        (covered if ok else uncovered).append(part)
    return covered, uncovered, hedged


def aspect_coverage(claim: str, sentences: Sequence[str]) -> tuple[int, int]:
    """How many parts the claim has, and how many of them no sentence supports."""
    covered, uncovered, _ = _aspect_outcomes(claim, sentences)
    return len(covered) + len(uncovered), len(uncovered)


def not_found(parts: list[str]) -> str:
    return "; ".join(f"\u201c{p}\u201d" for p in parts)


def judge_source(claim: str, source: SourceText) -> Judgment:
    """How far one source supports a claim by the rules alone, with the reason an
    editor can check."""
    if not source.has_text:
        return Judgment("unverifiable", f"no abstract or text is available for {source.ref}")
    evidence = evidence_for(claim, source, top=3)
    checks = check_rules(claim, source)
    if checks.figures_missing:
        return Judgment(
            "unsupported",
            f"the figure {', '.join(checks.figures_missing)} appears nowhere in {source.ref}",
            evidence,
        )
    problems = checks.problems(source.ref)
    covered, uncovered, hedged = _aspect_outcomes(claim, source.sentences)
    hedged = hedged or bool(checks.strong_hedge)

    share = len(covered) / max(1, len(covered) + len(uncovered))
    if (
        checks.efficacy
        and not checks.interventions_missing
        and any(_NEGATIVE.search(e.sentence) and e.score >= 0.5 for e in evidence)
    ):
        return Judgment(
            "contradicted", f"{source.ref} reports a negative finding", evidence, covered=share
        )
    if not uncovered and not problems:
        return Judgment("supported", f"{source.ref} states this", evidence, covered=share)
    if covered and share >= 0.3:
        reason = f"{source.ref} supports part of it"
        details = ([f"not found: {not_found(uncovered)}"] if uncovered else []) + problems
        return Judgment(
            "partially_supported",
            f"{reason}; {'; '.join(details)}",
            evidence,
            covered=share,
            studied=checks.gap,
        )
    reason = "; ".join(problems) if problems else f"{source.ref} does not say this"
    if hedged and not problems:
        reason += " (its finding is hedged)"
    return Judgment("unsupported", reason, evidence, covered=share, studied=checks.gap)


class RuleJudge:
    """The rules alone: no model, no network; every reason points at a rule."""

    name = "rules"

    def judge_source(
        self,
        claim: str,
        source: SourceText,
        *,
        co_cited: bool = False,
        kind: str = "",
        cited: bool = True,
    ) -> Judgment:
        return judge_source(claim, source)
