"""What every registry client returns, and how transient faults are told apart.

The distinction that matters most in citeaudit: "the registry said this DOI does not
exist" (a definite 404) versus "we could not get an answer" (timeouts, resets, 5xx,
429, malformed bodies). Only the first may ever make a reference `broken`; the second
ends as `unverified`.

Two politeness and liveness rules live here too, because every client needs them:

* a 429 or 503 with `Retry-After` is honoured: the retry waits that long, and so does
  every later request to the same registry (up to `max_retry_after`; a registry that
  asks for a longer pause is treated as down for now, not waited on for an hour);
* a registry that failed `breaker_threshold` references in a row is considered down
  and not asked again for `breaker_cooldown` seconds (a circuit breaker), so a run
  over hundreds of references during an outage ends in minutes, not hours, with each
  reference `unverified` and the reason recorded.
"""

from __future__ import annotations

import email.utils
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tenacity import RetryCallState

AnswerStatus = Literal["found", "not_found", "error"]

DEFAULT_MAX_RETRY_AFTER = 60.0
DEFAULT_BREAKER_THRESHOLD = 5
DEFAULT_BREAKER_COOLDOWN = 60.0


class TransientError(Exception):
    """No definite answer from a registry; never evidence of absence.

    `retry_after` is the pause the registry asked for (seconds, from `Retry-After`);
    `retryable` is False for answers that repeating the same request cannot change
    (400, 401, 403: a bad query or a bad key), which still end as `unverified`.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, retryable: bool = True):
        super().__init__(message)
        self.retry_after = retry_after
        self.retryable = retryable


class NotFound(Exception):
    """The registry answered definitely that it has no such record."""


@dataclass
class RegistryAnswer:
    registry: str  # crossref | openalex | doi.org
    status: AnswerStatus
    url: str
    fetched_at: str
    record: Any = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "status": self.status,
            "url": self.url,
            "fetched_at": self.fetched_at,
            "record": self.record,
            "error": self.error,
        }


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (RFC 9110: delta-seconds or an HTTP-date).

    None when absent or unreadable: a garbled header must not stall or crash a run.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        seconds = float(value)  # not allowed by the RFC, but sent by some proxies ("1.5")
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def classify_status(status: int, what: str, headers: Mapping[str, str] | None = None) -> Exception:
    """HTTP status to our two outcomes: only 404/410 are a definite absence.

    429, 408 and 5xx are retried (honouring `Retry-After`); other 4xx are not retried,
    because the same request will get the same refusal; none of them is an absence.
    """
    if status in (404, 410):
        return NotFound(f"{what}: HTTP {status}")
    retry_after = parse_retry_after(_header(headers, "retry-after"))
    label = f"{what}: HTTP {status}"
    if status == 429:
        label += " (rate limited" + (f", Retry-After {retry_after:g}s)" if retry_after else ")")
    retryable = status in (0, 408, 429) or status >= 500 or status < 400
    return TransientError(label, retry_after=retry_after, retryable=retryable)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    try:
        return headers.get(name) or headers.get(name.title())
    except AttributeError:
        return None


class CircuitBreaker:
    """Per-registry memory across references: Retry-After pauses and "this registry is down".

    Counts answers (after retries), not attempts: `threshold` references in a row
    without an answer open the circuit for `cooldown` seconds; then one reference is
    let through as a probe, and any definite answer (found or not found) closes it.
    """

    def __init__(
        self,
        registry: str,
        threshold: int = DEFAULT_BREAKER_THRESHOLD,
        cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.registry = registry
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0
        self.hold_until = 0.0
        self.last_error: str | None = None

    def refusal(self) -> str | None:
        """Why this registry is not asked now, or None when it may be asked."""
        with self._lock:
            if self._clock() < self.open_until:
                return (
                    f"{self.registry} not asked: it gave no answer {self.failures} times in a row "
                    f"(last: {self.last_error}); it will be asked again after a pause"
                )
            return None

    def wait_for_hold(self, limit: float) -> None:
        """Sleep out a Retry-After pause that an earlier answer asked for."""
        with self._lock:
            remaining = self.hold_until - self._clock()
        if remaining > 0:
            self._sleep(min(remaining, limit))

    def hold(self, seconds: float) -> None:
        with self._lock:
            self.hold_until = max(self.hold_until, self._clock() + seconds)

    def success(self) -> None:
        with self._lock:
            self.failures = 0
            self.open_until = 0.0

    def failure(self, error: str | None, trip: bool = False) -> None:
        """Count a reference without an answer; `trip` opens the circuit at once."""
        with self._lock:
            self.failures += 1
            self.last_error = error
            if trip or self.failures >= self.threshold:
                self.open_until = self._clock() + self.cooldown


def redact(text: str | None, secrets: Iterable[str | None]) -> str | None:
    """Remove configured secrets (API key, contact e-mail) from text bound for snapshots.

    Error messages can echo a request URL or a registry's complaint about a key, and
    snapshots, reports and logs are shared with people who must never see them.
    """
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "[redacted]")
    return text


def ask(
    registry: str,
    url: str,
    call: Callable[[], Any],
    retries: int,
    backoff: float,
    *,
    breaker: CircuitBreaker | None = None,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
    secrets: Iterable[str | None] = (),
) -> RegistryAnswer:
    """Run one registry call with retries on transient faults, and classify the outcome.

    `call` raises NotFound for a definite absence and TransientError for anything
    that is not an answer; any other exception is a bug in the caller and propagates.
    """
    # Imported here: tenacity brings asyncio (and tornado, where installed) with it,
    # which an offline check, that never asks a registry, would compile and load for nothing.
    from tenacity import Retrying, stop_after_attempt, wait_random_exponential

    secrets = tuple(secrets)
    if breaker is not None and (refusal := breaker.refusal()) is not None:
        return RegistryAnswer(registry, "error", url, now_iso(), None, redact(refusal, secrets))
    exponential = wait_random_exponential(multiplier=backoff, max=max(backoff * 8, 0.01))

    def attempt() -> Any:
        if breaker is not None:
            breaker.wait_for_hold(max_retry_after)
        try:
            return call()
        except TransientError as exc:
            if breaker is not None and exc.retry_after:
                breaker.hold(min(exc.retry_after, max_retry_after))
            raise

    def worth_retrying(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        return (
            isinstance(exc, TransientError)
            and exc.retryable
            and (exc.retry_after is None or exc.retry_after <= max_retry_after)
        )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = getattr(exc, "retry_after", None)
        if asked is not None:
            return min(float(asked), max_retry_after)
        return float(exponential(state))

    retrying = Retrying(
        retry=worth_retrying,
        stop=stop_after_attempt(max(0, retries) + 1),
        wait=wait,
        reraise=True,
    )
    try:
        record = retrying(attempt)
    except NotFound as exc:
        if breaker is not None:
            breaker.success()
        message = redact(str(exc) or "not found", secrets)
        return RegistryAnswer(registry, "not_found", url, now_iso(), None, message)
    except TransientError as exc:
        message = redact(str(exc), secrets)
        if breaker is not None:
            too_long = exc.retry_after is not None and exc.retry_after > max_retry_after
            breaker.failure(message, trip=too_long)
        return RegistryAnswer(registry, "error", url, now_iso(), None, message)
    if breaker is not None:
        breaker.success()
    return RegistryAnswer(registry, "found", url, now_iso(), record)
