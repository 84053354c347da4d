"""Talks to Crossref through habanero: works by DOI and bibliographic search.

habanero raises different exceptions for the same situation depending on the route
and the body (JSON or not); this module turns them into found / not found /
transient, which is all the rest of citeaudit needs to know.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx2
from habanero import Crossref
from habanero.exceptions import RequestError

from citeaudit.config import Settings
from citeaudit.registries import habanero_pool
from citeaudit.registries.answers import (
    CircuitBreaker,
    NotFound,
    RegistryAnswer,
    TransientError,
    classify_status,
)
from citeaudit.registries.limits import ask_throttled, throttle_for


class CrossrefClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        habanero_pool.install()  # one keep-alive client for all of habanero's requests
        self._cr = Crossref(
            base_url=settings.crossref_url,
            mailto=settings.mailto or "",
            ua_string="citeaudit/0.1",
            timeout=int(max(1, settings.timeout)),
        )
        self.breaker = CircuitBreaker(
            "Crossref", settings.breaker_threshold, settings.breaker_cooldown
        )
        self.throttle = throttle_for("crossref", settings)  # polite pool: rate and concurrency

    def _ask(self, url: str, call: Any) -> RegistryAnswer:
        return ask_throttled("crossref", url, call, self.settings, self.throttle, self.breaker)

    def work(self, doi: str) -> RegistryAnswer:
        """The Crossref record of a DOI (`message` of /works/{doi})."""
        url = f"{self.settings.crossref_url}/works/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            body = self._request(lambda: self._cr.works(ids=doi), f"Crossref /works/{doi}")
            if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
                raise TransientError(f"Crossref /works/{doi}: unexpected response shape")
            return body["message"]

        return self._ask(url, call)

    def search(self, bibliographic: str, rows: int = 5) -> RegistryAnswer:
        """Candidates for a reference string, best first (`items` of a works query)."""
        url = f"{self.settings.crossref_url}/works?query.bibliographic={quote(bibliographic)}&rows={rows}"

        def call() -> list[dict[str, Any]]:
            body = self._request(
                lambda: self._cr.works(query_bibliographic=bibliographic, limit=rows),
                "Crossref search",
            )
            items = (body.get("message") or {}).get("items") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise TransientError("Crossref search: unexpected response shape")
            if not all(isinstance(item, dict) for item in items):
                raise TransientError("Crossref search: unexpected response shape")
            return items

        return self._ask(url, call)

    def works_by_dois(self, dois: list[str]) -> RegistryAnswer:
        """Up to `batch_size` DOIs in one request (`filter=doi:A,doi:B,...`); the items found.

        A DOI missing from a *successful* answer is not in Crossref (the filter matches
        DOIs exactly, case-insensitively); a failed request says nothing about any of them.
        Only DOIs of the common shape belong here (see bulk.BATCHABLE_DOI): a comma in a
        DOI would split the filter. `select` asks for some fields only (standing checks).
        """
        return self._works_filtered(dois, select=None)

    def standing_by_dois(self, dois: list[str]) -> RegistryAnswer:
        """Only what retraction/correction status rests on, for DOIs whose metadata is cached."""
        return self._works_filtered(dois, select=list(STANDING_FIELDS))

    def _works_filtered(self, dois: list[str], select: list[str] | None) -> RegistryAnswer:
        shown = quote(",".join(f"doi:{d}" for d in dois), safe=":/,")
        url = f"{self.settings.crossref_url}/works?filter={shown}&rows={len(dois)}"
        if select:
            url += f"&select={','.join(select)}"

        def call() -> list[dict[str, Any]]:
            body = self._request(
                lambda: self._cr.works(filter={"doi": list(dois)}, limit=len(dois), select=select),
                "Crossref works by DOI",
            )
            message = body.get("message") if isinstance(body, dict) else None
            items = message.get("items") if isinstance(message, dict) else None
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise TransientError("Crossref works by DOI: unexpected response shape")
            total = message.get("total-results")
            if isinstance(total, int) and total > len(items):  # not all returned: no absence
                raise TransientError("Crossref works by DOI: answer truncated")
            return items

        return self._ask(url, call)

    @staticmethod
    def _request(call: Any, what: str) -> Any:
        """Run a habanero call and turn whatever it raises into NotFound or TransientError.

        habanero raises httpx2.HTTPStatusError (non-JSON error bodies), RequestError
        (JSON error bodies, or a 200 that is not JSON), RuntimeError wrapping transport
        errors on the search route, bare httpx2 transport errors on the DOI route, and
        TypeError/KeyError when an error body is JSON of a shape it does not expect.
        """
        try:
            return call()
        except httpx2.HTTPStatusError as exc:
            raise classify_status(exc.response.status_code, what, exc.response.headers) from None
        except RequestError as exc:  # habanero: non-JSON body or JSON error message
            status = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
            if status == 200:  # a 200 that is not JSON: a proxy page, not an answer
                raise TransientError(f"{what}: non-JSON response") from None
            cause = exc.__cause__
            headers = cause.response.headers if isinstance(cause, httpx2.HTTPStatusError) else None
            raise classify_status(status, what, headers) from None
        except RuntimeError as exc:  # habanero wraps transport errors on the search route
            cause = exc.__cause__
            raise TransientError(f"{what}: {type(cause or exc).__name__}") from None
        except httpx2.HTTPError as exc:
            raise TransientError(f"{what}: {type(exc).__name__}") from None
        except (json.JSONDecodeError, ValueError, UnicodeDecodeError) as exc:
            raise TransientError(f"{what}: malformed response ({type(exc).__name__})") from None
        except (TypeError, KeyError, IndexError, AttributeError) as exc:
            # habanero reading an error body of an unexpected shape (`x.json()["message"]`)
            raise TransientError(
                f"{what}: unreadable error response ({type(exc).__name__})"
            ) from None


# The fields a retraction, withdrawal or correction shows in (a notice in `updated-by`,
# or a title the publisher rewrote to "RETRACTED: ..."); see works.crossref_work.
STANDING_FIELDS = ("DOI", "updated-by", "update-to", "title")

__all__ = ["STANDING_FIELDS", "CrossrefClient", "NotFound"]
