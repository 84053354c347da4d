"""Finding the sentences in a source that bear on a claim.

Sources are judged from the text we actually have: the abstract (and the title, which
often states the study design). Sentences are ranked with BM25 over stemmed content
words, with a few domain spellings folded together (TrP = trigger point,
sensitisation = sensitization) so that wording differences do not hide evidence.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import snowballstemmer
from rank_bm25 import BM25Okapi

from citeaudit.sentences import split_sentences

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not of off on once only or other our out over own same she should so
some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your
often generally typically usually may might must shall one two new approximately help can
rather within known called show shows study studies research review article work discusses
explores examines provides
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SYNONYMS = [
    (re.compile(r"\bm?trps?\b", re.I), "trigger point"),
    (re.compile(r"\bmyofascial trigger points?\b", re.I), "trigger point myofascial"),
    (re.compile(r"\bsensitis", re.I), "sensitiz"),
    (re.compile(r"\bmyalgia\b", re.I), "muscle pain"),
    (re.compile(r"\blbp\b", re.I), "low back pain"),
    (re.compile(r"\bknots?\b", re.I), "nodule"),
]
_WORD = re.compile(r"[a-z][a-z0-9\-]*[a-z0-9]|[a-z]")


_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """One stemmer per thread: snowball stemmers keep state and break when shared
    between the threads of a task runner."""
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer


def terms(text: str) -> list[str]:
    """Stemmed content words, in order (duplicates kept, as BM25 wants)."""
    text = text.lower()
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    words = [w for part in _WORD.findall(text) for w in part.split("-") if w]
    return _stemmer().stemWords([w for w in words if w not in STOPWORDS and len(w) > 1])


@dataclass(frozen=True)
class SourceText:
    """The text of one source that a claim can be judged from."""

    ref: str
    sentences: tuple[str, ...]
    kind: str | None = None  # registry type: journal-article, review, book...

    @property
    def has_text(self) -> bool:
        return bool(self.sentences)


def source_text(ref: str, title: str | None, abstract: str | None, kind: str | None) -> SourceText:
    """A source's sentences: its title first (it names the design), then the abstract."""
    sentences = [title.strip()] if title and abstract else []
    if abstract:
        sentences.extend(split_sentences(abstract))
    return SourceText(ref=ref, sentences=tuple(sentences), kind=kind)


@dataclass(frozen=True)
class Ranked:
    ref: str
    sentence: str
    bm25: float
    coverage: float  # share of the claim's content words found in the sentence


def rank_sentences(claim: str, sources: list[SourceText], top: int = 3) -> list[Ranked]:
    """The sentences of these sources most relevant to the claim, best first."""
    pool = [(s.ref, sentence) for s in sources for sentence in s.sentences]
    if not pool:
        return []
    query = terms(claim)
    corpus = [terms(sentence) for _, sentence in pool]
    scores = (
        BM25Okapi([c or ["_"] for c in corpus]).get_scores(query) if query else [0.0] * len(pool)
    )
    wanted = set(query)
    ranked = [
        Ranked(ref, sentence, float(score), len(wanted & set(doc)) / len(wanted) if wanted else 0.0)
        for (ref, sentence), doc, score in zip(pool, corpus, scores, strict=True)
    ]
    ranked.sort(key=lambda r: (-(r.coverage + r.bm25 / 20), r.ref))
    return [r for r in ranked if r.coverage > 0][:top]
