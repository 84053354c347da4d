"""Proposing an article's check-worthy claims.

Proposals are a starting point for an editor, who reviews them in claims.csv; so the
rules aim to catch every sentence that asserts a fact a reader would rely on
(statistics, efficacy and causal claims, definitions, recommendations, what a cited
source says, product promises) and to leave out headings, navigation and filler.
"""

from __future__ import annotations

import re
from collections import Counter

from citeaudit.claims.csv_file import claim_id_for
from citeaudit.models import Article, Claim

_HEADING = re.compile(r"^(?:\d+\.|#+)\s+\S.*[^.!?:]$")
_META = re.compile(
    r"^(below|above|at the end of this article|in this article|read on|click|there are (a few|several|many)"
    r"|here('s| is| are)|let's|we('ll| will))\b|:$",
    re.IGNORECASE,
)
_INSTRUCTION = re.compile(r"^(simply|just|try|make sure|remember to)\b", re.IGNORECASE)
# Opinions and usage notes: the article's own advice, not a fact a source could back.
_OPINION = re.compile(
    r"\bwe (recommend|suggest|think|believe)\b|\bcan be used (on|against|in)\b", re.I
)
_PRODUCT = re.compile(
    r"\b(warranty|fsa|hsa|amazon|reimburse\w*|feedback|crafted from|made from|aluminum|silicone|"
    r"massager|stretcher|device|portable|lightweight|purchased|its (unique )?design)\b",
    re.IGNORECASE,
)
_STATISTIC = re.compile(
    r"\d+(?:\.\d+)?\s*%|\bpercent\b|\b\d+\s+(?:in|out of)\s+\d+\b|\bmost\b|\bmajority\b", re.I
)
_EFFICACY = re.compile(
    r"\b(effective(ly)?|relie(ve|ves|ving|f)|reduc(e|es|ing)|improv(e|es|ing)|alleviat\w*|benefici\w*|"
    r"heal(s|ing)?|help(s)? (to )?(break|relieve|reduce|align)|prevent\w*|release|valuable tool)\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(lead(s)? to|leading to|cause(s|d)?|causing|stem(s)? from|contribut\w*|result(s)? in|due to|"
    r"originates?|can become|transition|make\w* recovery|worsen\w*)\b",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"\b(refers to|is defined as|known as|are (small|areas)|is (generally )?distinct)\b", re.I
)
_RECOMMENDATION = re.compile(
    r"\b(should|recommended|essential)\b|(\bis|[’']s) ideal\b", re.IGNORECASE
)


def classify(text: str) -> str | None:
    """The kind of claim a sentence makes, or None when it makes no checkable claim.

    Order matters: a product sentence that also promises relief is still a product
    claim (it is checked against the seller, not the literature).
    """
    if (
        _HEADING.match(text)
        or _META.search(text)
        or _INSTRUCTION.match(text)
        or _OPINION.search(text)
    ):
        return None
    if len(text.split()) < 5:
        return None
    if _PRODUCT.search(text):
        return "product"
    if _STATISTIC.search(text):
        return "statistic"
    if _EFFICACY.search(text):
        return "efficacy"
    if _CAUSAL.search(text):
        return "causal"
    if _DEFINITION.search(text):
        return "definition"
    if _RECOMMENDATION.search(text):
        return "recommendation"
    return None


def propose_claims(article: Article) -> list[Claim]:
    """Check-worthy claims of the article body and of its reference descriptions."""
    claims: list[Claim] = []
    # counted once: counting per sentence made a long article's time grow with its square
    per_paragraph = Counter(s.paragraph for s in article.sentences)
    for sentence in article.sentences:
        alone = per_paragraph[sentence.paragraph] == 1
        if alone and _HEADING.match(sentence.text):  # a heading, not a claim
            continue
        kind = classify(sentence.text)
        if not kind and sentence.refs:
            # a sentence that cites a source states what the source says, whatever its
            # words: "Caffeine has no effect on bone density [3]." is checked too
            kind = "source_description"
        if kind:
            # the references its inline markers name (none: the claim is uncited)
            claims.append(_claim(article, sentence.line, kind, sentence.text, list(sentence.refs)))
    for ref in article.references:
        if ref.description and ref.description_line:
            claims.append(
                _claim(
                    article, ref.description_line, "source_description", ref.description, [ref.key]
                )
            )
    return claims


def _claim(article: Article, line: int, kind: str, text: str, refs: list[str]) -> Claim:
    return Claim(
        claim_id=claim_id_for(article.name, text),
        article=article.name,
        line=line,
        kind=kind,
        text=text,
        refs=refs,
        status="proposed",
    )
