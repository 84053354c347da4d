"""Asks the doi.org handle API whether a DOI is registered at all.

A DOI missing from Crossref may be registered with DataCite, mEDRA or another
agency; only the handle system can say that a DOI does not exist anywhere.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from citeaudit.config import Settings
from citeaudit.registries.answers import (
    CircuitBreaker,
    NotFound,
    RegistryAnswer,
    TransientError,
    classify_status,
)
from citeaudit.registries.http import SameHostSession
from citeaudit.registries.limits import ask_throttled, throttle_for


class DoiOrgClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._session = SameHostSession()  # never follows a redirect off doi.org
        self._session.headers["User-Agent"] = "citeaudit/0.1"
        self.breaker = CircuitBreaker(
            "doi.org", settings.breaker_threshold, settings.breaker_cooldown
        )
        self.throttle = throttle_for("doi.org", settings)

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
                return body
            if response.status_code == 404 and code == 100:
                raise NotFound("doi.org: handle not found")
            if response.status_code == 200:  # a 200 we cannot read is not an answer
                raise TransientError("doi.org handle: malformed response")
            if response.status_code in (404, 410):  # a page, not the handle API's "not found"
                raise TransientError(
                    f"doi.org handle: HTTP {response.status_code} without a handle-API answer"
                )
            raise classify_status(response.status_code, "doi.org handle", response.headers)

        return ask_throttled("doi.org", url, call, self.settings, self.throttle, self.breaker)

    def agency(self, doi: str) -> RegistryAnswer:
        """doi.org's "Which RA?" answer: the agency that registered a DOI (Crossref,
        DataCite, mEDRA, ...). Asked only for DOIs Crossref lacks, to say who holds them."""
        url = f"{self.settings.doi_url}/ra/{quote(doi, safe='/')}"

        def call() -> list[dict[str, Any]]:
            try:
                response = self._session.get(url, timeout=self.settings.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"doi.org RA: {type(exc).__name__}") from None
            if response.status_code != 200:
                raise classify_status(response.status_code, "doi.org RA", response.headers)
            try:
                body = response.json()
            except ValueError:
                raise TransientError("doi.org RA: malformed response") from None
            if not isinstance(body, list) or not body or not isinstance(body[0], dict):
                raise TransientError("doi.org RA: unexpected response shape")
            if "RA" not in body[0]:
                raise NotFound(f"doi.org RA: {body[0].get('status', 'unknown DOI')}")
            return body

        return ask_throttled("doi.org", url, call, self.settings, self.throttle, self.breaker)
