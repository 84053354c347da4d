"""DataCite: the metadata of DOIs that DataCite, not Crossref, registers.

Datasets, software, preprints (arXiv, Zenodo, Dryad, figshare) carry DataCite DOIs.
Crossref's API does not have them, so without this client such a reference could only
be called "registered with another agency": its DOI resolves, but whether the article
wrote its title, authors and year right stayed unknown. DataCite's REST API
(`GET /dois/{doi}`) answers with the record, which is normalised to the same `Work`
every other registry gives (`registries/works.py`) and checked field for field.

Asked only for a DOI the doi.org "Which RA?" answer gives to DataCite. Base URL from
CITEAUDIT_DATACITE_URL (default https://api.datacite.org); as with Europe PMC, a run
whose other registries are redirected (a mirror, a test server) does not ask the
public service unless told to. A fault is "no answer" (the reference stays
unverified); a 404 is DataCite's definite "not here".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from citeaudit.config import Settings
from citeaudit.registries.answers import (
    NotFound,
    RegistryAnswer,
    TransientError,
    ask,
    classify_status,
)
from citeaudit.registries.http import SameHostSession


class DataCiteClient:
    def __init__(self, settings: Settings):
        if not settings.datacite_url:
            raise ValueError("no DataCite URL configured")
        self.base_url = settings.datacite_url.rstrip("/")
        self.settings = settings
        self.session = SameHostSession()
        self.session.headers["User-Agent"] = "citeaudit/0.1" + (
            f" (mailto:{settings.mailto})" if settings.mailto else ""
        )
        self.session.headers["Accept"] = "application/vnd.api+json, application/json"

    def work(self, doi: str) -> RegistryAnswer:
        """DataCite's record of `doi` (the `data` object of its JSON:API answer)."""
        url = f"{self.base_url}/dois/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            try:
                response = self.session.get(url, timeout=self.settings.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"DataCite: {type(exc).__name__}") from None
            if response.status_code == 404:
                raise NotFound("DataCite: DOI not found")
            if response.status_code != 200:
                raise classify_status(response.status_code, "DataCite", response.headers)
            try:
                body = response.json()
            except ValueError:
                raise TransientError("DataCite: malformed response (not JSON)") from None
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
                raise TransientError("DataCite: unexpected response shape")
            return data

        return ask(
            "datacite", url, call, self.settings.retries, self.settings.backoff,
            max_retry_after=self.settings.max_retry_after,
            secrets=(self.settings.mailto,),
        )  # fmt: skip
