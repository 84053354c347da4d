"""Europe PMC: the abstract of a work Crossref and OpenAlex gave no abstract for.

Europe PMC indexes all of PubMed, so a health paper without a registry abstract
(Crossref has abstracts only where publishers deposit them; OpenAlex lacks many older
ones) usually has one here. The REST API is asked by PMID (`EXT_ID:<pmid> AND
SRC:MED`) or by DOI (`DOI:"<doi>"`, quoted: unquoted, Europe PMC searches only up to
the slash) with `resultType=core`, the result type that carries `abstractText`.

Base URL from CITEAUDIT_EUROPEPMC_URL (default https://www.ebi.ac.uk/europepmc/webservices/rest).
Faults are classified as for the other registries (registry.ask): a search with no
hit is a definite "not found"; a timeout, 5xx or malformed body is not an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from citeaudit.config import Settings
from citeaudit.doi import normalize_doi
from citeaudit.models import Work
from citeaudit.registries.abstracts import markup_to_text
from citeaudit.registries.answers import (
    NotFound,
    RegistryAnswer,
    TransientError,
    ask,
    classify_status,
)


@dataclass(frozen=True)
class EuropePMCRecord:
    """What citeaudit keeps of a Europe PMC hit."""

    source: str | None  # MED (PubMed), PMC, PPR (preprint)...
    pmid: str | None
    pmcid: str | None
    doi: str | None
    title: str | None
    abstract: str | None  # plain text (Europe PMC's abstractText may carry HTML)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def query_for(pmid: str | None, doi: str | None) -> str | None:
    """The search that finds exactly this work: by PMID when known (unambiguous), else DOI."""
    if pmid and pmid.strip().isdigit():
        return f"EXT_ID:{pmid.strip()} AND SRC:MED"
    if doi:
        return f'DOI:"{normalize_doi(doi)}"'
    return None


def parse_hit(body: Any, pmid: str | None, doi: str | None) -> EuropePMCRecord:
    """The hit for this work in a search response; NotFound when there is none,
    TransientError when the body is not a search response at all."""
    if not isinstance(body, dict) or not isinstance(body.get("resultList"), dict):
        raise TransientError("Europe PMC: unexpected response shape")
    results = body["resultList"].get("result")
    if not isinstance(results, list):
        raise TransientError("Europe PMC: unexpected response shape")
    wanted_doi = normalize_doi(doi) if doi else None
    for hit in results:
        if not isinstance(hit, dict):
            continue
        hit_doi = normalize_doi(hit["doi"]) if hit.get("doi") else None
        # A search can match loosely; only the work asked for counts.
        if (pmid and str(hit.get("pmid") or "") == pmid.strip()) or (
            not pmid and wanted_doi and hit_doi == wanted_doi
        ):
            return EuropePMCRecord(
                source=hit.get("source"),
                pmid=str(hit["pmid"]) if hit.get("pmid") else None,
                pmcid=hit.get("pmcid"),
                doi=hit_doi,
                title=markup_to_text(hit.get("title")),
                abstract=markup_to_text(hit.get("abstractText")),
            )
    raise NotFound("Europe PMC: no record for this work")


class EuropePMCClient:
    def __init__(self, settings: Settings):
        if not settings.europepmc_url:
            raise ValueError("no Europe PMC URL configured")
        self.base_url = settings.europepmc_url.rstrip("/")
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.backoff = settings.backoff
        self.max_retry_after = settings.max_retry_after
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "citeaudit/0.1" + (
            f" (mailto:{settings.mailto})" if settings.mailto else ""
        )

    def work(self, pmid: str | None = None, doi: str | None = None) -> RegistryAnswer:
        """The Europe PMC record (with abstract) of a work, by PMID or DOI.

        The answer's record is an EuropePMCRecord as a dict; its `abstract` may be None
        (Europe PMC knows the work but has no abstract for it).
        """
        query = query_for(pmid, doi)
        if query is None:
            raise ValueError("a PMID or a DOI is needed to ask Europe PMC")
        params = {"query": query, "resultType": "core", "format": "json", "pageSize": "5"}
        url = f"{self.base_url}/search?{urlencode(params)}"

        def call() -> dict[str, Any]:
            try:
                response = self.session.get(url, timeout=self.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"Europe PMC: {type(exc).__name__}") from None
            if response.status_code != 200:
                raise classify_status(response.status_code, "Europe PMC search", response.headers)
            try:
                body = response.json()
            except ValueError:
                raise TransientError("Europe PMC: malformed response (not JSON)") from None
            return parse_hit(body, pmid, doi).to_dict()

        return ask(
            "europepmc", url, call, self.retries, self.backoff,
            max_retry_after=self.max_retry_after,
        )  # fmt: skip


def add_europepmc_abstract(
    work: Work | None,
    client: EuropePMCClient | None,
    answers: dict[str, dict[str, Any] | None],
    notes: list[str],
) -> None:
    """Give `work` Europe PMC's abstract when Crossref and OpenAlex gave none.

    Called once per resolved reference (verification/lookup.py). The answer is kept under
    `answers["europepmc"]` when Europe PMC answered; a fault is only noted: it costs
    the abstract (claims on this source stay `unverifiable`), never the reference's
    match or standing, which Europe PMC has no say in.
    """
    if work is None or work.abstract or client is None:
        return
    if query_for(work.pmid, work.doi) is None:
        return
    answer = client.work(pmid=work.pmid, doi=work.doi)
    if answer.status == "error":
        notes.append(f"no abstract from Europe PMC: {answer.error}")
        return
    answers["europepmc"] = answer.to_dict()
    record = answer.record if answer.status == "found" else None
    if record and record.get("abstract"):
        work.abstract = record["abstract"]
        work.abstract_source = "europepmc"
        work.pmid = work.pmid or record.get("pmid")
