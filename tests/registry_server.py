"""A local stand-in for the Crossref, OpenAlex and doi.org APIs, answering from recorded data.

Why this exists: citeaudit talks to Crossref (through ``habanero``/``httpx2``), OpenAlex (through
``pyalex``/``requests``) and the doi.org handle API, and the test machines have no internet.
Mocking the clients would test our assumptions about them instead of the clients themselves, so
the tests run the *real* clients against this server, which answers with *recorded* registry
responses copied into ``tests/fixtures/registry`` (see ``tests/fixtures/PROVENANCE.md``).

What is recorded and what is made up:

* Every Crossref/OpenAlex work record served is a recorded one, except the files in
  ``fixtures/registry/constructed/`` (a retraction, which no recording contains) and records
  added at run time with :meth:`RegistryServer.add_crossref_work` / ``add_openalex_work``.
* Single-work answers for DOIs that have a recorded single-work file are served byte for byte.
* Search answers are *synthesised*: recorded records ranked by a small BM25 score, wrapped in the
  recorded envelope shape. The real registries rank differently; only the shape is faithful.
* Error bodies (Crossref 404 text, Crossref 504 HTML, OpenAlex 404 HTML, doi.org 404 HTML) are the
  recorded bodies. doi.org handle / "which RA" answers are synthesised in the documented shape.

Usage::

    with RegistryServer() as srv:
        cr = habanero.Crossref(base_url=srv.crossref_url, mailto="test@example.org")
        cr.works(ids="10.1073/pnas.1414271111")

Run ``python tests/registry_server.py --port 8765`` to poke at it by hand.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import functools
import json
import math
import re
import socket
import struct
import threading
import time
import traceback
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self
from urllib.parse import parse_qs, quote, unquote, unquote_plus

__all__ = [
    "CONSTRUCTED_NOTICE_DOI",
    "CONSTRUCTED_RETRACTED_DOI",
    "DEFAULT_REGISTERED_ELSEWHERE",
    "FIXTURE_DIR",
    "PRIORITY_BARE",
    "PRIORITY_LIST",
    "PRIORITY_PARTIAL",
    "PRIORITY_RUNTIME",
    "PRIORITY_SINGLE",
    "Corpus",
    "CorpusEntry",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "RegistryServer",
    "make_crossref_entry",
    "make_openalex_entry",
    "normalize_doi",
]

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "registry"
"""Root of the copied registry responses (``crossref/``, ``openalex/``, ``datacite/``,
``constructed/``)."""

DATACITE_NOT_FOUND = {
    "errors": [{"status": "404", "title": "The resource you are looking for doesn't exist."}]
}
"""DataCite's 404 answer, constructed in the JSON:API error shape its REST API documents."""


def pubmed_no_summary(pmid: str) -> dict[str, Any]:
    """E-utilities' esummary answer for a PMID it has no document for, constructed in the
    shape NCBI gives (a `result` entry with an `error`)."""
    return {
        "header": {"type": "esummary", "version": "0.3"},
        "result": {"uids": [pmid], pmid: {"uid": pmid, "error": "cannot get document summary"}},
    }


CONSTRUCTED_RETRACTED_DOI = "10.5555/citeaudit.2019.0042"
"""The constructed retracted article (Crossref ``updated-by`` retraction, OpenAlex is_retracted)."""

CONSTRUCTED_NOTICE_DOI = "10.5555/notice.retraction"
"""The constructed retraction notice that ``update-to``-points at the retracted article."""

DEFAULT_REGISTERED_ELSEWHERE: frozenset[str] = frozenset({"10.48550/arxiv.2312.07559"})
"""DOIs that exist at doi.org but not at Crossref: the recorded Crossref 404 for this arXiv
(DataCite) DOI is ``crossref_404_works_10.48550_arxiv.2312.07559.txt``."""

# Prefixes of DOIs that DataCite (not Crossref) registers; only used to answer /ra/ plausibly.
_DATACITE_PREFIXES = frozenset({"10.48550", "10.5281", "10.6084", "10.5061", "10.17632", "10.7910"})

FaultKind = Literal["status", "reset", "timeout", "malformed"]
Service = Literal["crossref", "openalex", "doi"]

_DOI_URL_RE = re.compile(r"^(?:https?:/+)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_OPENALEX_ID_RE = re.compile(r"^(?:https?:/+openalex\.org/)?(W\d+)$", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Function words that would otherwise make every English query "hit" every record; dropping them
# keeps nonsense queries at zero hits, which is what tests of "no match" need.
# fmt: off
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which",
    "with", "via", "into", "than", "not", "no",
})
# fmt: on


def _read_bytes(relative: str) -> bytes:
    """Read a fixture file; bodies are served as recorded, so keep them as bytes."""
    return (FIXTURE_DIR / relative).read_bytes()


CROSSREF_404_BODY = _read_bytes("crossref/crossref_404_works_10.1371_notarealdoi.txt")
CROSSREF_504_BODY = _read_bytes("crossref/crossref_504_gateway_timeout.html")
CROSSREF_400_SAMPLE_BODY = _read_bytes("crossref/crossref_400_sample_too_large.json")
OPENALEX_404_BODY = _read_bytes("openalex/openalex_404_work_not_found.html")
DOI_ORG_404_BODY = _read_bytes("crossref/doi_org_404_10.1126_foo.html")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def normalize_doi(value: str) -> str:
    """Lower-case a DOI and strip ``https://doi.org/`` / ``doi:`` so lookups match any spelling.

    DOIs are case-insensitive by definition, and clients send them in every spelling.
    """
    value = value.strip()
    value = _DOI_URL_RE.sub("", value)
    if value[:4].lower() == "doi:":
        value = value[4:]
    return value.lower()


def _tokens(text: str) -> list[str]:
    """Split text into lower-case ASCII word tokens, folding accents and dropping JATS tags.

    Accent folding lets "Müller" in a reference match "Muller" in a record and vice versa.
    """
    text = _TAG_RE.sub(" ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return [t for t in _TOKEN_RE.findall(text) if t not in _STOPWORDS]


def _as_list(value: Any) -> list[Any]:
    """Crossref stores most text fields as lists; treat scalars and None uniformly."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _year_of_crossref(record: dict[str, Any]) -> str:
    """Return the first publication year found, as a string token source ("" when unknown)."""
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (record.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0] is not None:
            return str(parts[0][0])
    return ""


def _date_parts_of_crossref(record: dict[str, Any]) -> tuple[int, int, int] | None:
    """Return the publication date as a sortable tuple, for the pub-date filters."""
    for key in ("published", "issued", "published-print", "published-online"):
        parts = (record.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0] is not None:
            p = [int(x) for x in parts[0] if x is not None]
            while len(p) < 3:
                p.append(1)
            return (p[0], p[1], p[2])
    return None


def _crossref_fields(record: dict[str, Any]) -> dict[str, list[str]]:
    """Tokenize the Crossref fields that field queries (query.title, query.author, ...) search."""
    title = " ".join(str(t) for key in ("title", "subtitle") for t in _as_list(record.get(key)))
    authors: list[str] = []
    for person in _as_list(record.get("author")) + _as_list(record.get("editor")):
        if isinstance(person, dict):
            authors.extend(str(person.get(k, "")) for k in ("family", "given", "name"))
    container = " ".join(
        str(t)
        for key in ("container-title", "short-container-title")
        for t in _as_list(record.get(key))
    )
    return {
        "title": _tokens(title),
        "author": _tokens(" ".join(authors)),
        "container": _tokens(container),
        "year": _tokens(_year_of_crossref(record)),
    }


def _openalex_fields(work: dict[str, Any]) -> dict[str, list[str]]:
    """Tokenize the OpenAlex fields used for ``search=`` and ``*.search`` filters."""
    title = str(work.get("title") or work.get("display_name") or "")
    authors: list[str] = []
    for authorship in _as_list(work.get("authorships")):
        if isinstance(authorship, dict):
            authors.append(str((authorship.get("author") or {}).get("display_name") or ""))
            authors.append(str(authorship.get("raw_author_name") or ""))
    source = ((work.get("primary_location") or {}).get("source") or {}).get("display_name") or ""
    abstract = " ".join((work.get("abstract_inverted_index") or {}).keys())
    year = work.get("publication_year")
    return {
        "title": _tokens(title),
        "author": _tokens(" ".join(authors)),
        "container": _tokens(str(source)),
        "year": _tokens(str(year) if year else ""),
        "abstract": _tokens(abstract),
    }


def _bm25(query: list[str], docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> list[float]:
    """Score each doc against the query with BM25 (non-negative IDF variant).

    Why BM25: it is the simplest ranking that rewards rare matching words (a surname, a distinctive
    title word) over common ones, which is roughly what Crossref/OpenAlex relevance does.
    """
    terms = list(dict.fromkeys(query))
    if not terms or not docs:
        return [0.0] * len(docs)
    n_docs = len(docs)
    avg_len = sum(len(d) for d in docs) / n_docs or 1.0
    doc_freq = collections.Counter(t for d in docs for t in set(d) if t in terms)
    scores: list[float] = []
    for doc in docs:
        counts = collections.Counter(doc)
        score = 0.0
        for term in terms:
            tf = counts.get(term, 0)
            if not tf:
                continue
            n = doc_freq[term]
            idf = math.log(1.0 + (n_docs - n + 0.5) / (n + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avg_len))
        scores.append(score)
    return scores


def _select(record: dict[str, Any], select: str | None) -> dict[str, Any]:
    """Apply a ``select=a,b`` projection, as both APIs do for their ``select`` parameter."""
    if not select:
        return record
    wanted = [s.strip() for s in select.split(",") if s.strip()]
    return {k: record[k] for k in wanted if k in record}


def _int_param(value: str | None, default: int) -> int:
    """Parse an integer query parameter, tolerating absence (the clients omit defaults)."""
    if value is None or value == "":
        return default
    return int(value)


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------

# Priorities decide which record wins when one DOI appears in several fixtures.
PRIORITY_RUNTIME = 50  # added by a test: the test knows best
PRIORITY_SINGLE = 40  # full single-work answer (/works/{doi})
PRIORITY_BARE = 30  # full work without envelope (refchecker cache) or constructed
PRIORITY_LIST = 20  # item of a list answer: full record, but answer may be trimmed
PRIORITY_PARTIAL = 10  # record from a select= answer: only some fields


@dataclass(frozen=True)
class CorpusEntry:
    """One work record plus what the server needs to serve and rank it.

    ``raw`` keeps the recorded single-work body so lookups can be answered byte for byte.
    """

    key: str
    record: dict[str, Any]
    priority: int
    source: str
    fields: dict[str, list[str]]
    raw: bytes | None = None

    @property
    def partial(self) -> bool:
        """True for records that came from a ``select=`` answer (not the full record)."""
        return self.priority <= PRIORITY_PARTIAL


class Corpus:
    """Work records keyed by lower-cased DOI (or OpenAlex id when a work has no DOI)."""

    def __init__(self, entries: Iterable[CorpusEntry] = ()) -> None:
        self._entries: dict[str, CorpusEntry] = {}
        self._lock = threading.Lock()
        for entry in entries:
            self.add(entry)

    def add(self, entry: CorpusEntry) -> None:
        """Keep the best record per key: higher priority wins, then the record with more fields."""
        with self._lock:
            current = self._entries.get(entry.key)
            if current is None or (entry.priority, len(entry.record)) >= (
                current.priority,
                len(current.record),
            ):
                self._entries[entry.key] = entry

    def get(self, key: str) -> CorpusEntry | None:
        """Look up by normalized key."""
        with self._lock:
            return self._entries.get(key)

    def entries(self) -> list[CorpusEntry]:
        """Snapshot of all entries in insertion order (stable ranking ties)."""
        with self._lock:
            return list(self._entries.values())

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def make_crossref_entry(
    record: dict[str, Any], priority: int, source: str, raw: bytes | None = None
) -> CorpusEntry | None:
    """Wrap a Crossref work message; records without a DOI cannot be looked up and are skipped."""
    doi = record.get("DOI")
    if not isinstance(doi, str) or not doi:
        return None
    if PRIORITY_PARTIAL < priority < PRIORITY_RUNTIME and "type" not in record:
        priority = PRIORITY_PARTIAL  # a select= answer (no "type"): never prefer it
    return CorpusEntry(normalize_doi(doi), record, priority, source, _crossref_fields(record), raw)


def _openalex_key(work: dict[str, Any]) -> str | None:
    """Key OpenAlex works by DOI, falling back to the OpenAlex id for DOI-less works (books)."""
    doi = work.get("doi")
    if isinstance(doi, str) and doi:
        return normalize_doi(doi)
    work_id = work.get("id")
    if isinstance(work_id, str):
        match = _OPENALEX_ID_RE.match(work_id)
        if match:
            return match.group(1).upper()
    return None


def make_openalex_entry(
    work: dict[str, Any], priority: int, source: str, raw: bytes | None = None
) -> CorpusEntry | None:
    """Wrap an OpenAlex work; works without "id" come from select= answers and are partial."""
    key = _openalex_key(work)
    if key is None:
        return None
    if priority >= PRIORITY_RUNTIME:
        pass  # whatever a test adds is served as given
    elif "id" not in work:
        priority = min(priority, PRIORITY_PARTIAL)
    elif "is_retracted" not in work and priority > PRIORITY_LIST:
        priority = PRIORITY_LIST  # trimmed (select=) list item such as the refchecker cache
    return CorpusEntry(key, work, priority, source, _openalex_fields(work), raw)


def _load_json_with_provenance(path: Path) -> tuple[Any, bytes]:
    """Load a fixture; drop the ``_provenance`` annotation of constructed files before serving."""
    raw = path.read_bytes()
    data = json.loads(raw)
    if isinstance(data, dict) and "_provenance" in data:
        data = {k: v for k, v in data.items() if k != "_provenance"}
        raw = b""  # the file bytes contain the annotation: serve a re-serialised copy instead
    return data, raw


@functools.cache
@functools.cache
def _datacite_records() -> dict[str, bytes]:
    """Recorded DataCite REST answers (``GET /dois/{doi}``), by DOI, served byte for byte."""
    records = {}
    for path in sorted((FIXTURE_DIR / "datacite").glob("*.json")):
        raw = path.read_bytes()
        records[normalize_doi(json.loads(raw)["data"]["attributes"]["doi"])] = raw
    return records


@functools.cache
def _pubmed_summaries() -> dict[str, bytes]:
    """Recorded esummary answers (``db=pubmed&retmode=json``), by PMID, served byte for byte."""
    summaries = {}
    for path in sorted((FIXTURE_DIR / "pubmed").glob("esummary_*.json")):
        raw = path.read_bytes()
        for pmid in json.loads(raw)["result"]["uids"]:
            summaries[str(pmid)] = raw
    return summaries


def _fixture_entries() -> tuple[tuple[CorpusEntry, ...], tuple[CorpusEntry, ...]]:
    """Parse every fixture once per process: the files are ~1.7 MB and tests start many servers."""
    crossref: list[CorpusEntry] = []
    openalex: list[CorpusEntry] = []
    files = sorted((FIXTURE_DIR / "crossref").glob("*.json")) + sorted(
        (FIXTURE_DIR / "openalex").glob("*.json")
    )
    files += sorted((FIXTURE_DIR / "constructed").glob("constructed_*.json"))
    for path in files:
        data, raw = _load_json_with_provenance(path)
        name = f"{path.parent.name}/{path.name}"
        is_openalex = path.parent.name == "openalex" or "openalex" in path.name
        new: list[CorpusEntry | None] = []
        if is_openalex:
            if isinstance(data, list):
                new = [make_openalex_entry(w, PRIORITY_LIST, name) for w in data]
            elif "results" in data:
                new = [make_openalex_entry(w, PRIORITY_LIST, name) for w in data["results"]]
            elif isinstance(data, dict):
                new = [make_openalex_entry(data, PRIORITY_SINGLE, name, raw or None)]
            openalex.extend(e for e in new if e is not None)
            continue
        if not isinstance(data, dict):
            continue
        message = data.get("message")
        if data.get("message-type") == "work" and isinstance(message, dict):
            priority = PRIORITY_SINGLE if raw else PRIORITY_BARE
            new = [make_crossref_entry(message, priority, name, raw or None)]
        elif data.get("message-type") == "work-list" and isinstance(message, dict):
            new = [make_crossref_entry(item, PRIORITY_LIST, name) for item in message["items"]]
        elif "DOI" in data and "message" not in data:
            new = [make_crossref_entry(data, PRIORITY_BARE, name)]  # refchecker's bare message
        crossref.extend(e for e in new if e is not None)
    return tuple(crossref), tuple(openalex)


# --------------------------------------------------------------------------------------------
# Synthetic works, for throughput benchmarks
# --------------------------------------------------------------------------------------------

SYNTHETIC_PREFIX = "10.5555/bench."
"""DOIs ``10.5555/bench.<n>`` are served by a server started with ``synthetic=True``."""

_SYNTHETIC_TEMPLATE_DOI = "10.1073/pnas.1414271111"  # recorded in both Crossref and OpenAlex
_SYNTHETIC_LABEL = "constructed benchmark work"


def synthetic_number(doi: str) -> int | None:
    """``n`` for a synthetic DOI ``10.5555/bench.<n>``, else None."""
    key = normalize_doi(doi)
    if not key.startswith(SYNTHETIC_PREFIX):
        return None
    tail = key[len(SYNTHETIC_PREFIX) :]
    return int(tail) if tail.isdigit() else None


@functools.cache
def _synthetic_templates() -> tuple[dict[str, Any], dict[str, Any]]:
    crossref, openalex = _fixture_entries()
    cr = next(e.record for e in crossref if e.key == _SYNTHETIC_TEMPLATE_DOI)
    oa = next(e.record for e in openalex if e.key == _SYNTHETIC_TEMPLATE_DOI)
    return cr, oa


def synthetic_crossref_record(n: int) -> dict[str, Any]:
    """A *constructed* Crossref work: the recorded PNAS record with its own DOI and title.

    Labelled as constructed in ``source`` and in its title, so nobody mistakes it for a
    registry answer; only the shape and size are real.
    """
    template, _ = _synthetic_templates()
    record = dict(template)  # shallow: only top-level fields change
    title = f"{template['title'][0]} ({_SYNTHETIC_LABEL} {n})"
    doi = f"{SYNTHETIC_PREFIX}{n}"
    record.update(
        {
            "DOI": doi,
            "title": [title],
            "URL": f"https://doi.org/{doi}",
            "source": "citeaudit benchmark (constructed)",
            "prefix": "10.5555",
        }
    )
    return record


def synthetic_openalex_record(n: int) -> dict[str, Any]:
    """The OpenAlex counterpart of :func:`synthetic_crossref_record` (constructed too)."""
    _, template = _synthetic_templates()
    record = dict(template)
    title = f"{template.get('title') or template.get('display_name')} ({_SYNTHETIC_LABEL} {n})"
    doi = f"{SYNTHETIC_PREFIX}{n}"
    record.update(
        {
            "id": f"https://openalex.org/W9{n:010d}",
            "doi": f"https://doi.org/{doi}",
            "title": title,
            "display_name": title,
            "ids": {
                "openalex": f"https://openalex.org/W9{n:010d}",
                "doi": f"https://doi.org/{doi}",
            },
        }
    )
    return record


_NO_FIELDS: dict[str, list[str]] = {
    "title": [], "author": [], "container": [], "year": [], "abstract": [],
}  # fmt: skip


class _SyntheticCorpus(Corpus):
    """A corpus that also answers for every synthetic DOI, built on request (never stored,
    so a benchmark of 100,000 references does not grow the server)."""

    def __init__(self, entries: Iterable[CorpusEntry], kind: Literal["crossref", "openalex"]):
        super().__init__(entries)
        self.kind = kind

    def get(self, key: str) -> CorpusEntry | None:
        found = super().get(key)
        n = synthetic_number(key) if found is None else None
        if n is None:
            return found
        # No search fields: synthetic works are found by DOI only, and tokenizing them
        # would make the server, not the client, the bottleneck of a benchmark.
        if self.kind == "crossref":
            return CorpusEntry(normalize_doi(key), synthetic_crossref_record(n), PRIORITY_BARE,
                               "synthetic", _NO_FIELDS)  # fmt: skip
        return CorpusEntry(normalize_doi(key), synthetic_openalex_record(n), PRIORITY_BARE,
                           "synthetic", _NO_FIELDS)  # fmt: skip

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and synthetic_number(key) is not None:
            return True
        return super().__contains__(key)


def _doi_filter_values(filters: str) -> list[str] | None:
    """The DOIs of a Crossref ``filter=doi:A,doi:B`` (None when it names no DOI)."""
    values = [
        part.partition(":")[2].strip()
        for part in filters.split(",")
        if part.partition(":")[0].strip() == "doi"
    ]
    return values or None


# --------------------------------------------------------------------------------------------
# Requests, faults, responses
# --------------------------------------------------------------------------------------------


class RecordedRequest(NamedTuple):
    """What the server saw, for assertions such as "the mailto was in the User-Agent".

    ``path`` is the raw (still percent-encoded) path, ``query`` the raw query string and
    ``headers`` a dict with lower-cased names.
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    peer: str = ""  # the client's "host:port": requests on one kept-alive connection share it

    @property
    def params(self) -> dict[str, list[str]]:
        """The query string decoded like a normal web framework would."""
        return parse_qs(self.query, keep_blank_values=True)

    @property
    def service(self) -> str:
        """First path segment: "crossref", "openalex" or "doi"."""
        return self.path.lstrip("/").split("/", 1)[0]


@dataclass
class Fault:
    """An injected failure for requests whose path+query contains ``path_substring``."""

    path_substring: str
    kind: FaultKind = "status"
    status: int = 504
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    remaining: int | None = None
    delay: float = 0.0
    hits: int = 0


@dataclass
class Response:
    """An answer before it is written, so faults can rewrite it."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _json_response(data: Any, status: int = 200) -> Response:
    """Serialise like the registries do (compact, UTF-8, application/json)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json;charset=utf-8")


def _text_response(text: str | bytes, status: int, content_type: str) -> Response:
    """Wrap a recorded (or trivially constructed) non-JSON body."""
    body = text.encode("utf-8") if isinstance(text, str) else text
    return Response(status, body, content_type)


class _Reset(Exception):
    """Raised inside the handler to drop the connection without an answer."""


class _RateLimiter:
    """Per-service requests-per-second window and concurrency cap, for a throughput benchmark."""

    def __init__(self, rps: float | None, max_concurrent: int | None) -> None:
        self.rps = rps
        self.max_concurrent = max_concurrent
        self.in_flight = 0
        self.arrivals: collections.deque[float] = collections.deque()
        self.lock = threading.Lock()

    def try_enter(self) -> bool:
        """Admit the request unless it would exceed either limit (rejected ones do not count)."""
        now = time.monotonic()
        with self.lock:
            while self.arrivals and now - self.arrivals[0] >= 1.0:
                self.arrivals.popleft()
            if self.rps is not None and len(self.arrivals) >= self.rps:
                return False
            if self.max_concurrent is not None and self.in_flight >= self.max_concurrent:
                return False
            self.arrivals.append(now)
            self.in_flight += 1
            return True

    def leave(self) -> None:
        """Mark an admitted request as answered."""
        with self.lock:
            self.in_flight -= 1


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its RegistryServer and keeps client disconnects quiet."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the stdlib default (5) drops connections under a load benchmark

    def __init__(self, address: tuple[str, int], registry: RegistryServer) -> None:
        self.registry = registry
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or get reset on purpose are normal here, not errors to print."""


class RegistryServer:
    """Fake Crossref + OpenAlex + doi.org on 127.0.0.1, backed by recorded responses.

    Use as a context manager (``with RegistryServer() as srv:``) or call :meth:`start` /
    :meth:`stop`. Base URLs: :attr:`crossref_url`, :attr:`openalex_url`, :attr:`doi_url`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        rate_limits: dict[str, tuple[float | None, int | None]] | None = None,
        registered_elsewhere: Iterable[str] | None = None,
        load_fixtures: bool = True,
        synthetic: bool = False,
    ) -> None:
        """Prepare (but do not start) the server.

        Args:
            host: interface to bind; loopback so nothing outside the machine can reach it.
            port: 0 lets the OS pick a free port, so parallel test runs never collide.
            latency: seconds added to every answer, to make timing-dependent code observable.
            rate_limits: ``{"crossref": (requests_per_second, max_concurrent), ...}``; either
                value may be None. Requests over a limit get 429 and are counted in
                :attr:`limit_violations`.
            registered_elsewhere: DOIs that doi.org knows but neither corpus has (default:
                :data:`DEFAULT_REGISTERED_ELSEWHERE`).
            load_fixtures: False gives an empty corpus for tests that add their own records.
            synthetic: also answer for any DOI ``10.5555/bench.<n>`` with a constructed record
                (:func:`synthetic_crossref_record`), for throughput benchmarks.
        """
        self.host = host
        self.port = port
        self.latency = latency
        self.registered_elsewhere: set[str] = {
            normalize_doi(d)
            for d in (
                DEFAULT_REGISTERED_ELSEWHERE
                if registered_elsewhere is None
                else registered_elsewhere
            )
        }
        crossref_entries, openalex_entries = _fixture_entries() if load_fixtures else ((), ())
        if synthetic:
            self.crossref: Corpus = _SyntheticCorpus(crossref_entries, "crossref")
            self.openalex: Corpus = _SyntheticCorpus(openalex_entries, "openalex")
        else:
            self.crossref = Corpus(crossref_entries)
            self.openalex = Corpus(openalex_entries)
        # DataCite's records by DOI (the raw JSON bodies), for DOIs DataCite registers.
        self.datacite: dict[str, bytes] = dict(_datacite_records()) if load_fixtures else {}
        # PubMed document summaries (raw esummary JSON) by PMID.
        self.pubmed: dict[str, bytes] = dict(_pubmed_summaries()) if load_fixtures else {}
        self.requests: list[RecordedRequest] = []
        self.limit_violations: collections.Counter[str] = collections.Counter()
        self._rate_limiters: dict[str, _RateLimiter] = {
            service: _RateLimiter(rps, conc) for service, (rps, conc) in (rate_limits or {}).items()
        }
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve on a daemon thread (daemon: a forgotten server never hangs pytest)."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"RegistryServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake any request sleeping in a "timeout" fault."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (only meaningful once started)."""
        return f"http://{self.host}:{self.port}"

    @property
    def crossref_url(self) -> str:
        """Pass as ``habanero.Crossref(base_url=...)``; it replaces ``https://api.crossref.org``."""
        return f"{self.base_url}/crossref"

    @property
    def openalex_url(self) -> str:
        """Replaces ``https://api.openalex.org`` in pyalex-built URLs."""
        return f"{self.base_url}/openalex"

    @property
    def pubmed_url(self) -> str:
        """Replaces ``https://eutils.ncbi.nlm.nih.gov/entrez/eutils`` (``/esummary.fcgi``)."""
        return f"{self.base_url}/pubmed"

    @property
    def datacite_url(self) -> str:
        """Replaces ``https://api.datacite.org`` (records at ``/dois/{doi}``)."""
        return f"{self.base_url}/datacite"

    @property
    def doi_url(self) -> str:
        """Replaces ``https://doi.org`` (handle API at ``/api/handles/``, RA at ``/ra/``)."""
        return f"{self.base_url}/doi"

    # -- corpus ------------------------------------------------------------------------------

    def add_crossref_work(self, message: dict[str, Any]) -> str:
        """Add (or replace) a Crossref work message; returns its normalized DOI."""
        entry = make_crossref_entry(copy.deepcopy(message), PRIORITY_RUNTIME, "runtime")
        if entry is None:
            raise ValueError("a Crossref work message needs a 'DOI'")
        self.crossref.add(entry)
        return entry.key

    def add_openalex_work(self, work: dict[str, Any]) -> str:
        """Add (or replace) an OpenAlex work; returns its key (normalized DOI or W-id)."""
        entry = make_openalex_entry(copy.deepcopy(work), PRIORITY_RUNTIME, "runtime")
        if entry is None:
            raise ValueError("an OpenAlex work needs a 'doi' or an 'id'")
        self.openalex.add(entry)
        return entry.key

    def crossref_record(self, doi: str) -> dict[str, Any] | None:
        """The Crossref work message the server would serve for ``doi`` (a copy), or None."""
        entry = self.crossref.get(normalize_doi(doi))
        return copy.deepcopy(entry.record) if entry else None

    def openalex_record(self, doi_or_id: str) -> dict[str, Any] | None:
        """The OpenAlex work the server would serve (a copy), or None."""
        entry = self._openalex_lookup(doi_or_id)
        return copy.deepcopy(entry.record) if entry else None

    def crossref_dois(self) -> list[str]:
        """All DOIs the fake Crossref knows, normalized."""
        return [e.key for e in self.crossref.entries()]

    def openalex_keys(self) -> list[str]:
        """All keys the fake OpenAlex knows (normalized DOIs, or W-ids for DOI-less works)."""
        return [e.key for e in self.openalex.entries()]

    def is_registered(self, doi: str) -> bool:
        """Whether doi.org would resolve ``doi`` in this fake world."""
        key = normalize_doi(doi)
        return (
            key in self.crossref
            or key in self.openalex
            or key in self.datacite
            or key in self.registered_elsewhere
        )

    def registration_agency(self, doi: str) -> str | None:
        """ "Crossref"/"DataCite" for a registered DOI, else None (drives /ra/ and /agency)."""
        key = normalize_doi(doi)
        if key in self.crossref:
            return "Crossref"
        if not self.is_registered(key):
            return None
        if (
            key in self.datacite
            or key in self.registered_elsewhere
            or key.split("/", 1)[0] in _DATACITE_PREFIXES
        ):
            return "DataCite"
        return "Crossref"

    # -- faults ------------------------------------------------------------------------------

    def add_fault(
        self,
        path_substring: str,
        status: int = 504,
        body: bytes | str | None = None,
        content_type: str | None = None,
        times: int | None = None,
        *,
        kind: FaultKind = "status",
        headers: dict[str, str] | None = None,
        delay: float = 5.0,
    ) -> Fault:
        """Make requests whose path (+query) contains ``path_substring`` misbehave.

        Args:
            path_substring: matched against the raw and the percent-decoded ``path?query``.
            status: HTTP status for kind "status".
            body: answer body; default is the recorded Crossref 504 HTML for 5xx, the service's
                recorded 404 body for 404, a short text otherwise.
            content_type: defaults to text/html for the recorded HTML, text/plain otherwise.
            times: None = every matching request; N = only the next N matching requests.
            kind: "status" (answer ``status``), "reset" (close the connection without a byte),
                "timeout" (sleep ``delay`` seconds, then answer normally), "malformed" (200 with
                truncated JSON).
            headers: extra response headers, e.g. ``{"Retry-After": "2"}`` for a 429.
            delay: seconds to sleep for kind "timeout".

        Returns the Fault; its ``hits`` counts how often it fired.
        """
        if kind not in ("status", "reset", "timeout", "malformed"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(
            path_substring=path_substring,
            kind=kind,
            status=status,
            body=body.encode("utf-8") if isinstance(body, str) else body,
            content_type=content_type,
            headers=dict(headers or {}),
            remaining=times,
            delay=delay,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, target: str) -> Fault | None:
        """Return the first matching fault, consuming one use of a ``times=N`` fault."""
        decoded = unquote(target)
        with self._lock:
            for fault in self._faults:
                if fault.remaining is not None and fault.remaining <= 0:
                    continue
                if fault.path_substring in target or fault.path_substring in decoded:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    fault.hits += 1
                    return fault
        return None

    # -- request bookkeeping -----------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Requests per service and requests refused for going over a limit (``GET /_stats``)."""
        with self._lock:
            asked = collections.Counter(r.service for r in self.requests)
            return {"requests": dict(asked), "limit_violations": dict(self.limit_violations)}

    def requests_for(self, service: str) -> list[RecordedRequest]:
        """Recorded requests to one service ("crossref", "openalex" or "doi")."""
        with self._lock:
            return [r for r in self.requests if r.service == service]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server stops so shutdown never waits on a fault."""
        if seconds > 0:
            self._stopping.wait(seconds)

    # -- dispatch ----------------------------------------------------------------------------

    def _handle(
        self, method: str, target: str, headers: dict[str, str], peer: str = ""
    ) -> Response:
        """Route one request through rate limits, latency and faults to a registry handler."""
        raw_path, _, query = target.partition("?")
        if raw_path == "/_stats":  # for a benchmark running the server in another process
            return _json_response(self.stats())
        self._record(RecordedRequest(method, raw_path, query, headers, peer))
        service = raw_path.lstrip("/").split("/", 1)[0]
        limiter = self._rate_limiters.get(service)
        if limiter is not None and not limiter.try_enter():
            with self._lock:
                self.limit_violations[service] += 1
            return Response(429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
        try:
            self._sleep(self.latency)
            fault = self._take_fault(target)
            if fault is not None and fault.kind == "reset":
                raise _Reset
            if fault is not None and fault.kind == "timeout":
                self._sleep(fault.delay)
            if fault is not None and fault.kind == "status":
                return self._fault_response(fault, service)
            if method not in ("GET", "HEAD"):
                return _text_response("Method not allowed.", 405, "text/plain")
            response = self._route(service, raw_path, query)
            if fault is not None and fault.kind == "malformed":
                body = (
                    response.body if response.content_type.startswith("application/json") else b""
                )
                if len(body) < 8:
                    body = b'{"status":"ok","message-type":"work","message":{"DOI":"10.'
                response = Response(200, body[: max(1, len(body) // 2)], "application/json")
            if limiter is not None and limiter.rps is not None:
                response.headers.setdefault("X-Rate-Limit-Limit", str(int(limiter.rps)))
                response.headers.setdefault("X-Rate-Limit-Interval", "1s")
            return response
        finally:
            if limiter is not None:
                limiter.leave()

    def _fault_response(self, fault: Fault, service: str) -> Response:
        """Build the answer of a "status" fault, defaulting to recorded error bodies."""
        body, ctype = fault.body, fault.content_type
        if body is None:
            if fault.status >= 500:
                body, ctype = CROSSREF_504_BODY, ctype or "text/html"
            elif fault.status == 404:
                recorded = self._not_found(service)
                body, ctype = recorded.body, ctype or recorded.content_type
            else:
                try:
                    phrase = HTTPStatus(fault.status).phrase
                except ValueError:
                    phrase = "Error"
                body = phrase.encode()
        return Response(fault.status, body, ctype or "text/plain", dict(fault.headers))

    def _not_found(self, service: str) -> Response:
        """Each registry's recorded 404 body."""
        if service == "crossref":
            return _text_response(CROSSREF_404_BODY, 404, "text/plain")
        if service == "openalex":
            return _text_response(OPENALEX_404_BODY, 404, "text/html; charset=utf-8")
        if service == "doi":
            return _text_response(DOI_ORG_404_BODY, 404, "text/html;charset=utf-8")
        if service == "datacite":
            return _json_response(DATACITE_NOT_FOUND, status=404)
        return _text_response("Not Found", 404, "text/plain")

    def _route(self, service: str, raw_path: str, query: str) -> Response:
        """Pick the registry handler by the first path segment."""
        rest = raw_path.lstrip("/").split("/", 1)
        sub = rest[1] if len(rest) > 1 else ""
        if service == "crossref":
            return self._crossref(sub, query)
        if service == "openalex":
            return self._openalex(sub, query)
        if service == "doi":
            return self._doi(sub, query)
        if service == "datacite":
            return self._datacite(sub)
        if service == "pubmed":
            return self._pubmed(sub, query)
        return self._not_found(service)

    def _pubmed(self, sub: str, query: str) -> Response:
        """``/esummary.fcgi?db=pubmed&id={pmid}&retmode=json``: the recorded summary."""
        params = parse_qs(query)
        if sub.strip("/") != "esummary.fcgi" or params.get("db") != ["pubmed"]:
            return self._not_found("pubmed")
        pmid = (params.get("id") or [""])[0]
        body = self.pubmed.get(pmid)
        if body is None:
            return _json_response(pubmed_no_summary(pmid))
        return Response(200, body, "application/json; charset=UTF-8")

    def _datacite(self, sub: str) -> Response:
        """``/dois/{doi}``: the recorded DataCite answer, or DataCite's 404."""
        if sub.startswith("dois/"):
            body = self.datacite.get(normalize_doi(unquote(sub[len("dois/") :])))
            if body is not None:
                return Response(200, body, "application/json; charset=utf-8")
        return self._not_found("datacite")

    # -- Crossref ----------------------------------------------------------------------------

    def _crossref(self, sub: str, query: str) -> Response:
        """``/works/{doi}``, ``/works/{doi}/agency`` and ``/works?query...``."""
        sub = sub.strip("/")
        if sub == "works":
            return self._crossref_search(query)
        if not sub.startswith("works/"):
            return self._not_found("crossref")
        doi_part = sub[len("works/") :]
        entry = self._lookup_raw_doi(self.crossref, doi_part)
        if entry is None and doi_part.endswith("/agency"):
            doi = unquote(doi_part[: -len("/agency")])
            agency = self.registration_agency(doi)
            if agency is None:
                return self._not_found("crossref")
            return _json_response(
                {
                    "status": "ok",
                    "message-type": "work-agency",
                    "message-version": "1.0.0",
                    "message": {
                        "DOI": doi.lower(),
                        "agency": {"id": agency.lower(), "label": agency},
                    },
                }
            )
        if entry is None:
            return self._not_found("crossref")
        params = parse_qs(query)
        if entry.raw and "select" not in params:
            return Response(200, entry.raw, "application/json")
        message = _select(entry.record, params.get("select", [None])[0])
        return _json_response(
            {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
        )

    @staticmethod
    def _lookup_raw_doi(corpus: Corpus, raw: str) -> CorpusEntry | None:
        """Find a DOI given as it appeared in a path: try plain, then '+'-as-space decoding.

        pyalex uses ``quote_plus`` (so '+' inside a DOI arrives as %2B) while other clients send
        a literal '+', so both decodings are tried.
        """
        for candidate in (unquote(raw), unquote_plus(raw)):
            entry = corpus.get(normalize_doi(candidate))
            if entry is not None:
                return entry
        return None

    def _crossref_search(self, query: str) -> Response:
        """Answer ``/works?...`` like Crossref: filters, field queries, rows/offset, cursor."""
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if "sample" in params and params["sample"].isdigit() and int(params["sample"]) > 100:
            # the recorded 400 body is exactly the answer to an oversized sample
            return Response(400, CROSSREF_400_SAMPLE_BODY, "application/json")
        try:
            rows = _int_param(params.get("rows"), 20)
            offset = _int_param(params.get("offset"), 0)
        except ValueError as exc:
            return self._crossref_validation_error("integer-not-valid", str(exc), "rows")
        if rows > 1000:
            return self._crossref_validation_error(
                "integer-not-valid",
                f"Integer specified as {rows} but must be a positive integer less than or equal "
                "to 1000. ",
                str(rows),
            )
        cursor = params.get("cursor")
        if cursor is not None:
            offset = 0 if cursor == "*" else _int_param(cursor.rpartition("-")[2], 0)

        filters = params.get("filter")
        dois = _doi_filter_values(filters) if filters else None
        if dois is not None:  # look the DOIs up (as an index would) instead of scanning
            found = (self.crossref.get(normalize_doi(d)) for d in dict.fromkeys(dois))
            entries = list({e.key: e for e in found if e is not None}.values())
        else:
            entries = self.crossref.entries()
        if filters:
            try:
                entries = [e for e in entries if self._crossref_filter_match(e, filters)]
            except KeyError as exc:
                name = exc.args[0]
                return self._crossref_validation_error(
                    "filter-not-available",
                    f"Filter {name} specified but there is no such filter for this route. Valid "
                    "filters for this route are: doi, type, prefix, member, has-abstract, "
                    "from-pub-date, until-pub-date, updates, is-update, update-type",
                    name,
                )

        field_map = {
            "query": ("title", "author", "container", "year"),
            "query.bibliographic": ("title", "author", "container", "year"),
            "query.title": ("title",),
            "query.author": ("author",),
            "query.editor": ("author",),
            "query.contributor": ("author",),
            "query.container-title": ("container",),
        }
        unknown = [k for k in params if k.startswith("query.") and k not in field_map]
        if unknown:
            return self._crossref_validation_error(
                "unknown-parameter",
                f"Parameter {unknown[0]} specified but is not supported.",
                unknown[0],
            )
        queries = {k: v for k, v in params.items() if k in field_map and v.strip()}
        if queries:
            totals = [0.0] * len(entries)
            for name, text in queries.items():
                docs = [[t for f in field_map[name] for t in e.fields[f]] for e in entries]
                for i, s in enumerate(_bm25(_tokens(text), docs)):
                    totals[i] += s
            ranked = sorted(
                ((s, i) for i, s in enumerate(totals) if s > 0), key=lambda p: (-p[0], p[1])
            )
            hits = [(entries[i], round(s, 6)) for s, i in ranked]
        else:
            hits = [(e, 1.0) for e in entries]

        page = hits[offset : offset + rows]
        items = []
        for entry, score in page:
            item = dict(entry.record)
            item["score"] = score
            items.append(_select(item, params.get("select")))
        message: dict[str, Any] = {
            "facets": {},
            "total-results": len(hits),
            "items": items,
            "items-per-page": rows,
            "query": {"start-index": offset, "search-terms": params.get("query") or None},
        }
        if cursor is not None:
            message = {"facets": {}, "next-cursor": f"citeaudit-offset-{offset + rows}", **message}
        return _json_response(
            {
                "status": "ok",
                "message-type": "work-list",
                "message-version": "1.0.0",
                "message": message,
            }
        )

    def _crossref_filter_match(self, entry: CorpusEntry, filters: str) -> bool:
        """Crossref filter semantics: repeated names are OR-ed, different names AND-ed."""
        wanted: dict[str, list[str]] = collections.defaultdict(list)
        for part in filters.split(","):
            name, _, value = part.partition(":")
            wanted[name.strip()].append(value.strip())
        record = entry.record
        for name, values in wanted.items():
            if name == "doi":
                ok = entry.key in {normalize_doi(v) for v in values}
            elif name == "type":
                ok = record.get("type") in values
            elif name == "prefix":
                ok = entry.key.split("/", 1)[0] in {v.lower() for v in values}
            elif name == "member":
                ok = str(record.get("member")) in values
            elif name == "has-abstract":
                ok = any((v == "true") == bool(record.get("abstract")) for v in values)
            elif name in ("from-pub-date", "until-pub-date"):
                date = _date_parts_of_crossref(record)
                bound = tuple(int(x) for x in values[0].split("-"))
                ok = date is not None and (
                    date[: len(bound)] >= bound
                    if name == "from-pub-date"
                    else date[: len(bound)] <= bound
                )
            elif name == "updates":
                targets = {
                    normalize_doi(u.get("DOI", "")) for u in _as_list(record.get("update-to"))
                }
                ok = any(normalize_doi(v) in targets for v in values)
            elif name == "is-update":
                ok = any((v == "true") == bool(record.get("update-to")) for v in values)
            elif name == "update-type":
                kinds = {u.get("type") for u in _as_list(record.get("update-to"))}
                ok = any(v in kinds for v in values)
            else:
                raise KeyError(name)
            if not ok:
                return False
        return True

    @staticmethod
    def _crossref_validation_error(kind: str, message: str, value: str) -> Response:
        """Crossref's 400 shape, as in the recorded crossref_400_sample_too_large.json."""
        return _json_response(
            {
                "status": "failed",
                "message-type": "validation-failure",
                "message": [{"type": kind, "value": value, "message": message}],
            },
            status=400,
        )

    # -- OpenAlex ----------------------------------------------------------------------------

    def _openalex_lookup(self, raw_id: str) -> CorpusEntry | None:
        """Resolve any id form OpenAlex accepts: DOI URL, ``doi:`` DOI, bare DOI, W-id."""
        for candidate in (unquote(raw_id), unquote_plus(raw_id)):
            candidate = candidate.strip()
            match = _OPENALEX_ID_RE.match(candidate)
            if match:
                wid = f"https://openalex.org/{match.group(1).upper()}"
                for known in self.openalex.entries():
                    if str(known.record.get("id", "")).upper() == wid.upper():
                        return known
                continue
            entry = self.openalex.get(normalize_doi(candidate))
            if entry is not None:
                return entry
        return None

    def _openalex(self, sub: str, query: str) -> Response:
        """``/works/{id}`` and ``/works?filter=...&search=...``."""
        sub = sub.strip("/")
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if sub == "works":
            return self._openalex_search(query, params)
        if not sub.startswith("works/"):
            return self._not_found("openalex")
        entry = self._openalex_lookup(sub[len("works/") :])
        select = params.get("select")
        if entry is None:
            return self._not_found("openalex")
        if entry.partial:
            # A select= recording only answers the same (or a narrower) select.
            wanted = {s.strip() for s in (select or "").split(",") if s.strip()}
            if not wanted or not wanted <= set(entry.record):
                return self._not_found("openalex")
        if entry.raw and not select:
            return Response(200, entry.raw, "application/json")
        return _json_response(_select(entry.record, select))

    @staticmethod
    def _openalex_filters(raw_query: str) -> list[tuple[str, list[str]]]:
        """Split the *raw* ``filter=`` value: commas and colons inside values are %-encoded by
        pyalex (quote_plus), so splitting before decoding keeps values intact."""
        out: list[tuple[str, list[str]]] = []
        for pair in raw_query.split("&"):
            key, _, value = pair.partition("=")
            if unquote_plus(key) != "filter":
                continue
            for part in value.split(","):
                if not part:
                    continue
                name, _, raw_value = part.partition(":")
                alternatives = re.split(r"\||%7C", raw_value, flags=re.IGNORECASE)
                out.append((unquote_plus(name), [unquote_plus(v) for v in alternatives]))
        return out

    def _openalex_search(self, raw_query: str, params: dict[str, str]) -> Response:
        """List endpoint: AND across filters, OR within ``a|b``, BM25 for search terms."""
        try:
            per_page = _int_param(params.get("per-page", params.get("per_page")), 25)
            page = _int_param(params.get("page"), 1)
        except ValueError:
            return self._openalex_error("per-page and page must be integers")
        if not 1 <= per_page <= 200:
            return self._openalex_error("per-page must be between 1 and 200")
        doi_values = [v for n, vs in self._openalex_filters(raw_query) if n == "doi" for v in vs]
        if doi_values:  # look the DOIs up (as an index would) instead of scanning
            found = (self.openalex.get(normalize_doi(v)) for v in dict.fromkeys(doi_values))
            entries = [e for e in {e.key: e for e in found if e}.values() if not e.partial]
        else:
            entries = [e for e in self.openalex.entries() if not e.partial]
        searches: list[tuple[tuple[str, ...], str]] = []
        if params.get("search"):
            searches.append((("title", "author", "container", "year"), params["search"]))
        doi_order: list[str] = []
        for name, values in self._openalex_filters(raw_query):
            if name in ("title.search", "display_name.search"):
                searches.append((("title",), " ".join(values)))
            elif name in ("default.search", "fulltext.search"):
                searches.append((("title", "author", "container", "year"), " ".join(values)))
            elif name in ("title_and_abstract.search", "abstract.search"):
                searches.append((("title", "abstract"), " ".join(values)))
            elif name == "doi":
                wanted = [normalize_doi(v) for v in values]
                doi_order = wanted
                entries = [e for e in entries if e.key in set(wanted)]
            elif name in ("openalex", "openalex_id", "ids.openalex"):
                wanted_ids = {v.rsplit("/", 1)[-1].upper() for v in values}
                entries = [
                    e
                    for e in entries
                    if str(e.record.get("id", "")).rsplit("/", 1)[-1].upper() in wanted_ids
                ]
            elif name == "is_retracted":
                flags = {v.lower() == "true" for v in values}
                entries = [e for e in entries if bool(e.record.get("is_retracted")) in flags]
            elif name == "publication_year":
                years = set(values)
                entries = [e for e in entries if str(e.record.get("publication_year")) in years]
            elif name == "type":
                entries = [e for e in entries if e.record.get("type") in values]
            else:
                return self._openalex_error(
                    f"{name} is not a valid field. Valid fields are doi, title.search, "
                    "display_name.search, default.search, title_and_abstract.search, openalex, "
                    "is_retracted, publication_year, type."
                )
        scored: list[tuple[CorpusEntry, float | None]]
        if searches:
            totals = [0.0] * len(entries)
            for fields, text in searches:
                docs = [[t for f in fields for t in e.fields[f]] for e in entries]
                for i, s in enumerate(_bm25(_tokens(text), docs)):
                    totals[i] += s
            ranked = sorted(
                ((s, i) for i, s in enumerate(totals) if s > 0), key=lambda p: (-p[0], p[1])
            )
            scored = [(entries[i], round(s, 6)) for s, i in ranked]
        else:
            if doi_order:
                position = {doi: n for n, doi in enumerate(doi_order)}
                entries.sort(key=lambda e: position.get(e.key, len(position)))
            scored = [(e, None) for e in entries]

        cursor = params.get("cursor")
        start = (page - 1) * per_page
        if cursor is not None:
            start = 0 if cursor == "*" else _int_param(cursor.rpartition("-")[2], 0)
        window = scored[start : start + per_page]
        results = []
        for entry, score in window:
            work = dict(entry.record)
            if score is not None:
                work["relevance_score"] = score
            results.append(_select(work, params.get("select")))
        meta: dict[str, Any] = {
            "count": len(scored),
            "db_response_time_ms": 1,
            "page": None if cursor is not None else page,
            "per_page": per_page,
            "groups_count": None,
        }
        if cursor is not None:
            more = start + per_page < len(scored)
            meta["next_cursor"] = f"citeaudit-offset-{start + per_page}" if more else None
        return _json_response({"meta": meta, "results": results, "group_by": []})

    @staticmethod
    def _openalex_error(message: str) -> Response:
        """OpenAlex's 400 JSON; pyalex turns "...query parameters..." errors into QueryError."""
        return _json_response(
            {"error": "Invalid query parameters error.", "message": message}, status=400
        )

    # -- doi.org -----------------------------------------------------------------------------

    def _landing_url(self, doi: str) -> str:
        """Where the handle's URL value points: the record's resource URL when we have one."""
        entry = self.crossref.get(doi)
        if entry is not None:
            primary = (entry.record.get("resource") or {}).get("primary") or {}
            if primary.get("URL"):
                return str(primary["URL"])
        entry = self.openalex.get(doi)
        if entry is not None:
            landing = (entry.record.get("primary_location") or {}).get("landing_page_url")
            if landing and normalize_doi(str(landing)) != doi:
                return str(landing)
        if doi.startswith("10.48550/arxiv."):
            return f"https://arxiv.org/abs/{doi[len('10.48550/arxiv.') :]}"
        return f"https://example.org/landing/{quote(doi)}"

    def _doi(self, sub: str, query: str) -> Response:
        """``/api/handles/{doi}``, ``/ra/{dois}`` (alias ``/doiRA/``) and the resolver itself."""
        if sub.startswith("api/handles/"):
            return self._handle_api(unquote(sub[len("api/handles/") :]), query)
        for prefix in ("ra/", "doiRA/"):
            if sub.startswith(prefix):
                answers = []
                for raw in sub[len(prefix) :].split(","):
                    doi = unquote(raw)
                    agency = self.registration_agency(doi)
                    if agency is None:
                        answers.append({"DOI": doi, "status": "DOI does not exist"})
                    else:
                        answers.append({"DOI": doi, "RA": agency})
                return _json_response(answers)
        doi = unquote(sub)
        if not doi or not self.is_registered(doi):
            return self._not_found("doi")
        location = self._landing_url(normalize_doi(doi))
        response = _text_response(
            f'<html><head><title>Handle Redirect</title></head><body><a href="{location}">'
            f"{location}</a></body></html>",
            302,
            "text/html;charset=utf-8",
        )
        response.headers["Location"] = location
        return response

    def _handle_api(self, doi: str, query: str) -> Response:
        """Constructed handle record in the documented Handle.Net proxy REST API shape."""
        key = normalize_doi(doi)
        if not self.is_registered(key):
            return _json_response({"responseCode": 100, "handle": doi}, status=404)
        timestamp = "2020-01-01T00:00:00Z"
        entry = self.crossref.get(key)
        if entry is not None:
            timestamp = str((entry.record.get("created") or {}).get("date-time") or timestamp)
        values = [
            {
                "index": 1,
                "type": "URL",
                "data": {"format": "string", "value": self._landing_url(key)},
                "ttl": 86400,
                "timestamp": timestamp,
            },
            {
                "index": 100,
                "type": "HS_ADMIN",
                "data": {
                    "format": "admin",
                    "value": {
                        "handle": f"0.na/{key.split('/', 1)[0]}",
                        "index": 200,
                        "permissions": "111111110010",
                    },
                },
                "ttl": 86400,
                "timestamp": timestamp,
            },
        ]
        params = parse_qs(query)
        types, indexes = params.get("type"), params.get("index")
        if types or indexes:
            values = [
                v
                for v in values
                if (types and v["type"] in types) or (indexes and str(v["index"]) in indexes)
            ]
            if not values:
                return _json_response({"responseCode": 200, "handle": doi, "values": []})
        return _json_response({"responseCode": 1, "handle": doi, "values": values})


class _Handler(BaseHTTPRequestHandler):
    """Thin adapter from http.server to :meth:`RegistryServer._handle`."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, so a throughput benchmark measures the server
    server_version = "citeaudit-registry/1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr line; requests are kept in srv.requests."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            peer = "{}:{}".format(*self.client_address[:2])
            response = self.server.registry._handle(method, self.path, headers, peer)
        except _Reset:
            self._reset()
            return
        except Exception:  # a bug in the fake must show up in the test, not as a hang/reset
            response = _text_response(traceback.format_exc(), 500, "text/plain")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(response.body)

    def _reset(self) -> None:
        """Abort with a TCP RST (SO_LINGER 0) so clients see a connection error, not an answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()


def _iter_summary(srv: RegistryServer) -> Iterator[str]:
    """Lines printed by ``--port`` mode so a human knows what to ask for."""
    yield f"Crossref : {srv.crossref_url}/works/10.1073/pnas.1414271111"
    yield f"OpenAlex : {srv.openalex_url}/works/https://doi.org/10.1073/pnas.1414271111"
    yield f"doi.org  : {srv.doi_url}/api/handles/10.1073/pnas.1414271111"
    yield f"{len(srv.crossref)} Crossref works, {len(srv.openalex)} OpenAlex works loaded"


def main(argv: list[str] | None = None) -> None:
    """Run the server in the foreground for manual checks (Ctrl-C to stop)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument(
        "--rate-limits",
        default="",
        help="per service RPS:CONCURRENT, e.g. crossref=10:5,openalex=100:10,doi=10:5; "
        "requests over a limit are answered 429 and counted (GET /_stats)",
    )
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help=f"also serve constructed works for any DOI {SYNTHETIC_PREFIX}<n>",
    )
    args = parser.parse_args(argv)
    limits: dict[str, tuple[float | None, int | None]] = {}
    for item in filter(None, args.rate_limits.split(",")):
        service, _, value = item.partition("=")
        rps, _, concurrent = value.partition(":")
        limits[service.strip()] = (
            float(rps) if rps else None,
            int(concurrent) if concurrent else None,
        )
    with RegistryServer(
        host=args.host,
        port=args.port,
        latency=args.latency,
        rate_limits=limits,
        synthetic=args.synthetic,
    ) as srv:
        for line in _iter_summary(srv):
            print(line, flush=True)
        print(f"listening {srv.base_url}", flush=True)  # last: a benchmark waits for it
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
