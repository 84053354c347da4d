"""The registries' polite limits shared by every worker and machine, through Prefect.

Each citeaudit process keeps the registries' rates itself (and the processes of one
machine can share a SQLite log, `CITEAUDIT_RATE_LIMIT_DB`), but workers on several
machines each spend the whole budget. Prefect's global concurrency limits with a slot
decay are rate limits the server keeps for every client, so when the operator creates
them the flow draws on them for each registry request:

    uv run prefect gcl create citeaudit-crossref --limit 10 --slot-decay-per-second 10
    uv run prefect gcl create citeaudit-openalex --limit 10 --slot-decay-per-second 10
    uv run prefect gcl create citeaudit-doi.org --limit 10 --slot-decay-per-second 10

A registry without such a limit is not gated (no server round trip per request).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound

from citeaudit.registries.limits import shared_gate

PREFIX = "citeaudit-"
REGISTRIES = ("crossref", "openalex", "doi.org")


def limit_name(registry: str) -> str:
    return f"{PREFIX}{registry}"


def _configured() -> set[str]:
    """The registries whose global rate limit exists on the server."""
    found = set()
    with get_client(sync_client=True) as client:
        for registry in REGISTRIES:
            try:
                limit = client.read_global_concurrency_limit_by_name(limit_name(registry))
            except ObjectNotFound:
                continue
            if limit.active and limit.slot_decay_per_second:
                found.add(registry)
    return found


@contextmanager
def shared_through_prefect() -> Iterator[set[str]]:
    """While the block runs, registry requests also wait on Prefect's global rate limits
    (those that exist); yields the registries so gated."""
    gated = _configured()

    def gate(registry: str) -> None:
        if registry in gated:
            rate_limit(limit_name(registry), occupy=1, strict=True)

    with shared_gate(gate if gated else None):
        yield gated
