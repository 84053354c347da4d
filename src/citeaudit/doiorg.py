"""Asks the doi.org handle API whether a DOI is registered at all.

A DOI missing from Crossref may be registered with DataCite, mEDRA or another
agency; only the handle system can say that a DOI does not exist anywhere.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from citeaudit.config import Settings
from citeaudit.registry import NotFound, RegistryAnswer, TransientError, ask


class DoiOrgClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "citeaudit/0.1"

    def handle(self, doi: str) -> RegistryAnswer:
        url = f"{self.settings.doi_url}/api/handles/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            try:
                response = self._session.get(url, timeout=self.settings.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"doi.org handle: {type(exc).__name__}") from None
            try:
                body = response.json()
            except ValueError:
                body = None
            code = body.get("responseCode") if isinstance(body, dict) else None
            # responseCode 1: handle found; 100: handle not found (the API's documented codes).
            if response.status_code == 200 and code == 1:
                return body  # type: ignore[return-value]
            if response.status_code == 404 and code == 100:
                raise NotFound("doi.org: handle not found")
            raise TransientError(f"doi.org handle: HTTP {response.status_code}")

        return ask("doi.org", url, call, self.settings.retries, self.settings.backoff)
