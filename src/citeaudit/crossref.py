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
from citeaudit.registry import NotFound, RegistryAnswer, TransientError, ask, classify_status


class CrossrefClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._cr = Crossref(
            base_url=settings.crossref_url,
            mailto=settings.mailto or "",
            ua_string="citeaudit/0.1",
            timeout=int(max(1, settings.timeout)),
        )

    def work(self, doi: str) -> RegistryAnswer:
        """The Crossref record of a DOI (`message` of /works/{doi})."""
        url = f"{self.settings.crossref_url}/works/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            body = self._request(lambda: self._cr.works(ids=doi), f"Crossref /works/{doi}")
            if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
                raise TransientError(f"Crossref /works/{doi}: unexpected response shape")
            return body["message"]

        return ask("crossref", url, call, self.settings.retries, self.settings.backoff)

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
            return items

        return ask("crossref", url, call, self.settings.retries, self.settings.backoff)

    @staticmethod
    def _request(call: Any, what: str) -> Any:
        try:
            return call()
        except httpx2.HTTPStatusError as exc:
            raise classify_status(exc.response.status_code, what) from None
        except RequestError as exc:  # habanero: non-JSON body or JSON error message
            status = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
            if status == 200:  # a 200 that is not JSON: a proxy page, not an answer
                raise TransientError(f"{what}: non-JSON response") from None
            raise classify_status(status, what) from None
        except (httpx2.HTTPError, RuntimeError) as exc:
            raise TransientError(f"{what}: {type(exc).__name__}") from None
        except (json.JSONDecodeError, ValueError) as exc:
            raise TransientError(f"{what}: malformed response ({type(exc).__name__})") from None


__all__ = ["CrossrefClient", "NotFound"]
