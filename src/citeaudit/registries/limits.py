"""Per-registry politeness: requests per second and requests in flight.

Crossref's polite pool allows 10 requests/s with at most 5 at once; OpenAlex allows
100 requests/s with an API key. A client that goes over is answered 429 and has to
wait anyway, so staying under the limits is both polite and the fastest way through
an archive. Every HTTP attempt (retries included) passes through `Throttle.run`:

* a semaphore caps the requests in flight, and is taken *before* the rate token, so
  a request never waits for a connection slot after taking its token (tokens taken
  early and spent late would bunch up and break the rate at the registry's end);
* the rate itself is pyrate-limiter's sliding-window log (`Limiter` with an
  in-memory bucket), with its 50 ms buffer as a margin for network jitter between
  our clock and the registry's counter;
* tokens go out in the order the requests came for them (`_Turns`). pyrate-limiter
  wakes every waiting thread at once and lets whichever is quickest win, so a batch
  queued later could overtake one queued first again and again: measured, the third
  batch a run needed first came back after the ninth, and the run waited 1 s for it.

While a registry is failing (its last attempt got no answer), requests to it are
made one at a time (`serial_when_failing`): a struggling registry is not hit by five
threads at once, and the circuit breaker (answers.py) sees the failures in order,
so it opens after as few wasted requests as in a sequential run.

Throttles are shared per process by registry and base URL, so any number of
`Registries` built in one process (flow tasks in threads, say) share one budget.
Separate processes cannot see each other's in-memory log, so two `citeaudit refresh`
runs from cron, or Prefect/Dask workers, would each spend the registry's whole budget
and together earn 429s. `CITEAUDIT_RATE_LIMIT_DB` moves the log into a SQLite file
(pyrate-limiter's `SQLiteBucket` under a file lock, one table per registry and base
URL) so that every process on the machine naming that file draws on one budget; each
process checks the log against its own rate, so they should agree on the rates.
Only the rate is shared. A concurrency slot is held for a whole round trip, and a
lock held that long would stall every other process, so the semaphore stays per
process: N processes may have N x `concurrency` requests in flight (lower
`*_CONCURRENCY` to split a registry's at-once limit between them). The shared log is
stamped with wall-clock milliseconds, the one clock all processes read; the file lock
is polled every few milliseconds rather than filelock's 50, because a token that
waited for the lock is stamped with the time it began waiting, and such waits would
eat the 50 ms buffer. Several *machines* share nothing through a local file; for them
a caller may install a `shared_gate` drawing on a budget they all see (the Prefect flow
uses Prefect's global rate limits, `flows/registry_limits.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from filelock import FileLock
from pyrate_limiter import AbstractBucket, Duration, InMemoryBucket, Limiter, Rate, SQLiteBucket

from citeaudit.config import Settings
from citeaudit.errors import InputError
from citeaudit.registries.answers import (
    CircuitBreaker,
    NotFound,
    RegistryAnswer,
    TransientError,
    ask,
)

T = TypeVar("T")

WINDOW_MARGIN_MS = 100
"""Added to a registry's window, beyond pyrate-limiter's buffer (see `_rates`)."""

LIMITER_BUFFER_MS = 50
"""Added by pyrate-limiter to every wait: a margin for network jitter between our clock
and the registry's counter (its default, made explicit because `_rates` counts on it)."""

SharedGate = Callable[[str], None]
"""Blocks until the named registry may be asked once more, by a budget that other
processes and machines share (the Prefect flow installs one backed by Prefect's
global rate limits); see `shared_gate`."""
_SHARED_GATE: SharedGate | None = None


@contextlib.contextmanager
def shared_gate(gate: SharedGate | None) -> Iterator[None]:
    """While the block runs, every attempt also passes `gate(registry)` after its own
    throttle: the machine's limits still hold, and a budget shared with other machines
    is drawn on too. Kept out of this library's dependencies: the caller supplies it."""
    global _SHARED_GATE
    previous, _SHARED_GATE = _SHARED_GATE, gate
    try:
        yield
    finally:
        _SHARED_GATE = previous


@dataclass(frozen=True)
class HostLimit:
    """The published limit of one registry: requests per second and at once."""

    registry: str
    base_url: str
    rps: float
    concurrency: int
    shared_db: str | None = None  # SQLite file holding the rate log other processes share


class _Turns:
    """A queue at a counter: threads pass one at a time, first come, first served."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._issued = 0
        self._serving = 0

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._changed:
            ticket = self._issued
            self._issued += 1
            self._changed.wait_for(lambda: self._serving == ticket)
        try:
            yield
        finally:
            with self._changed:
                self._serving += 1
                self._changed.notify_all()


class Throttle:
    """Run calls to one registry within its rate and concurrency limits."""

    def __init__(self, limit: HostLimit):
        self.limit = limit
        self._slots = threading.BoundedSemaphore(max(1, limit.concurrency))
        rates = _rates(limit.rps)
        bucket: AbstractBucket = (
            InMemoryBucket(rates) if limit.shared_db is None else _shared_bucket(limit, rates)
        )
        self._limiter = Limiter(bucket, buffer_ms=LIMITER_BUFFER_MS)
        self._turns = _Turns()
        self._lock = threading.Lock()
        self._serial = threading.Lock()
        self.failing = False  # the last attempt got no answer
        self.requests = 0  # attempts let through, for benchmarks and tests

    def run(self, call: Callable[[], T]) -> T:
        """Wait for a slot and a token, then make the call (one HTTP attempt)."""
        with self._slots:
            with self._turns.turn():
                self._limiter.try_acquire(self.limit.registry)
            if _SHARED_GATE is not None:
                _SHARED_GATE(self.limit.registry)
            with self._lock:
                self.requests += 1
            try:
                result = call()
            except TransientError:
                self.failing = True
                raise
            except NotFound:  # a definite answer: the registry works
                self.failing = False
                raise
            self.failing = False
            return result

    @contextlib.contextmanager
    def serial_when_failing(self) -> Iterator[None]:
        """Hold the registry to one question at a time (all its retries) while it fails."""
        if not self.failing:
            yield
            return
        with self._serial:
            yield


def _rates(rps: float) -> list[Rate]:
    """The window a registry's limit allows, and an even spacing inside it.

    The window alone would let a whole second's requests go at once; any jitter in
    their arrival (a slow first connection, a busy machine) then lands part of one
    burst in the registry's next second with the next burst, over its limit. Spacing
    the requests 1/rps apart keeps the registry's own count even under jitter.

    pyrate-limiter adds its buffer to every wait, the spacing's included, so the gap
    asked for is 1/rps less the buffer: asked for as 1/rps, 10 requests/s came out 150 ms
    apart, a third of the registry's allowance unused. Where 1/rps is no longer than the
    buffer (OpenAlex's 100/s), the buffer alone spaces the requests that queue.

    With the requests that close together, the window is what keeps a request from
    arriving late into the registry's count of the next: it is made `WINDOW_MARGIN_MS`
    longer than the registry's. Without that, a thread that took its token but waited
    for Python's lock before sending let an eleventh request land inside the registry's
    one-second window (one 429 in a benchmark run of 110 batches at 10/s).
    """
    per, interval = _as_whole_requests(rps)
    if per == 1:
        return [Rate(1, interval)]
    window = Rate(per, interval + WINDOW_MARGIN_MS)
    gap = interval // per - LIMITER_BUFFER_MS
    return [Rate(1, gap), window] if gap > 0 else [window]


def _as_whole_requests(rps: float) -> tuple[int, int]:
    """(requests, interval in ms) with a whole number of requests, as pyrate-limiter needs."""
    if rps >= 1:
        return int(rps), int(Duration.SECOND * int(rps) / rps)
    return 1, int(Duration.SECOND / rps)


# How often a thread waiting for the shared log's file lock tries again (filelock's
# default, 50 ms, is the whole buffer; see the module docstring).
_FILE_LOCK_POLL = 0.002


def _shared_bucket(limit: HostLimit, rates: list[Rate]) -> SQLiteBucket:
    """The registry's rate log in the shared SQLite file, behind its file lock."""
    assert limit.shared_db is not None
    try:
        Path(limit.shared_db).parent.mkdir(parents=True, exist_ok=True)
        opened = SQLiteBucket.init_from_file(  # creates the file, the table, WAL mode
            rates,
            table=_table_name(limit),
            db_path=limit.shared_db,
            create_new_table=True,
            use_file_lock=True,
        )
    except (OSError, sqlite3.Error) as exc:
        raise InputError(
            f"CITEAUDIT_RATE_LIMIT_DB={limit.shared_db!r} cannot be opened: {exc}"
        ) from exc
    # The same lock file init_from_file uses, polled faster. A poll_interval set on its
    # lock afterwards would reach only this thread: the lock's state is per thread.
    lock = FileLock(limit.shared_db + ".lock", poll_interval=_FILE_LOCK_POLL)
    return SQLiteBucket(rates, opened.conn, opened.table, lock=lock)


def _table_name(limit: HostLimit) -> str:
    """One table per registry and base URL, named safely for SQL (pyrate-limiter quotes
    but does not escape it); the hash keeps URLs that differ only in punctuation apart."""
    key = f"{limit.registry} {limit.base_url}"
    slug = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")[:40]
    return f"citeaudit_rate_{slug}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"


_THROTTLES: dict[HostLimit, Throttle] = {}
_THROTTLES_LOCK = threading.Lock()


def _after_fork_in_child() -> None:
    """A forked worker must not use its parent's SQLite connection or file lock."""
    global _THROTTLES_LOCK
    _THROTTLES_LOCK = threading.Lock()  # another thread may have held it at the fork
    for limit in [limit for limit in _THROTTLES if limit.shared_db is not None]:
        del _THROTTLES[limit]


os.register_at_fork(after_in_child=_after_fork_in_child)


def throttle(limit: HostLimit) -> Throttle:
    """The process-wide throttle for this registry and limit."""
    with _THROTTLES_LOCK:
        found = _THROTTLES.get(limit)
        if found is None:
            found = _THROTTLES[limit] = Throttle(limit)
        return found


def host_limits(settings: Settings) -> dict[str, HostLimit]:
    """The limit of each registry, from the settings (see config.py for the defaults)."""
    shared = settings.rate_limit_db
    return {
        "crossref": HostLimit(
            "crossref",
            settings.crossref_url,
            settings.crossref_rps,
            settings.crossref_concurrency,
            shared,
        ),
        "openalex": HostLimit(
            "openalex",
            settings.openalex_url,
            settings.openalex_rate,
            settings.openalex_concurrency,
            shared,
        ),
        "doi.org": HostLimit(
            "doi.org", settings.doi_url, settings.doi_rps, settings.doi_concurrency, shared
        ),
    }


def throttle_for(registry: str, settings: Settings) -> Throttle:
    """Shorthand used by each client: `throttle_for("crossref", settings).run(call)`."""
    return throttle(host_limits(settings)[registry])


def ask_throttled(
    registry: str,
    url: str,
    call: Callable[[], object],
    settings: Settings,
    throttle: Throttle,
    breaker: CircuitBreaker,
) -> RegistryAnswer:
    """One registry question, asked politely: every attempt (retries included) within the
    registry's limits, one at a time while it is failing, secrets kept out of errors.
    Every client asks through here, so the politeness rules live in one place."""
    with throttle.serial_when_failing():
        return ask(
            registry,
            url,
            lambda: throttle.run(call),
            settings.retries,
            settings.backoff,
            breaker=breaker,
            max_retry_after=settings.max_retry_after,
            secrets=(settings.mailto, settings.openalex_api_key),
        )
