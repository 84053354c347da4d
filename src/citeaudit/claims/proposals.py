"""Proposing an article's check-worthy claims.

Proposals are a starting point for an editor, who reviews them in claims.csv. Every
sentence that cites a source is proposed, whatever its words, with the references it
cites. An uncited sentence is proposed when the trained model of `checkworthiness`
finds it check-worthy: word lists fitted to one article missed most of what other
articles assert. The rules left here only name a proposal's kind, which the editor sees
and the judge uses (a product promise is checked against the seller, not the literature).
"""

from __future__ import annotations

import re
from collections import Counter

from citeaudit.claims.checkworthiness import is_checkworthy
from citeaudit.claims.csv_file import claim_id_for
from citeaudit.claims.sections import sentence_sections
from citeaudit.models import Article, Claim

_HEADING = re.compile(r"^(?:\d+\.|#+)\s+\S.*[^.!?:]$")
_PRODUCT = re.compile(
    r"\b(warranty|fsa|hsa|amazon|reimburse\w*|feedback|crafted from|made from|aluminum|silicone|"
    r"massager|stretcher|device|portable|lightweight|purchased|its (unique )?design)\b",
    re.IGNORECASE,
)
_STATISTIC = re.compile(
    r"\d+(?:\.\d+)?\s*%|\bpercent\b|\b\d+\s+(?:in|out of)\s+\d+\b|\b(?:one|two|three|four|five)"
    r"\s+(?:in|out of)\s+(?:two|three|four|five|six|seven|eight|nine|ten)\b|\bhalf of\b|"
    r"\b(?:one|two)-thirds?\b|\ba (?:third|quarter|fifth|tenth)\b|\bmost\b|\bmajority\b",
    re.I,
)
_RISK = re.compile(
    r"\b(risks?|odds|hazards?|incidence|likelihood|chances?|prone|susceptib\w*)\b", re.I
)
_EFFICACY = re.compile(
    r"\b(effective(ly|ness)?|efficacy|relie(ve|ves|ved|ving|f)|reduc(e|es|ed|ing|tion)|"
    r"improv(e|es|ed|ing|ement)|lower(s|ed|ing)?|alleviat\w*|benefici\w*|heal(s|ed|ing)?|"
    r"prevent\w*|no effect|treat(s|ed|ing|ment)?|cuts?)\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(lead(s)? to|led to|leading to|cause(s|d)?|causing|stem(s)? from|contribut\w*|"
    r"result(s|ed)? in|due to|originates?|worsen\w*|increas(e|es|ed|ing)|decreas(e|es|ed|ing))\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(more|less|fewer|higher|lower|greater|than|compared|unlike|versus|vs)\b", re.I
)
_DEFINITION = re.compile(
    r"\b(refers to|is defined as|known as|are (small|areas)|is (generally )?distinct|is an?)\b",
    re.I,
)
_RECOMMENDATION = re.compile(
    r"\b(should|recommended|essential)\b|(\bis|[’']s) ideal\b", re.IGNORECASE
)
# In this order: the first that fits names the kind ("a product that relieves pain" is a
# product claim, checked against the seller; "cuts the risk by half" a statistic).
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("product", _PRODUCT),
    ("statistic", _STATISTIC),
    ("risk", _RISK),
    ("efficacy", _EFFICACY),
    ("causal", _CAUSAL),
    ("comparison", _COMPARISON),
    ("recommendation", _RECOMMENDATION),
    ("definition", _DEFINITION),
)


def kind_of(text: str, cited: bool) -> str:
    """The kind of claim a check-worthy sentence makes, for the editor and the judge.

    A cited sentence none of the kinds fits states what its source says
    ("source_description"); an uncited one is a "finding".
    """
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "source_description" if cited else "finding"


def propose_claims(article: Article) -> list[Claim]:
    """Check-worthy claims of the article body and of its reference descriptions."""
    claims: list[Claim] = []
    # counted once: counting per sentence made a long article's time grow with its square
    per_paragraph = Counter(s.paragraph for s in article.sentences)
    sections = sentence_sections(article)
    for sentence, section in zip(article.sentences, sections, strict=True):
        alone = per_paragraph[sentence.paragraph] == 1
        if alone and _HEADING.match(sentence.text):  # a heading, not a claim
            continue
        # a sentence that cites a source states what the source says, whatever its words:
        # "Caffeine has no effect on bone density [3]." is checked too
        if sentence.parts:  # one claim per clause, each with the sources it cites
            for text, refs in sentence.parts:
                kind = kind_of(text, cited=True)
                claims.append(_claim(article, sentence.line, kind, text, list(refs)))
            continue
        if sentence.refs or is_checkworthy(sentence.text, section):
            kind = kind_of(sentence.text, cited=bool(sentence.refs))
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
