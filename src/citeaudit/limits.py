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
  our clock and the registry's counter.

While a registry is failing (its last attempt got no answer), requests to it are
made one at a time (`serial_when_failing`): a struggling registry is not hit by five
threads at once, and the circuit breaker (registry.py) sees the failures in order,
so it opens after as few wasted requests as in a sequential run.

Throttles are shared per process by registry and base URL, so any number of
`Registries` built in one process (flow tasks in threads, say) share one budget.
Several processes or machines asking the same registry do not: run the resolution
stage in one place (the flow resolves one batch at a time for that reason).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from pyrate_limiter import Duration, InMemoryBucket, Limiter, Rate

from citeaudit.config import Settings
from citeaudit.registry import CircuitBreaker, NotFound, RegistryAnswer, TransientError, ask

T = TypeVar("T")


@dataclass(frozen=True)
class HostLimit:
    """The published limit of one registry: requests per second and at once."""

    registry: str
    base_url: str
    rps: float
    concurrency: int


class Throttle:
    """Run calls to one registry within its rate and concurrency limits."""

    def __init__(self, limit: HostLimit):
        self.limit = limit
        self._slots = threading.BoundedSemaphore(max(1, limit.concurrency))
        # pyrate-limiter counts whole requests per interval: 2.5/s becomes 5 per 2 s.
        per, interval = _as_whole_requests(limit.rps)
        self._limiter = Limiter(InMemoryBucket([Rate(per, interval)]))
        self._lock = threading.Lock()
        self._serial = threading.Lock()
        self.failing = False  # the last attempt got no answer
        self.requests = 0  # attempts let through, for benchmarks and tests

    def run(self, call: Callable[[], T]) -> T:
        """Wait for a slot and a token, then make the call (one HTTP attempt)."""
        with self._slots:
            self._limiter.try_acquire(self.limit.registry)
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


def _as_whole_requests(rps: float) -> tuple[int, int]:
    """(requests, interval in ms) with a whole number of requests, as pyrate-limiter needs."""
    if rps >= 1:
        return int(rps), int(Duration.SECOND * int(rps) / rps)
    return 1, int(Duration.SECOND / rps)


_THROTTLES: dict[HostLimit, Throttle] = {}
_THROTTLES_LOCK = threading.Lock()


def throttle(limit: HostLimit) -> Throttle:
    """The process-wide throttle for this registry and limit."""
    with _THROTTLES_LOCK:
        found = _THROTTLES.get(limit)
        if found is None:
            found = _THROTTLES[limit] = Throttle(limit)
        return found


def host_limits(settings: Settings) -> dict[str, HostLimit]:
    """The limit of each registry, from the settings (see config.py for the defaults)."""
    return {
        "crossref": HostLimit(
            "crossref", settings.crossref_url, settings.crossref_rps, settings.crossref_concurrency
        ),
        "openalex": HostLimit(
            "openalex", settings.openalex_url, settings.openalex_rate, settings.openalex_concurrency
        ),
        "doi.org": HostLimit(
            "doi.org", settings.doi_url, settings.doi_rps, settings.doi_concurrency
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
