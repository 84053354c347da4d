"""The resolution stage of a run: every source once, in bulk, incrementally.

`stages.resolve_sources` calls `resolve_all`. Online, for the references of all
the articles (deduplicated by source id):

1. sources confirmed within the standing expiry (a day), from the same reference
   text, whose snapshot file nobody has touched since, are taken as stored: no
   registry is asked (the cache's `sources` table says which);
2. the DOIs of the rest are asked in batches (registries/bulk.py), then each reference is
   resolved by `verification.lookup.resolve_reference` on a thread pool, from those answers;
3. each new snapshot is compared with the stored one: identical apart from its
   timestamps, the file is left as it is (a nightly run over an unchanged archive
   rewrites nothing, and the review diff stays empty); otherwise it is saved (the
   rule that an outage never erases an earlier answer is `pipeline`'s, unchanged),
   and what changed is reported: a new retraction or correction, a DOI that stopped
   resolving, a match that changed (`SourceChange`).

Memory: with `records=False` the snapshots returned keep everything the audit
reads but not the registries' raw records (they stay in the files), so a run over
100,000 references does not hold 100,000 OpenAlex records.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import json
import logging
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from citeaudit.config import Settings
from citeaudit.doi import normalize_doi
from citeaudit.files import remove_stale_temp_files
from citeaudit.models import Article, Reference
from citeaudit.progress import progress_bar
from citeaudit.registries.cache import SourceCache, chunks, fingerprint, open_cache, registry_scope
from citeaudit.verification.snapshots import (
    load_snapshot,
    save_snapshots,
    snapshot_faults,
    source_file,
    source_id,
)

if TYPE_CHECKING:
    from citeaudit.pipeline.options import RunOptions
    from citeaudit.reading.inputs import Skipped

logger = logging.getLogger(__name__)

# References resolved per chunk. The batches of the next LOOKAHEAD chunks are asked
# while one resolves; only those chunks' registry records are in memory at once.
CHUNK = 100
LOOKAHEAD = 9

# Fields of an answer that say when and by which route, not what: two snapshots that
# differ only there (and in checked_at) say the same thing.
_ROUTE = ("fetched_at", "cache", "url", "error")


@dataclass
class SourceChange:
    """Something a registry says now that it did not say at the previous run."""

    source_id: str
    kind: str  # standing | doi_status | match
    before: str
    after: str
    message: str
    articles: list[str] = field(default_factory=list)  # paths of the articles citing it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Resolution:
    """The snapshots of a run, what changed since the previous one, and how they were got."""

    snapshots: dict[str, dict[str, Any]]
    changes: list[SourceChange] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # sources, fresh, resolved, written...
    requests: dict[str, int] = field(default_factory=dict)  # HTTP attempts per registry
    states: Counter[str] = field(default_factory=Counter)  # "doi_status/match" (refresh_site)
    # Sources asked afresh that some registry gave no answer for, by registry: an outage
    # must be said, not only seen as "unverified" further down a report.
    unanswered: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)  # listed pages not read (refresh_site)


def combine_resolutions(parts: Iterable[Resolution]) -> Resolution:
    """One run's resolution from its batches' (a site run resolves a batch at a time)."""
    combined = Resolution({})
    for part in parts:
        combined.snapshots.update(part.snapshots)
        combined.changes.extend(part.changes)
        for name, n in part.counts.items():
            _add(combined.counts, name, n)
        for name, n in part.requests.items():
            _add(combined.requests, name, n)
        combined.states.update(part.states)
        combined.unanswered.update(part.unanswered)
        combined.skipped.extend(part.skipped)
    return combined


def all_registries_silent(resolution: Resolution) -> bool:
    """Every source asked this run got no answer from any registry: a full outage."""
    asked = resolution.counts.get("resolved", 0)
    return asked > 0 and resolution.counts.get("silent", 0) == asked


def outage_note(resolution: Resolution) -> str | None:
    """One line saying which registries did not answer this run, or None if all did."""
    if not resolution.unanswered:
        return None
    asked = resolution.counts.get("resolved", 0)
    silent = ", ".join(
        f"{name} for {n} of {asked} source(s)" for name, n in sorted(resolution.unanswered.items())
    )
    return (
        f"no answer from {silent}: those references stay unverified (stored snapshots kept); "
        "check the network and the registry URLs (CITEAUDIT_*_URL)"
    )


def reference_fingerprint(ref: Reference) -> str:
    """What a snapshot depends on in the article: the reference as written and as parsed."""
    return fingerprint(ref.raw, ref.doi, ref.title, ref.year, ref.first_author_surname)


def audit_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot without the registries' raw records (which no check reads)."""
    view = dict(snapshot)
    answers = snapshot.get("answers")
    if isinstance(answers, dict):
        view["answers"] = {
            name: (
                {k: v for k, v in answer.items() if k != "record"}
                if isinstance(answer, dict)
                else answer
            )
            for name, answer in answers.items()
        }
    return view


def resolve_all(
    articles: list[Article],
    options: RunOptions,
    settings: Settings | None = None,
    *,
    records: bool = True,
    progress: bool | None = None,
) -> Resolution:
    """Snapshots by source id for every reference of `articles` (see the module doc)."""
    tally = Resolution({})
    with _collector_paused():
        for sid, snapshot in iter_resolution(
            articles, options, settings, records=records, progress=progress, tally=tally
        ):
            tally.snapshots[sid] = snapshot
    order = {source_id(ref): None for article in articles for ref in article.references}
    tally.snapshots = {sid: tally.snapshots[sid] for sid in order if sid in tally.snapshots}
    return tally


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while snapshots pile up, on again after.

    Every snapshot kept adds objects the collector walks on each full pass, so a warm
    run of 10,000 references spent a third of its time in it, and a cold run more. What
    a resolution drops is freed by reference counting; the few cycles it leaves (caught
    exceptions, HTTP responses) wait for the collector to run again. `refresh_site`
    keeps nothing and never pauses it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def refresh_site(
    paths: Sequence[Path | str],
    options: RunOptions,
    settings: Settings | None = None,
    *,
    articles_per_batch: int = 500,
    progress: bool | None = None,
    url_lists: Sequence[Path | str] = (),
    sitemaps: Sequence[str] = (),
    include: str | None = None,
) -> Resolution:
    """`citeaudit refresh` over a whole archive, in constant memory: articles are read and
    their sources resolved a batch at a time, each source once, and nothing is kept but
    counts, states and changes (`snapshots` stays empty; the files are in sources/).
    A site's pages may be listed in URL-list files and sitemaps; a listed page that is
    not an article with references is skipped (`Resolution.skipped`)."""
    from citeaudit.reading.inputs import (
        expand_article_paths,
        listed_urls,
        load_articles,
        read_listed_articles,
    )

    files = expand_article_paths(paths)
    tally = Resolution({})
    listed: list[str] = []
    if url_lists or sitemaps:
        listed, tally.skipped = listed_urls(
            [Path(p) for p in url_lists], sitemaps, include=include, settings=settings
        )
    seen: set[str] = set()
    step = max(1, articles_per_batch)
    batches = [(files[i : i + step], False) for i in range(0, len(files), step)]
    batches += [(list(listed[i : i + step]), True) for i in range(0, len(listed), step)]
    for batch, is_listing in batches:
        if is_listing:
            articles, skipped = read_listed_articles(batch, settings, progress=progress)
            tally.skipped += skipped
        else:
            articles = load_articles(batch, settings)
        for sid, snapshot in iter_resolution(
            articles, options, settings, records=False, progress=progress, tally=tally, skip=seen
        ):
            seen.add(sid)
            tally.states[f"{snapshot.get('doi_status')}/{snapshot.get('match')}"] += 1
    tally.changes.sort(key=lambda c: c.source_id)
    return tally


def iter_resolution(
    articles: list[Article],
    options: RunOptions,
    settings: Settings | None = None,
    *,
    records: bool = True,
    progress: bool | None = None,
    tally: Resolution | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source id, snapshot) for each source of `articles` not in `skip`, as resolved.

    Nothing is held once yielded; counts, HTTP attempts and changes are added to `tally`.
    """
    tally = tally if tally is not None else Resolution({})
    # A source id costs a Unicode normalisation and a regex; a warm run of 10,000
    # references spent a fifth of its time computing each five times.
    ids = ((source_id(ref), ref) for article in articles for ref in article.references)
    unique = {sid: ref for sid, ref in ids if sid not in skip}
    keep = (lambda s: s) if records else audit_view
    _add(tally.counts, "sources", len(unique))
    if options.offline:
        for sid, ref in unique.items():
            stored = load_snapshot(options.sources_dir, ref)
            if stored is not None:
                _add(tally.counts, "stored", 1)
                yield sid, keep(stored)
        return

    from citeaudit.registries.bulk import BulkRegistries
    from citeaudit.verification.lookup import Registries

    settings = settings or Settings.from_env()
    remove_stale_temp_files(options.sources_dir)
    scope = registry_scope(
        settings.crossref_url, settings.openalex_url, settings.doi_url, settings.europepmc_url
    )
    cache = open_cache(settings.cache_path, settings.metadata_ttl, settings.standing_ttl, scope)
    try:
        with BulkRegistries(Registries(settings), settings, cache) as bulk:
            yield from _iter_online(
                unique, articles, options, settings, cache, bulk, keep, progress, tally
            )
    finally:
        if cache is not None:
            cache.close()


def _add(counts: dict[str, int], name: str, n: int) -> None:
    counts[name] = counts.get(name, 0) + n


def _iter_online(
    unique: dict[str, Reference],
    articles: list[Article],
    options: RunOptions,
    settings: Settings,
    cache: SourceCache | None,
    bulk: Any,
    keep: Any,
    progress: bool | None,
    tally: Resolution,
) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = {sid: source_file(options.sources_dir, sid) for sid in unique}
    # Checked against other registries (a mirror, a test server), a source is not fresh.
    scope = cache.scope if cache else ""
    prints = {sid: fingerprint(reference_fingerprint(ref), scope) for sid, ref in unique.items()}
    fresh = cache.fresh_sources({sid: (prints[sid], paths[sid]) for sid in unique}) if cache else {}
    counts = tally.counts
    for name in ("fresh", "resolved", "written", "unchanged", "kept", "unanswered", "silent"):
        _add(counts, name, 0)
    for sid, view in list(fresh.items()):
        # The file is the one confirmed (same size and mtime), so its stored audit view is
        # what reading and trimming it would give; with records, the file itself is read.
        if keep is audit_view:  # the view recorded is an audit view already
            _add(counts, "fresh", 1)
            yield sid, SourceCache.view_of(view)
            continue
        stored = load_snapshot(options.sources_dir, unique[sid])
        if stored is None:  # removed since: resolve it again
            del fresh[sid]
            continue
        _add(counts, "fresh", 1)
        yield sid, keep(stored)
    todo = [sid for sid in unique if sid not in fresh]
    fresh.clear()  # the stored views: not needed any more
    before = _attempts(bulk)
    bar = progress_bar(len(todo), progress)
    changes: list[SourceChange] = []
    confirmed: list[tuple[str, str, Path, dict[str, Any]]] = []
    unconfirmed: list[str] = []
    parts = list(chunks(todo, CHUNK))

    def dois(part: list[str]) -> list[str]:
        return [unique[sid].doi or "" for sid in part if unique[sid].doi]

    # Chunk after chunk: the batches of the next LOOKAHEAD chunks are asked while this
    # chunk's references are resolved, so the registries' rate limits, not the chunking,
    # set the pace; only those chunks' registry records are held at a time.
    try:
        with ThreadPoolExecutor(
            max_workers=max(1, settings.workers), thread_name_prefix="ref"
        ) as pool:
            pending = deque(bulk.ask_ahead(dois(p)) for p in parts[:LOOKAHEAD])
            for number, part in enumerate(parts):
                pending.popleft().wait()
                if number + LOOKAHEAD < len(parts):
                    pending.append(bulk.ask_ahead(dois(parts[number + LOOKAHEAD])))
                following = [d for p in parts[number + 1 : number + 1 + LOOKAHEAD] for d in dois(p)]
                futures = {
                    pool.submit(_resolve_one, unique[sid], options.sources_dir, bulk): sid
                    for sid in part
                }
                done, to_write = [], {}
                for future in as_completed(futures):
                    sid = futures[future]
                    snapshot, outcome, change, faults, silent = future.result()
                    if outcome == "written":
                        to_write[sid] = snapshot
                    _add(counts, "silent", int(silent))
                    tally.unanswered.update(
                        {f.split(":")[0].removesuffix("_search") for f in faults}
                    )
                    _add(counts, "resolved", 1)
                    _add(counts, outcome, 1)
                    changes.extend(change)
                    view = None
                    if outcome in ("kept", "unanswered") or _has_faults(snapshot):
                        unconfirmed.append(sid)
                    else:
                        view = audit_view(snapshot)
                        confirmed.append((sid, prints[sid], paths[sid], view))
                    reuse = view is not None and keep is audit_view  # not built twice
                    done.append((sid, view if reuse else keep(snapshot)))
                    bar.update(1)
                futures.clear()
                # This chunk's snapshots in place and durable before the cache calls them
                # confirmed: a run stopped part-way keeps what it confirmed.
                save_snapshots(options.sources_dir, to_write)
                bulk.keep_only(normalize_doi(d) for d in following)
                _release_freed_memory()
                if cache is not None:  # per chunk: a run stopped part-way keeps its confirmations
                    cache.confirm_sources(confirmed)
                    cache.forget_sources(unconfirmed)
                confirmed.clear()
                unconfirmed.clear()
                yield from done
                done.clear()
    finally:
        bar.close()
        cited_by = _cited_by(articles)
        for change in changes:
            change.articles = cited_by.get(change.source_id, [])
        tally.changes.extend(changes)
        for name, after in _attempts(bulk).items():
            _add(tally.requests, name, after - before.get(name, 0))


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


def _release_freed_memory() -> None:
    """Give memory freed during a chunk back to the system.

    glibc keeps what worker threads free in per-thread arenas; without this, a run's
    resident memory grows with every chunk (measured: 460 MB instead of 280 MB for
    3,000 references), although only one chunk's records are alive at a time.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _resolve_one(
    ref: Reference, sources_dir: Path, registries: Any
) -> tuple[dict[str, Any], str, list[SourceChange], list[str], bool]:
    """Resolve one reference and decide what to keep: (snapshot, outcome, changes, the
    registries' faults in this answer, whether no registry answered at all).

    An outcome of "written" asks the caller to write the snapshot, with the rest of its
    chunk (`save_snapshots`): written here, each by one of sixteen threads, the files
    cost twice the CPU, and a run of 1,000 references 0.4 s longer."""
    from citeaudit.verification.lookup import resolve_contained  # online only: habanero, pyalex

    stored = load_snapshot(sources_dir, ref)
    fresh = resolve_contained(ref, registries)
    faults = snapshot_faults(fresh)
    silent = _answered_by_none(fresh)
    # Keep the stored snapshot unless it is itself a fault record this one improves on.
    if stored is not None and faults and not 0 < len(faults) < len(snapshot_faults(stored)):
        stored.setdefault("match_notes", []).append(
            f"registries unreachable at {fresh['checked_at']} ({'; '.join(faults)}); "
            f"kept the snapshot of {stored.get('checked_at')}"
        )
        return stored, "kept", [], faults, silent
    if stored is not None and _without_when(stored) == _without_when(fresh):
        return stored, "unchanged", [], faults, silent
    if stored is None and silent:
        # Nothing was learnt: a file of errors would only fill the reviewable diff of
        # sources/ with an outage. The run reports the reference unverified all the same.
        return fresh, "unanswered", [], faults, silent
    changes = [] if stored is None or faults else source_changes(ref, stored, fresh)
    return fresh, "written", changes, faults, silent


def source_changes(
    ref: Reference, before: dict[str, Any], after: dict[str, Any]
) -> list[SourceChange]:
    """What the registries say differently now: standing, DOI status, match."""
    from citeaudit.verification.reference_check import check_reference

    sid = source_id(ref)
    old, new = check_reference(ref, before), check_reference(ref, after)
    changes = []
    # "unknown" is no news (a registry did not answer this time), nor is unknown -> none.
    if (
        old.retraction != new.retraction
        and new.retraction != "unknown"
        and ((old.retraction, new.retraction) != ("unknown", "none"))
    ):
        label = new.retraction.replace("_", " ")
        changes.append(
            SourceChange(
                sid, "standing", old.retraction, new.retraction,
                f"{ref.key}: now {label} (was {old.retraction.replace('_', ' ')})"
                if new.retraction != "none"
                else f"{ref.key}: no longer marked {old.retraction.replace('_', ' ')}",
            )
        )  # fmt: skip
    if old.doi_status != new.doi_status and "unverified" not in (old.doi_status, new.doi_status):
        message = (
            f"{ref.key}: DOI {new.doi or ref.doi} stopped resolving"
            if new.doi_status == "not_found"
            else f"{ref.key}: DOI status {old.doi_status} -> {new.doi_status}"
        )
        changes.append(SourceChange(sid, "doi_status", old.doi_status, new.doi_status, message))
    if old.match != new.match and "unverified" not in (old.match, new.match):
        changes.append(
            SourceChange(
                sid, "match", old.match, new.match,
                f"{ref.key}: match {old.match} -> {new.match}",
            )
        )  # fmt: skip
    return changes


def _without_when(snapshot: dict[str, Any]) -> Any:
    """The snapshot without when and how it was fetched, for "did anything change?".

    A not-found answer's wording differs by route (a 404 text or a batch's absence), so
    it is left out too; its status stays, and a fault never reaches this comparison.
    """
    try:  # a copy, with tuples as lists, as stored
        data = orjson.loads(orjson.dumps(snapshot))
    except (TypeError, orjson.JSONEncodeError):
        data = json.loads(json.dumps(snapshot))
    data.pop("checked_at", None)
    for answer in (data.get("answers") or {}).values():
        if isinstance(answer, dict):
            for name in _ROUTE:
                answer.pop(name, None)
    return data


def _answered_by_none(snapshot: dict[str, Any]) -> bool:
    """Every registry asked for this snapshot failed to answer (none said found or not)."""
    answers = [a for a in (snapshot.get("answers") or {}).values() if isinstance(a, dict)]
    return bool(answers) and all(a.get("status") == "error" for a in answers)


def _has_faults(snapshot: dict[str, Any]) -> bool:
    answers = snapshot.get("answers") or {}
    return any(isinstance(a, dict) and a.get("status") == "error" for a in answers.values())


def _cited_by(articles: Iterable[Article]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for article in articles:
        for ref in article.references:
            paths = found.setdefault(source_id(ref), [])
            if article.path not in paths:
                paths.append(article.path)
    return found


def _attempts(bulk: Any) -> dict[str, int]:
    """HTTP attempts so far, per registry (the throttles count every attempt)."""
    counts = {}
    for name in ("crossref", "openalex", "doi_org"):
        client = getattr(bulk.real, name, None)
        throttle = getattr(client, "throttle", None)
        if throttle is not None:
            counts[throttle.limit.registry] = throttle.requests
    return counts
