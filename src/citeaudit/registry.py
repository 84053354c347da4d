"""What every registry client returns, and how transient faults are told apart.

The distinction that matters most in citeaudit: "the registry said this DOI does not
exist" (a definite 404) versus "we could not get an answer" (timeouts, resets, 5xx,
429, malformed bodies). Only the first may ever make a reference `broken`; the second
ends as `unverified`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

AnswerStatus = Literal["found", "not_found", "error"]


class TransientError(Exception):
    """No definite answer from a registry; worth retrying, never evidence of absence."""


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


def ask(
    registry: str,
    url: str,
    call: Callable[[], Any],
    retries: int,
    backoff: float,
) -> RegistryAnswer:
    """Run one registry call with retries on transient faults, and classify the outcome.

    `call` raises NotFound for a definite absence and TransientError for anything
    that is not an answer; any other exception is a bug in the caller and propagates.
    """
    retrying = Retrying(
        retry=retry_if_exception_type(TransientError),
        stop=stop_after_attempt(retries + 1),
        wait=wait_random_exponential(multiplier=backoff, max=max(backoff * 8, 0.01)),
        reraise=True,
    )
    try:
        record = retrying(call)
    except NotFound as exc:
        return RegistryAnswer(registry, "not_found", url, now_iso(), None, str(exc) or "not found")
    except TransientError as exc:
        return RegistryAnswer(registry, "error", url, now_iso(), None, str(exc))
    return RegistryAnswer(registry, "found", url, now_iso(), record)


def classify_status(status: int, what: str) -> Exception:
    """HTTP status to our two outcomes: only 404/410 are a definite absence."""
    if status in (404, 410):
        return NotFound(f"{what}: HTTP {status}")
    return TransientError(f"{what}: HTTP {status}")
