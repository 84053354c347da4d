"""The source cache: registry answers, source freshness and memoised checks, in SQLite.

Why: a publisher re-checks its whole archive every night, and most of what the
registries said yesterday still holds. Facts age at different speeds, so each kind
has its own expiry (Settings):

* a work's **metadata** (title, authors, journal, pages, abstract) hardly ever
  changes: trusted for `metadata_ttl` (30 days by default);
* its **standing** (retraction, withdrawal, expression of concern, correction:
  Crossref `updated-by`, OpenAlex `is_retracted`) can change any day and must show
  within a day: trusted for `standing_ttl` (at most 24 hours). When only the standing
  is stale, bulk.py asks for the standing fields alone and merges them in;
* an absence (a DOI no registry knows) may end any day (a late deposit), and a
  search's candidates carry their standing: both are trusted for `standing_ttl`;
* a fault is never cached: the next run simply asks again.

A source whose snapshot was built within `standing_ttl` from the same reference
text, without faults, and whose file nobody has touched since, is not resolved
again at all (`sources` table): that is what makes a warm nightly run cheap.

One connection per cache, shared by the worker threads under a lock; every write is
one transaction, and WAL mode lets a reader (a second run, a report) see the last
committed state while a run writes. A damaged cache file is not an input error: it
is moved aside and rebuilt, since everything in it can be asked again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # 3: answers kept apart per set of registry base URLs
MEMO_TTL = 30 * 86400.0  # a remembered check unused this long is dropped
Freshness = Literal["fresh", "standing", "stale"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    registry TEXT NOT NULL,      -- crossref | openalex | doi.org | ..._search, "@" the registry scope
    key TEXT NOT NULL,           -- lower-case DOI, or the search's query
    status TEXT NOT NULL,        -- found | not_found (faults are never stored)
    url TEXT NOT NULL,
    fetched_at REAL NOT NULL,    -- when the whole record was fetched (epoch seconds)
    standing_at REAL NOT NULL,   -- when its standing was last confirmed
    record BLOB,                 -- zlib-compressed JSON, as the registry sent it
    PRIMARY KEY (registry, key)
);
CREATE TABLE IF NOT EXISTS sources (
    sid TEXT PRIMARY KEY,        -- sources.source_id
    fingerprint TEXT NOT NULL,   -- hash of the reference as the article wrote it
    resolved_at REAL NOT NULL,   -- when the snapshot was last confirmed against the registries
    file_mtime_ns INTEGER NOT NULL,
    file_size INTEGER NOT NULL,
    view BLOB NOT NULL           -- the snapshot without raw records (what the audit reads)
);
CREATE TABLE IF NOT EXISTS memo (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class CachedAnswer:
    """One registry answer as stored: `record` is the parsed JSON (None for not_found)."""

    registry: str
    key: str
    status: str
    url: str
    fetched_at: float
    standing_at: float
    record: Any = None


def fingerprint(*parts: object) -> str:
    """A short stable hash of what a cached result depends on."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        try:
            data = orjson.dumps(part, option=orjson.OPT_SORT_KEYS, default=str)
        except (TypeError, orjson.JSONEncodeError):
            data = json.dumps(part, sort_keys=True, default=str).encode("utf-8")
        digest.update(data)
        digest.update(b"\x00")
    return digest.hexdigest()


class SourceCache:
    """SQLite-backed cache; see the module docstring for what is kept and for how long."""

    def __init__(
        self,
        path: str | Path,
        *,
        metadata_ttl: float = 30 * 86400.0,
        standing_ttl: float = 86400.0,
        clock: Any = time.time,
        scope: str = "",
    ):
        self.path = Path(path)
        # Answers are kept apart per set of registry base URLs (`registry_scope`): what a
        # mirror or a test server said is not what the public API says.
        self.scope = scope
        self.metadata_ttl = metadata_ttl
        self.standing_ttl = min(standing_ttl, metadata_ttl)
        self.clock = clock
        self._lock = threading.RLock()
        self._db = self._open()

    # -- setup ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:  # not a database (a truncated or foreign file)
            aside = self.path.with_name(self.path.name + f".damaged-{int(time.time())}")
            logger.warning("cache %s unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.replace(aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a crash loses at most the last commit
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
        if row is not None and row[0] != str(SCHEMA_VERSION):
            # An older layout: everything in it can be asked again, so start afresh.
            db.executescript("DROP TABLE IF EXISTS answers; DROP TABLE IF EXISTS sources; "
                             "DROP TABLE IF EXISTS memo; DELETE FROM meta;")  # fmt: skip
            row = None
        db.executescript(_SCHEMA)
        if row is None:
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        # Memos of inputs unseen for a month (articles removed, old claims.csv versions).
        db.execute("DELETE FROM memo WHERE created < ?", (time.time() - MEMO_TTL,))
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SourceCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- registry answers ----------------------------------------------------------------

    def freshness(self, answer: CachedAnswer, now: float | None = None) -> Freshness:
        """fresh: use as is; standing: metadata still good, re-check the standing; stale: ask."""
        now = self.clock() if now is None else now
        if answer.status != "found" or answer.registry.endswith("_search"):
            return "fresh" if now - answer.fetched_at < self.standing_ttl else "stale"
        if now - answer.fetched_at >= self.metadata_ttl:
            return "stale"
        return "fresh" if now - answer.standing_at < self.standing_ttl else "standing"

    def answers(self, registry: str, keys: Iterable[str]) -> dict[str, CachedAnswer]:
        """The stored answers of one registry for these keys (any age)."""
        found: dict[str, CachedAnswer] = {}
        keys = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT registry, key, status, url, fetched_at, standing_at, record "
                    f"FROM answers WHERE registry=? AND key IN ({marks})",
                    [self._scoped(registry), *chunk],
                ).fetchall()
                for row in rows:
                    found[row[1]] = CachedAnswer(registry, *row[1:6], record=_unpack(row[6]))
        return found

    def _scoped(self, registry: str) -> str:
        return f"{registry}@{self.scope}" if self.scope else registry

    def answer(self, registry: str, key: str) -> CachedAnswer | None:
        return self.answers(registry, [key]).get(key)

    def put_answers(self, answers: Iterable[CachedAnswer]) -> None:
        """Store answers in one transaction (found and not_found only)."""
        rows = [
            (
                self._scoped(a.registry),
                a.key,
                a.status,
                a.url,
                a.fetched_at,
                a.standing_at,
                _pack(a.record),
            )
            for a in answers
            if a.status in ("found", "not_found")
        ]
        if not rows:
            return
        with self._lock, self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?)", rows)

    # -- sources (incremental runs) --------------------------------------------------------

    def fresh_sources(self, wanted: dict[str, tuple[str, Path]]) -> dict[str, bytes]:
        """Source ids whose snapshot need not be resolved again: same reference text,
        confirmed within `standing_ttl`, and the file unchanged since (by size and mtime);
        each with its stored audit view (`view_of` reads it).

        `wanted` maps source id -> (fingerprint, snapshot path).
        """
        now = self.clock()
        fresh: dict[str, bytes] = {}
        sids = list(wanted)
        with self._lock:
            rows = []
            for start in range(0, len(sids), 500):
                chunk = sids[start : start + 500]
                rows += self._db.execute(
                    "SELECT sid, fingerprint, resolved_at, file_mtime_ns, file_size, view "
                    f"FROM sources WHERE sid IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
        for sid, fp, resolved_at, mtime_ns, size, view in rows:
            expected_fp, path = wanted[sid]
            if fp != expected_fp or now - resolved_at >= self.standing_ttl:
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            if stat.st_mtime_ns == mtime_ns and stat.st_size == size:
                fresh[sid] = view
        return fresh

    @staticmethod
    def view_of(blob: bytes) -> dict[str, Any]:
        return _unpack(blob)

    def confirm_sources(self, confirmed: Iterable[tuple[str, str, Path, dict[str, Any]]]) -> None:
        """Record (source id, fingerprint, snapshot path, audit view) as confirmed now."""
        now = self.clock()
        rows = []
        for sid, fp, path, view in confirmed:
            try:
                stat = path.stat()
            except OSError:
                continue
            rows.append((sid, fp, now, stat.st_mtime_ns, stat.st_size, _pack(view)))
        if not rows:
            return
        with self._lock, self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?)", rows)

    def forget_sources(self, sids: Iterable[str]) -> None:
        """Drop freshness records (a snapshot with faults must be asked again next run)."""
        rows = [(sid,) for sid in sids]
        if rows:
            with self._lock, self._transaction():
                self._db.executemany("DELETE FROM sources WHERE sid=?", rows)

    # -- memoised checks --------------------------------------------------------------------

    def memo(self, kind: str, key: str) -> Any | None:
        """A stored result of a deterministic check (validation of unchanged inputs)."""
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM memo WHERE kind=? AND key=?", (kind, key)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def memos(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        """Stored results for many keys of one kind (those found)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = self._db.execute(
                    f"SELECT key, value FROM memo WHERE kind=? AND key IN ({','.join('?' * len(chunk))})",
                    [kind, *chunk],
                ).fetchall()
                found.update((key, json.loads(value)) for key, value in rows)
        return found

    def memo_keys(self, kind: str) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT key FROM memo WHERE kind=? ORDER BY key", (kind,))
            return [key for (key,) in rows.fetchall()]

    def put_memo(self, kind: str, key: str, value: Any) -> None:
        self.put_memos(kind, {key: value})

    def put_memos(self, kind: str, values: dict[str, Any]) -> None:
        now = self.clock()
        rows = [(kind, key, json.dumps(value), now) for key, value in values.items()]
        with self._lock, self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?,?,?,?)", rows)

    # -- helpers ------------------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("answers", "sources", "memo")
            }


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all of a batch or none."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _pack(record: Any) -> bytes | None:
    """Compact JSON, zlib level 1: a 25 KB OpenAlex record stores in about 6 KB."""
    if record is None:
        return None
    try:
        data = orjson.dumps(record)  # several times faster than json, at 100,000 records a night
    except (TypeError, orjson.JSONEncodeError):
        data = json.dumps(record, separators=(",", ":")).encode("utf-8")
    return zlib.compress(data, 1)


def _unpack(blob: bytes | None) -> Any:
    if blob is None:
        return None
    return orjson.loads(zlib.decompress(blob))


def open_cache(
    path: str | None, metadata_ttl: float, standing_ttl: float, scope: str = ""
) -> SourceCache | None:
    """The cache at `path`, or None when caching is off (path None)."""
    if not path:
        return None
    return SourceCache(path, metadata_ttl=metadata_ttl, standing_ttl=standing_ttl, scope=scope)


def registry_scope(*base_urls: str | None) -> str:
    """A short name for the registries asked, so their answers are cached apart."""
    return fingerprint(*(url or "" for url in base_urls))[:16]


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]
