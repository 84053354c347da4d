"""Resolving many references at once: batched, concurrent, cached and incremental.

`verification.lookup.resolve_reference` asks about one reference at a time, which is right for
deciding what the answers mean and wrong for a publisher's archive: 100,000
references one request each at Crossref's 10 requests/s would take hours. This
module asks the same questions in bulk and then lets `resolve_reference` decide
exactly as before, from answers that are already here:

1. **Batches.** Before any reference is resolved, the DOIs of the run are asked in
   batches of up to 100: Crossref `filter=doi:A,doi:B,...` and OpenAlex
   `filter=doi:a|b|...`. A DOI missing from a successful batch is a definite absence
   (the filters match DOIs exactly); a failed batch says nothing, and its DOIs go
   the single-request way (with its retries and faults) when resolved.
2. **Concurrency within the limits.** Batches and references run on thread pools;
   every HTTP attempt still passes its registry's throttle (limits.py), so the
   concurrency never exceeds the polite limits, whatever the pool sizes.
3. **The cache** (cache.py): an answer still fresh is not asked again; one whose
   metadata is fresh but whose standing is not is re-checked with the standing fields
   only (`select=`), in batches too.
4. **Each source once**: the caller dedupes references by source id.

`BulkRegistries` has the attributes of `verification.lookup.Registries` (crossref, openalex,
doi_org) with the same methods, answering from the batches and the cache first; any
other method is passed to the real client, so verification/lookup.py needs no change.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from citeaudit.config import Settings
from citeaudit.doi import is_valid_doi, normalize_doi
from citeaudit.registries.answers import RegistryAnswer
from citeaudit.registries.cache import CachedAnswer, SourceCache, chunks
from citeaudit.registries.crossref import STANDING_FIELDS as CROSSREF_STANDING
from citeaudit.registries.openalex import STANDING_FIELDS as OPENALEX_STANDING

logger = logging.getLogger(__name__)

# Crossref's recommended pattern (it matches 74.4M of 75M DOIs): these are safe inside a
# filter value; anything else (commas, angle brackets...) goes the single-request way.
BATCHABLE_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9]+$", re.IGNORECASE)
_STANDING_FIELDS = {"crossref": CROSSREF_STANDING, "openalex": OPENALEX_STANDING}

BATCHES_AT_ONCE = 5
"""Batches in flight per registry, below its concurrency limit when that is higher.
Five keep Crossref's 10 requests/s going (its own limit at once; an answer of 100
records takes 0.2-0.35 s). More only make the batches a run needs first wait behind
the rest for this process's CPU, which decodes 1-2 MB of JSON per answer: at
OpenAlex's 10 at once, a cold run's first answers came back after 0.9 s, not 0.3 s."""


@dataclass
class CachedRegistryAnswer(RegistryAnswer):
    """An answer served from the cache: the snapshot says so, and when the standing
    (retraction status) was last confirmed, next to when the record was fetched."""

    cache: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.cache:
            data["cache"] = self.cache
        return data


@dataclass
class BulkStats:
    """What the bulk stage did, for progress lines and benchmarks."""

    dois: int = 0
    from_cache: int = 0  # (registry, DOI) answers still fresh in the cache
    standing_checks: int = 0  # answers whose standing alone was re-checked
    batched: int = 0  # (registry, DOI) answers from batch requests
    batch_requests: dict[str, int] = field(default_factory=dict)
    failed_batches: int = 0


def _iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def _epoch(iso: str | None, default: float) -> float:
    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return default


class BulkRegistries:
    """The registries of one run, answering from batches and the cache first."""

    def __init__(self, registries: Any, settings: Settings, cache: SourceCache | None = None):
        self.real = registries
        self.settings = settings
        self.cache = cache
        self.stats = BulkStats()
        self._known: dict[tuple[str, str], RegistryAnswer] = {}
        self._lock = threading.Lock()
        self._pools: dict[str, ThreadPoolExecutor] = {}  # batches, one pool per registry
        self.crossref = _View(
            self, registries.crossref, {"work": "crossref", "search": "crossref_search"}
        )
        self.openalex = _View(
            self, registries.openalex, {"work_by_doi": "openalex", "search": "openalex_search"}
        )
        self.doi_org = _View(
            self, registries.doi_org, {"handle": "doi.org", "agency": "doi.org_ra"}
        )
        # Europe PMC abstracts (europepmc.py): one request per work lacking an abstract.
        self.europepmc = getattr(registries, "europepmc", None)
        # PubMed standing (pubmed.py), by PMID: remembered like the other answers, so a
        # re-run within the standing TTL does not ask again.
        pubmed = getattr(registries, "pubmed", None)
        self.pubmed = _View(self, pubmed, {"summary": "pubmed"}) if pubmed is not None else None

    def __getattr__(self, name: str) -> Any:
        """Any other client of `verification.lookup.Registries` (a registry added later) as it is."""
        if name == "real":  # not yet set: never recurse
            raise AttributeError(name)
        return getattr(self.real, name)

    # -- one answer ------------------------------------------------------------------------

    def lookup(self, registry: str, key: str, ask: Callable[[], RegistryAnswer]) -> RegistryAnswer:
        """The answer for (registry, key): from this run's batches, the cache, or `ask`."""
        with self._lock:
            known = self._known.get((registry, key))
        if known is not None:
            return known
        if self.cache is not None:
            cached = self.cache.answer(registry, key)
            if cached is not None and self.cache.freshness(cached) == "fresh":
                answer = _from_cache(cached)
                self._remember(registry, key, answer)
                return answer
        answer = ask()
        if self.cache is not None and answer.status in ("found", "not_found"):
            now = _epoch(answer.fetched_at, self.cache.clock())
            self.cache.put_answers(
                [CachedAnswer(registry, key, answer.status, answer.url, now, now, answer.record)]
            )
        if answer.status != "error":  # a fault is asked again by the next reference
            self._remember(registry, key, answer)
        return answer

    def _remember(self, registry: str, key: str, answer: RegistryAnswer) -> None:
        with self._lock:
            self._known[(registry, key)] = answer

    def _count(self, request_to: str | None = None, **added: int) -> None:
        """Add to the run's statistics; prefetches of several chunks run at once."""
        with self._lock:
            if request_to is not None:
                requests = self.stats.batch_requests
                requests[request_to] = requests.get(request_to, 0) + 1
            for name, n in added.items():
                setattr(self.stats, name, getattr(self.stats, name) + n)

    def keep_only(self, dois: Iterable[str]) -> None:
        """Forget this run's answers except those about `dois` (the chunks asked ahead),
        so a long run holds a few chunks of registry records at a time, not the archive's."""
        keep = set(dois)
        with self._lock:
            for known in [k for k in self._known if k[1] not in keep]:
                del self._known[known]

    # -- many DOIs -------------------------------------------------------------------------

    def prefetch(self, dois: Iterable[str]) -> BulkStats:
        """Ask Crossref and OpenAlex about these DOIs in batches, concurrently, within the
        limits; answers still fresh in the cache are not asked again."""
        self.ask_ahead(dois).wait()
        return self.stats

    def ask_ahead(self, dois: Iterable[str]) -> Prefetch:
        """Queue the batches for these DOIs and return at once; `wait()` on the result.

        Batches run on one pool per registry, sized to its concurrency limit, in the
        order they were queued: the batches of the chunk a run resolves next go out
        before those of the chunks after it, whatever the order in which the registry's
        throttle lets waiting threads through.
        """
        wanted = list(
            dict.fromkeys(d for d in (normalize_doi(x) for x in dois if x) if is_valid_doi(d))
        )
        self._count(dois=len(wanted))
        jobs: list[tuple[str, str, list[str]]] = []
        cached_by_registry: dict[str, dict[str, CachedAnswer]] = {}
        for registry in ("crossref", "openalex"):
            cached = self.cache.answers(registry, wanted) if self.cache is not None else {}
            cached_by_registry[registry] = cached
            full, standing = [], []
            for doi in wanted:
                if (registry, doi) in self._known:
                    continue
                entry = cached.get(doi)
                state = self.cache.freshness(entry) if entry and self.cache else "stale"
                if state == "fresh" and entry is not None:
                    self._remember(registry, doi, _from_cache(entry))
                    self._count(from_cache=1)
                elif BATCHABLE_DOI.match(doi):
                    (standing if state == "standing" else full).append(doi)
            size = max(1, min(self.settings.batch_size, 100))
            jobs += [(registry, "full", chunk) for chunk in chunks(full, size)]
            jobs += [(registry, "standing", chunk) for chunk in chunks(standing, size)]
        return Prefetch(self, self.queue_batches(jobs, cached_by_registry), cached_by_registry)

    def close(self) -> None:
        """Stop the batch pools (queued batches still run)."""
        with self._lock:
            pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.shutdown(wait=True)

    def __enter__(self) -> BulkRegistries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pool(self, registry: str) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(registry)
            if pool is None:
                allowed = (
                    self.settings.crossref_concurrency
                    if registry == "crossref"
                    else self.settings.openalex_concurrency
                )
                workers = min(allowed, BATCHES_AT_ONCE)
                pool = ThreadPoolExecutor(
                    max_workers=max(1, workers), thread_name_prefix=f"batch-{registry}"
                )
                self._pools[registry] = pool
            return pool

    def queue_batches(
        self,
        jobs: list[tuple[str, str, list[str]]],
        cached: dict[str, dict[str, CachedAnswer]],
    ) -> list[Future[tuple[str, list[str]]]]:
        """Each (registry, kind, DOIs) job on its registry's pool, in this order."""
        return [
            self._pool(registry).submit(self._run_job, registry, kind, chunk, cached[registry])
            for registry, kind, chunk in jobs
        ]

    def _run_job(
        self, registry: str, kind: str, chunk: list[str], cached: dict[str, CachedAnswer]
    ) -> tuple[str, list[str]]:
        """One batch, asked and stored: (registry, the DOIs a standing check found gone)."""
        client = self.real.crossref if registry == "crossref" else self.real.openalex
        ask = client.works_by_dois if kind == "full" else client.standing_by_dois
        answer = ask(chunk)
        self._count(request_to=registry)
        if answer.status != "found":
            self._count(failed_batches=1)
            logger.info("%s batch of %d DOIs: %s", registry, len(chunk), answer.error)
            return registry, []  # these DOIs go the single-request way, with its retries
        if kind == "full":
            self._store_full(registry, chunk, answer)
            return registry, []
        return registry, self._store_standing(registry, chunk, answer, cached)

    def _single_url(self, registry: str, doi: str) -> str:
        base = self.settings.crossref_url if registry == "crossref" else self.settings.openalex_url
        return f"{base}/works?filter=doi:{quote(doi, safe='/:')}"

    def _store_full(self, registry: str, chunk: list[str], answer: RegistryAnswer) -> None:
        by_doi = _items_by_doi(registry, answer.record)
        now = _epoch(answer.fetched_at, 0.0) or None
        stored: list[CachedAnswer] = []
        for doi in chunk:
            record = by_doi.get(doi)
            url = self._single_url(registry, doi)
            if record is None:
                single = RegistryAnswer(
                    registry, "not_found", url, answer.fetched_at, None,
                    f"{registry}: no record with this DOI (batch lookup)",
                )  # fmt: skip
            else:
                single = RegistryAnswer(registry, "found", url, answer.fetched_at, record)
            self._remember(registry, doi, single)
            if now is not None:
                stored.append(
                    CachedAnswer(registry, doi, single.status, url, now, now, single.record)
                )
        self._count(batched=len(chunk))
        if self.cache is not None:
            self.cache.put_answers(stored)

    def _store_standing(
        self,
        registry: str,
        chunk: list[str],
        answer: RegistryAnswer,
        cached: dict[str, CachedAnswer],
    ) -> list[str]:
        """Merge fresh standing fields into the cached records; DOIs absent: refetch."""
        by_doi = _items_by_doi(registry, answer.record)
        now = _epoch(answer.fetched_at, 0.0)
        stored, gone = [], []
        for doi in chunk:
            item, entry = by_doi.get(doi), cached.get(doi)
            if item is None or entry is None or not isinstance(entry.record, dict):
                gone.append(doi)
                continue
            record = dict(entry.record)
            for name in _STANDING_FIELDS[registry]:
                if name in item:
                    record[name] = item[name]
                else:
                    record.pop(name, None)
            entry = CachedAnswer(
                registry,
                doi,
                "found",
                entry.url,
                entry.fetched_at,
                now or entry.standing_at,
                record,
            )
            stored.append(entry)
            self._remember(registry, doi, _from_cache(entry))
        self._count(standing_checks=len(stored))
        if self.cache is not None:
            self.cache.put_answers(stored)
        return gone


class Prefetch:
    """Batches queued by `BulkRegistries.ask_ahead`; `wait()` returns when all are in."""

    def __init__(
        self,
        bulk: BulkRegistries,
        futures: list[Future[tuple[str, list[str]]]],
        cached: dict[str, dict[str, CachedAnswer]],
    ):
        self._bulk = bulk
        self._futures = futures
        self._cached = cached

    def wait(self) -> None:
        """Until every batch is answered and stored; then the whole records of DOIs
        that a standing check found gone are asked for, and waited for too."""
        refetch: dict[str, list[str]] = {}
        for future in self._futures:
            registry, gone = future.result()
            if gone:
                refetch.setdefault(registry, []).extend(gone)
        if refetch:
            size = max(1, min(self._bulk.settings.batch_size, 100))
            jobs = [(r, "full", c) for r, dois in refetch.items() for c in chunks(dois, size)]
            for future in self._bulk.queue_batches(jobs, self._cached):
                future.result()


class _View:
    """One client, with some methods answered from batches and the cache first."""

    def __init__(self, bulk: BulkRegistries, client: Any, cached: dict[str, str]):
        self._bulk = bulk
        self._client = client
        self._cached = cached

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        registry = self._cached.get(name)
        if registry is None:
            return method

        def call(*args: Any, **kwargs: Any) -> RegistryAnswer:
            key = _key(registry, args, kwargs)
            return self._bulk.lookup(registry, key, lambda: method(*args, **kwargs))

        return call


def _key(registry: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    if registry.endswith("_search"):
        return repr((args, sorted(kwargs.items())))
    return normalize_doi(str(args[0] if args else next(iter(kwargs.values()))))


def _items_by_doi(registry: str, items: Any) -> dict[str, dict[str, Any]]:
    """Batch items by lower-case DOI; the first of several works with one DOI wins."""
    found: dict[str, dict[str, Any]] = {}
    for item in items or []:
        if not isinstance(item, dict):
            continue
        raw = item.get("DOI") if registry == "crossref" else item.get("doi")
        if isinstance(raw, str) and raw:
            found.setdefault(normalize_doi(raw), item)
    return found


def _from_cache(entry: CachedAnswer) -> RegistryAnswer:
    note = None if entry.status == "found" else f"{entry.registry}: not found (cached answer)"
    return CachedRegistryAnswer(
        entry.registry.removesuffix("_search").removesuffix("_ra"),
        entry.status,  # type: ignore[arg-type]
        entry.url,
        _iso(entry.fetched_at),
        entry.record,
        note,
        cache={"served_from": "citeaudit cache", "standing_checked_at": _iso(entry.standing_at)},
    )
