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
from functools import lru_cache

import Stemmer
from rank_bm25 import BM25Okapi

from citeaudit.models import Evidence
from citeaudit.reading.sentences import split_sentences

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


def _stemmer() -> Stemmer.Stemmer:
    """One stemmer per thread: a Snowball stemmer keeps state and must not be shared
    between the threads of a task runner."""
    if not hasattr(_local, "stemmer"):
        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """A vocabulary is small, so each word is stemmed once."""
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=50_000)
def _terms(text: str) -> tuple[str, ...]:
    text = text.lower()
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    words = [w for part in _WORD.findall(text) for w in part.split("-") if w]
    return tuple(_stem(w) for w in words if w not in STOPWORDS and len(w) > 1)


def terms(text: str) -> list[str]:
    """Stemmed content words, in order (duplicates kept, as BM25 wants). Cached: a
    source's sentences are compared with every claim of an article."""
    return list(_terms(text))


@dataclass(frozen=True)
class SourceText:
    """The text of one source that a claim can be judged from."""

    ref: str
    sentences: tuple[str, ...]
    kind: str | None = None  # registry type: journal-article, review, book...
    # Where the abstract came from (crossref, openalex, europepmc); the first sentence is
    # the title when `has_title`.
    text_source: str | None = None
    has_title: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.sentences)

    def origin(self, index: int) -> str | None:
        """Which text sentence `index` was taken from: the title or the abstract's source."""
        return "title" if self.has_title and index == 0 else self.text_source


def source_text(
    ref: str,
    title: str | None,
    abstract: str | None,
    kind: str | None,
    text_source: str | None = None,
) -> SourceText:
    """A source's sentences: its title first (it names the design), then the abstract.

    A title alone is not text to judge from: it names a topic, not a finding, so a
    source without an abstract stays `unverifiable`.
    """
    sentences = [title.strip()] if title and abstract else []
    if abstract:
        sentences.extend(split_sentences(abstract))
    return SourceText(
        ref=ref,
        sentences=tuple(sentences),
        kind=kind,
        text_source=short_origin(text_source) if abstract else None,
        has_title=bool(title and abstract),
    )


def short_origin(text_source: str | None) -> str | None:
    """A registry name as is; for a text taken from a page (snapshots built from stored
    pages describe where at length), the page's address alone."""
    if not text_source:
        return None
    first = text_source.split()[0]
    return first if first.startswith(("http://", "https://")) else text_source.split()[0][:40]


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


def matched_words(claim: str, sentence: str) -> list[str]:
    """The words of `sentence` that match the claim's content words (same stem, or a
    synonym folded by `terms`), in the sentence's order, each once: what the report
    highlights, so an editor sees at a glance why this sentence was picked."""
    wanted = set(terms(claim))
    found: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]", sentence):
        if word.lower() in STOPWORDS or word in found:
            continue
        if set(terms(word)) & wanted:
            found.append(word)
    return found


def evidence_for(claim: str, source: SourceText, top: int = 3) -> list[Evidence]:
    """The source's sentences that bear most on the claim, best first, with the words
    that matched and which text each came from."""
    index = {sentence: i for i, sentence in reversed(list(enumerate(source.sentences)))}
    return [
        Evidence(
            r.ref,
            r.sentence,
            round(r.coverage, 2),
            matched=matched_words(claim, r.sentence),
            text_source=source.origin(index.get(r.sentence, -1)),
        )
        for r in rank_sentences(claim, [source], top=top)
    ]
