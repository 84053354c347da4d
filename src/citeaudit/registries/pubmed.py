"""PubMed: retractions and expressions of concern that the other registries miss.

Crossref's `updated-by` (with Retraction Watch's data) and OpenAlex's `is_retracted`
are asked for every work; neither is complete. PubMed marks a retracted article with
the publication type "Retracted Publication" and links the notice ("Retraction in",
"Expression of concern in"), so a health article's source with a PMID is asked there
too: E-utilities `esummary.fcgi?db=pubmed&id=<pmid>&retmode=json`.

Base URL from CITEAUDIT_PUBMED_URL (default https://eutils.ncbi.nlm.nih.gov/entrez/eutils);
as with Europe PMC, not asked when the other registries are redirected unless told to.
NCBI asks callers to name themselves (`tool`, and `email` when CITEAUDIT_MAILTO is set)
and to stay under 3 requests a second without an API key; one request per work with a
PMID keeps a run far below that.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import requests

from citeaudit.config import Settings
from citeaudit.doi import normalize_doi
from citeaudit.registries.answers import (
    NotFound,
    RegistryAnswer,
    TransientError,
    ask,
    classify_status,
)
from citeaudit.registries.http import SameHostSession
from citeaudit.registries.limits import HostLimit, Throttle, throttle

# PubMed's words for a changed standing: publication types of the article itself, and
# the links (CommentsCorrections) from it to the notice.
_PUBLICATION_TYPES = {
    "retracted publication": "retraction",
    "expression of concern": "expression_of_concern",
}
_LINK_TYPES = {
    "retraction in": "retraction",
    "expression of concern in": "expression_of_concern",
}
_NOTICE_DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?:\s|$)", re.IGNORECASE)


class PubMedClient:
    def __init__(self, settings: Settings):
        if not settings.pubmed_url:
            raise ValueError("no PubMed URL configured")
        self.base_url = settings.pubmed_url.rstrip("/")
        self.settings = settings
        self.session = SameHostSession()
        self.session.headers["User-Agent"] = "citeaudit/0.1"
        # NCBI's limit without an API key: 3 requests a second, from this process.
        self.throttle: Throttle = throttle(
            HostLimit("pubmed", self.base_url, 3.0, 1, settings.rate_limit_db)
        )

    def summary(self, pmid: str) -> RegistryAnswer:
        """PubMed's document summary of one article (`result[pmid]` of esummary)."""
        params = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": "citeaudit"}
        if self.settings.mailto:
            params["email"] = self.settings.mailto
        url = f"{self.base_url}/esummary.fcgi?{urlencode(params)}"

        def call() -> dict[str, Any]:
            try:
                response = self.session.get(url, timeout=self.settings.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"PubMed: {type(exc).__name__}") from None
            if response.status_code != 200:
                raise classify_status(response.status_code, "PubMed esummary", response.headers)
            try:
                body = response.json()
            except ValueError:
                raise TransientError("PubMed: malformed response (not JSON)") from None
            result = body.get("result") if isinstance(body, dict) else None
            if not isinstance(result, dict):
                raise TransientError("PubMed: unexpected response shape")
            record = result.get(str(pmid))
            if not isinstance(record, dict) or record.get("error"):
                raise NotFound(f"PubMed: no article with PMID {pmid}")
            return record

        return ask(
            "pubmed", url, lambda: self.throttle.run(call), self.settings.retries,
            self.settings.backoff, max_retry_after=self.settings.max_retry_after,
            secrets=(self.settings.mailto,),
        )  # fmt: skip


def pubmed_notices(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The standing PubMed gives an article, as notices in the shape of `Work.updates`.

    A notice PubMed links to carries its DOI when PubMed's citation of it has one; a
    publication type with no link still counts (the type alone is PubMed's word).
    """
    notices: list[dict[str, Any]] = []
    for link in record.get("references") or []:
        kind = _LINK_TYPES.get(str(link.get("reftype", "")).strip().lower())
        if kind is None:
            continue
        found = _NOTICE_DOI.search(str(link.get("refsource") or ""))
        notices.append(
            {
                "type": kind,
                "doi": normalize_doi(found.group(1)) if found else None,
                "date": None,
                "source": "pubmed",
                "pmid": str(link["pmid"]) if link.get("pmid") else None,
            }
        )
    for name in record.get("pubtype") or []:
        kind = _PUBLICATION_TYPES.get(str(name).strip().lower())
        if kind and not any(n["type"] == kind for n in notices):
            notices.append({"type": kind, "doi": None, "date": None, "source": "pubmed"})
    return notices
