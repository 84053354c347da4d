"""Measurable facts about one (claim, source) pair, for the learned judge.

Each feature is something an editor could check by hand: how many of the claim's
words one sentence of the source contains, whether the claim's numbers and named
things (genes, drugs, acronyms) appear in the source, whether the closest sentence
is negated or hedged where the claim is not, whether the claim says "increase"
where the source says "decrease". The same function feeds training
(scripts/train_judge.py) and judging, so the two cannot drift apart.

Everything here is plain Python over the stemmed terms of `evidence.terms`, fast
enough for the default path (hundreds of pairs a second). Sentence-embedding
similarities are added by `embeddings.py` only when the `ml` extra is installed.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from rank_bm25 import BM25Okapi

from citeaudit.judging.evidence import SourceText, terms
from citeaudit.judging.rules import aspect_coverage, figure_gaps, health_mismatches

_NUMBER = re.compile(r"(?<![A-Za-z\d.])\d+(?:[.,]\d+)*")
_ENTITY = re.compile(r"[A-Za-z][\w\-/]*")
_NEGATION = re.compile(
    r"\b(not|no|never|neither|nor|without|lack\w*|fail\w*|absen\w*|unlikely|cannot|none|"
    r"unaffected|unchanged|did not|does not|do not)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(may|might|could|possibl\w*|suggest\w*|potential\w*|propos\w*|hypothes\w*|unclear|"
    r"remains? to be|likely|appear\w*|speculat\w*|preliminary|putative)\b",
    re.IGNORECASE,
)
_UP = re.compile(
    r"\b(increas\w*|higher|elevat\w*|enhanc\w*|promot\w*|upregulat\w*|up-regulat\w*|greater|"
    r"rais\w*|induc\w*|activat\w*|stimulat\w*|accelerat\w*|exacerbat\w*|worsen\w*)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"\b(decreas\w*|lower|reduc\w*|inhibit\w*|suppress\w*|downregulat\w*|down-regulat\w*|"
    r"less|fewer|attenuat\w*|impair\w*|block\w*|prevent\w*|diminish\w*|declin\w*)\b",
    re.IGNORECASE,
)
_STRONG = re.compile(
    r"\b(all|always|every|only|first|novel|clearly|demonstrat\w*|prove[ns]?|established|"
    r"essential|critical|major|key|main|most|main|significant(ly)?)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(stud(y|ies)|report(s|ed)?|shown|showed|found|demonstrated|evidence|trials?|"
    r"review|literature|previous(ly)?|recent(ly)?|et al)\b",
    re.IGNORECASE,
)

# Order matters: the trained model's coefficients are stored in this order.
LIGHT_FEATURES: tuple[str, ...] = (
    "coverage_best",  # share of the claim's terms in its best sentence
    "coverage_second",  # ... in the second best (evidence spread over two sentences)
    "coverage_whole",  # ... anywhere in the source
    "bigrams_best",  # share of the claim's word pairs in one sentence
    "bigrams_whole",
    "bm25_best",  # BM25 of the best sentence, per claim term
    "log_claim_terms",
    "has_entities",  # acronyms, gene and drug names, codes such as IL-6 or COVID-19
    "entities_found",  # share of them found in the source
    "has_numbers",
    "numbers_found",  # share of the claim's numbers found in the source
    "figure_missing",  # a percentage or range of the claim appears nowhere (see rules.py)
    "claim_negated",
    "best_negated",
    "negation_differs",
    "claim_hedged",
    "best_hedged",
    "source_hedged",
    "direction_conflict",  # claim says up where the best sentence says down, or the reverse
    "claim_strong",
    "claim_attributes",  # "studies have shown...", "reported", "et al."
    "co_cited",  # the claim cites other sources too: this one may carry only part of it
    "claim_aspects",
    "aspects_missing",  # share of the claim's parts found in no sentence
    "intervention_mismatch",  # health rules from rules.py, as features too
    "site_mismatch",
)


@dataclass
class PairFeatures:
    """The feature values of one pair plus what the reasons need to quote."""

    values: dict[str, float]
    best_sentence: str = ""
    best_coverage: float = 0.0
    missing_terms: list[str] = field(default_factory=list)

    def vector(self, names: tuple[str, ...] | list[str]) -> list[float]:
        return [float(self.values.get(name, 0.0)) for name in names]


def _entities(text: str) -> set[str]:
    """Named things a paraphrase keeps verbatim: tokens with a digit or two capitals."""
    found = set()
    for token in _ENTITY.findall(text):
        token = token.strip("-/")
        capitals = sum(1 for ch in token if ch.isupper())
        if len(token) >= 2 and (any(ch.isdigit() for ch in token) or capitals >= 2):
            found.add(token.lower())
    return found


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def pair_features(claim: str, source: SourceText, co_cited: bool = False) -> PairFeatures:
    """Features of a claim against one source with text (see LIGHT_FEATURES)."""
    sentences = list(source.sentences)
    query = terms(claim)
    wanted = set(query)
    docs = [terms(s) for s in sentences]
    doc_sets = [set(d) for d in docs]
    coverages = [len(wanted & d) / len(wanted) if wanted else 0.0 for d in doc_sets]
    if query and docs:
        bm25 = [float(x) for x in BM25Okapi([d or ["_"] for d in docs]).get_scores(query)]
    else:
        bm25 = [0.0] * len(docs)
    order = sorted(range(len(docs)), key=lambda i: -(coverages[i] + bm25[i] / 20))
    best = order[0] if order else None
    ranked = [*sorted(coverages, reverse=True), 0.0, 0.0]
    everything = set().union(*doc_sets) if doc_sets else set()
    query_bigrams = _bigrams(query)
    doc_bigrams = [_bigrams(d) for d in docs]
    all_bigrams = set().union(*doc_bigrams) if doc_bigrams else set()
    text = " ".join(sentences)
    lowered = text.lower()
    best_sentence = sentences[best] if best is not None else ""

    entities = _entities(claim)
    numbers = _numbers(claim)
    source_numbers = _numbers(text)
    claim_negated = bool(_NEGATION.search(claim))
    best_negated = bool(_NEGATION.search(best_sentence))
    up, down = bool(_UP.search(claim)), bool(_DOWN.search(claim))
    best_up, best_down = bool(_UP.search(best_sentence)), bool(_DOWN.search(best_sentence))
    parts_total, parts_missing = aspect_coverage(claim, sentences)
    interventions, sites = health_mismatches(claim, text)

    values = {
        "coverage_best": ranked[0],
        "coverage_second": ranked[1],
        "coverage_whole": len(wanted & everything) / len(wanted) if wanted else 0.0,
        "bigrams_best": (
            max((len(query_bigrams & b) / len(query_bigrams) for b in doc_bigrams), default=0.0)
            if query_bigrams
            else 0.0
        ),
        "bigrams_whole": len(query_bigrams & all_bigrams) / len(query_bigrams)
        if query_bigrams
        else 0.0,
        "bm25_best": (max(bm25) / len(query)) if bm25 and query else 0.0,
        "log_claim_terms": math.log1p(len(query)),
        "has_entities": float(bool(entities)),
        "entities_found": (
            sum(1 for e in entities if e in lowered) / len(entities) if entities else 1.0
        ),
        "has_numbers": float(bool(numbers)),
        "numbers_found": len(numbers & source_numbers) / len(numbers) if numbers else 1.0,
        "figure_missing": float(bool(figure_gaps(claim, text))),
        "claim_negated": float(claim_negated),
        "best_negated": float(best_negated),
        "negation_differs": float(claim_negated != best_negated),
        "claim_hedged": float(bool(_HEDGE.search(claim))),
        "best_hedged": float(bool(_HEDGE.search(best_sentence))),
        "source_hedged": float(bool(_HEDGE.search(text))),
        "direction_conflict": float(
            (up and not down and best_down and not best_up)
            or (down and not up and best_up and not best_down)
        ),
        "claim_strong": float(bool(_STRONG.search(claim))),
        "claim_attributes": float(bool(_ATTRIBUTION.search(claim))),
        "co_cited": float(co_cited),
        "claim_aspects": float(parts_total),
        "aspects_missing": parts_missing / parts_total if parts_total else 0.0,
        "intervention_mismatch": float(bool(interventions)),
        "site_mismatch": float(bool(sites)),
    }
    best_terms = doc_sets[best] if best is not None else set()
    missing = [t for t in dict.fromkeys(query) if t not in best_terms]
    return PairFeatures(values, best_sentence, ranked[0], missing)


def direction_conflict(claim: str, sentence: str) -> bool:
    """The claim says a thing goes up where the sentence says it goes down, or the reverse."""
    up, down = bool(_UP.search(claim)), bool(_DOWN.search(claim))
    s_up, s_down = bool(_UP.search(sentence)), bool(_DOWN.search(sentence))
    return (up and not down and s_down and not s_up) or (down and not up and s_up and not s_down)


# A finding of no effect or no association, as abstracts word it.
_NULL_FINDING = re.compile(
    r"\b(?:no (?:statistically )?significant (?:association|effect|difference|relationship|"
    r"correlation|change|increase|decrease|reduction|benefit|improvement)s?|"
    r"no (?:association|relationship|correlation|link|effect|difference)s?|"
    r"(?:was|were|is|are) not (?:significantly )?(?:associated|correlated|related|linked)|"
    r"did not (?:significantly )?(?:differ|affect|change|alter|increase|decrease|reduce|raise|"
    r"lower|improve|predict)|"
    r"(?:had|has|have|showed|shows|show) no (?:effect|influence|impact)|"
    r"(?:is|was|are|were) unlikely to be (?:involved|associated|related|a cause)|"
    r"not a risk factor)\b",
    re.IGNORECASE,
)
# What a claim of an effect or a risk says: "raises the risk of", "lowered", "causes".
_EFFECT = re.compile(
    r"\b(?:rais\w*|increas\w*|lower\w*|reduc\w*|decreas\w*|caus\w*|risk|linked|"
    r"associated|improv\w*|prevent\w*|cuts?|boost\w*|protect\w*|worsen\w*|halv\w*|"
    r"relie\w*|effective)\b",
    re.IGNORECASE,
)


def null_finding(claim: str, sentence: str) -> str | None:
    """The words of `sentence` that report no effect or no association ("showed no
    significant association"), when the claim says there is one; None otherwise. A
    claim that is itself negated ("has no effect on") is borne out by them, not
    contradicted."""
    if not _EFFECT.search(claim) or _NEGATION.search(claim):
        return None
    found = _NULL_FINDING.search(sentence)
    if found is None:
        return None
    rest = sentence[: found.start()] + sentence[found.end() :]
    if _UP.search(rest) or _DOWN.search(rest):
        return None  # a mixed finding ("reduced pain but did not improve function")
    return found.group(0)


def negation_differs(claim: str, sentence: str) -> bool:
    return bool(_NEGATION.search(claim)) != bool(_NEGATION.search(sentence))
