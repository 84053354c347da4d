"""Judging whether a claim is supported by the sources it relies on (the first judge).

Retrieval plus explicit rules, each of which an editor can check by reading the
evidence sentence:
- a claim is split into its parts ("aspects"); each part must be found in a source;
- a number or range in the claim ("80-90%") must appear in the source;
- the intervention must match (a needling or injection study is not evidence for
  massage) and so must the body site (a neck-muscle study is not about the back);
- a hedged or negative finding ("neither supported nor refuted") is not support;
- no text to judge from is `unverifiable`, never `unsupported`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citeaudit.evidence import SourceText, rank_sentences, terms
from citeaudit.models import Evidence

ASPECT_SENTENCE_COVERAGE = 0.5  # share of an aspect's words in one evidence sentence
ASPECT_SOURCE_COVERAGE = 0.6  # ... or across the source's whole text (not for efficacy)

_ASPECT_SPLIT = re.compile(
    r"\s*[,;:—–]\s*|\s+(?=(?:including|especially|emphasizing|emphasising|showing|supporting|"
    r"where|which|while|because|leading to|and discusses|with positive|by releasing|by relieving)\b)",
    re.IGNORECASE,
)
_EFFICACY = re.compile(
    r"\b(effective(ly)?|efficacy|relie(ve|ving|f)|reduc(e|es|ing|tion)|improv(e|es|ing|ement)|"
    r"alleviat\w*|benefici\w*|benefit\w*|heal(s|ing)?|help(s|ing)?|prevent\w*|treat(s|ing)?|"
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
    r"(benefit|improvement)|worse than|no better than placebo)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?\s*%|\d+(?:\.\d+)?\s*[-–]\s*\d+(?:\.\d+)?\s*%?"
)

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


@dataclass
class Judgment:
    verdict: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    supporting_refs: list[str] = field(default_factory=list)
    covered: float = 0.0  # share of the claim's aspects found, for ranking sources
    studied: str | None = None  # set when the source tests another intervention than claimed


_RANK = {
    "supported": 4,
    "partially_supported": 3,
    "contradicted": 2,
    "unsupported": 1,
    "unverifiable": 0,
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
    """Figures a statistic rests on: percentages and ranges (years and list numbers excluded)."""
    found = []
    for match in _NUMBER.finditer(text):
        value = re.sub(r"\s+", "", match.group(0)).replace("–", "-")
        if "%" in value or "-" in value:
            found.append(value)
    return found


def _number_present(number: str, text: str) -> bool:
    bare = number.rstrip("%")
    low, _, high = bare.partition("-")
    flat = re.sub(r"\s+", "", text).replace("–", "-")
    if high:
        return bool(
            re.search(rf"(?<![\d.]){re.escape(low)}%?(-|to){re.escape(high)}%?(?![\d.])", flat)
        )
    return bool(re.search(rf"(?<![\d.]){re.escape(low)}%", flat))


def judge_source(claim: str, source: SourceText) -> Judgment:
    """How far one source supports a claim, with the reason an editor can check."""
    if not source.has_text:
        return Judgment("unverifiable", f"no abstract or text is available for {source.ref}")
    text = " ".join(source.sentences)
    ranked = rank_sentences(claim, [source], top=3)
    evidence = [Evidence(r.ref, r.sentence, round(r.coverage, 2)) for r in ranked]

    missing_numbers = [n for n in numbers_in(claim) if not _number_present(n, text)]
    if missing_numbers:
        return Judgment(
            "unsupported",
            f"the figure {', '.join(missing_numbers)} appears nowhere in {source.ref}",
            evidence,
        )

    problems: list[str] = []
    claimed = _mentions(claim, INTERVENTIONS)
    studied = _mentions(text, INTERVENTIONS)
    missing_interventions = claimed - studied
    gap = None
    if missing_interventions:
        what = " and ".join(sorted(studied)) if studied else "no treatment"
        gap = f"{what}, not {' or '.join(sorted(missing_interventions))}"
        problems.append(f"{source.ref} is about {gap}")
    claimed_sites = _mentions(claim, SITES)
    source_sites = _mentions(text, SITES)
    if claimed_sites and not claimed_sites & source_sites:
        elsewhere = f" (it concerns {' and '.join(sorted(source_sites))})" if source_sites else ""
        problems.append(
            f"{source.ref} says nothing about {' or '.join(sorted(claimed_sites))}{elsewhere}"
        )

    parts = aspects(claim)
    source_terms = set(terms(text))
    sentence_terms = [(s, set(terms(s))) for s in source.sentences]
    covered: list[str] = []
    uncovered: list[str] = []
    hedged = False
    for part in parts:
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
        whole = len(wanted & source_terms) / len(wanted)
        site_ok = not _mentions(part, SITES) or bool(_mentions(part, SITES) & source_sites)
        ok = site_ok and (
            best >= ASPECT_SENTENCE_COVERAGE or (not efficacy and whole >= ASPECT_SOURCE_COVERAGE)
        )
        (covered if ok else uncovered).append(part)
    strong = _STRONG_HEDGE.search(text)
    if _EFFICACY.search(claim) and strong:
        problems.append(f"{source.ref} hedges its conclusion (\u201c{strong.group(0)}\u201d)")
        hedged = True

    share = len(covered) / max(1, len(covered) + len(uncovered))
    if (
        _EFFICACY.search(claim)
        and not missing_interventions
        and any(_NEGATIVE.search(e.sentence) and e.score >= 0.5 for e in evidence)
    ):
        return Judgment(
            "contradicted", f"{source.ref} reports a negative finding", evidence, covered=share
        )
    if not uncovered and not problems:
        return Judgment("supported", f"{source.ref} states this", evidence, covered=share)
    not_found = "; ".join(f"\u201c{p}\u201d" for p in uncovered)
    if covered and share >= 0.3:
        reason = f"{source.ref} supports part of it"
        details = ([f"not found: {not_found}"] if uncovered else []) + problems
        return Judgment(
            "partially_supported",
            f"{reason}; {'; '.join(details)}",
            evidence,
            covered=share,
            studied=gap,
        )
    reason = "; ".join(problems) if problems else f"{source.ref} does not say this"
    if hedged and not problems:
        reason += " (its finding is hedged)"
    return Judgment("unsupported", reason, evidence, covered=share, studied=gap)


def judge_claim(claim: str, sources: list[SourceText], cited: bool, kind: str = "") -> Judgment:
    """A claim's verdict against the sources it cites, or, when it cites none, against
    every source of the article, naming any that would support it."""
    with_text = [s for s in sources if s.has_text]
    without = [s.ref for s in sources if not s.has_text]
    if kind == "product" and not cited:
        return Judgment(
            "unverifiable",
            "a product claim (warranty, eligibility, reviews): the article's scientific sources "
            "cannot confirm it; check it against the seller's own terms",
        )
    if not sources:
        return Judgment("unverifiable", "the article has no sources to judge this claim against")
    if not with_text:
        return Judgment(
            "unverifiable", f"no text is available to judge from ({', '.join(without)})"
        )

    judged = [judge_source(claim, s) for s in with_text]
    best = max(judged, key=lambda j: (_RANK[j.verdict], j.covered))
    evidence = sorted((e for j in judged for e in j.evidence), key=lambda e: -e.score)[:3]
    if best.verdict in ("supported", "partially_supported"):
        evidence = best.evidence[:3]
    supporting = [s.ref for s, j in zip(with_text, judged, strict=True) if j.verdict == "supported"]
    gap = f"; no text to check for {', '.join(without)}" if without else ""
    if cited:
        return Judgment(best.verdict, best.reason + gap, evidence, supporting, best.covered)
    if best.verdict == "supported":
        reason = f"uncited, but {', '.join(supporting)} would support it: cite it"
    elif best.verdict == "partially_supported":
        reason = f"uncited; {best.reason}"
    else:
        reasons = {j.reason.split("; ")[0] for j in judged if j.verdict != "partially_supported"}
        figure = next((r for r in reasons if r.startswith("the figure")), None)
        if figure:
            reason = f"uncited; {figure.split(' appears nowhere')[0]} appears in none of the {len(with_text)} sources with text"
        else:
            reason = f"uncited; none of the {len(with_text)} sources with text supports it"
            gaps: dict[str, list[str]] = {}
            for source, j in zip(with_text, judged, strict=True):
                if j.studied and not j.studied.startswith("no treatment"):
                    gaps.setdefault(j.studied, []).append(source.ref)
            if gaps:
                reason += ": " + "; ".join(
                    f"{' and '.join(refs)} {'is' if len(refs) == 1 else 'are'} about {studied}"
                    for studied, refs in gaps.items()
                )
    return Judgment(best.verdict, reason + gap, evidence, supporting, best.covered)
