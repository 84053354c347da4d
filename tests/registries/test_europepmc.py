"""Europe PMC abstracts for works the other registries gave no abstract for.

The real client (requests) talks to a local HTTP server on 127.0.0.1 that answers
Europe PMC's search route with the constructed answers in tests/fixtures/europepmc/
(see tests/fixtures/PROVENANCE.md), or with a fault when told to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from citeaudit.config import DEFAULT_EUROPEPMC_URL, Settings
from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import source_text
from citeaudit.models import Work
from citeaudit.reading.references import parse_reference
from citeaudit.registries.answers import NotFound, TransientError
from citeaudit.registries.europepmc import (
    EuropePMCClient,
    add_europepmc_abstract,
    parse_hit,
    query_for,
)
from citeaudit.verification.lookup import Registries, resolve_reference
from local_http import Answer, LocalServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "europepmc"
HONG_DOI = "10.1097/00002060-199407000-00006"


class EuropePMCServer:
    """Answers `/rest/search` like Europe PMC: the hit for PMID 8043247 or its DOI, no hit
    otherwise; `status` set to an HTTP error makes every answer that error."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.status = 200
        self.server = LocalServer(self._respond)
        self.url = f"{self.server.base}/rest"

    def _respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        parts = urlsplit(path)
        query = parse_qs(parts.query).get("query", [""])[0]
        self.queries.append(query)
        answer = {"Content-Type": "application/json;charset=UTF-8"}
        if self.status != 200:
            return self.status, answer, b"Service Unavailable"
        if parts.path == "/rest/search" and query in (
            "EXT_ID:8043247 AND SRC:MED",
            f'DOI:"{HONG_DOI}"',
        ):
            return 200, answer, (FIXTURES / "search_ext_id_8043247.json").read_bytes()
        return 200, answer, (FIXTURES / "search_no_hit.json").read_bytes()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def europepmc() -> Iterator[EuropePMCServer]:
    server = EuropePMCServer()
    yield server
    server.close()


@pytest.fixture
def client(europepmc: EuropePMCServer) -> EuropePMCClient:
    return EuropePMCClient(
        Settings(europepmc_url=europepmc.url, timeout=5, retries=1, backoff=0.01)
    )


def test_a_pmid_is_asked_for_exactly_and_a_doi_in_quotes():
    assert query_for("8043247", HONG_DOI) == "EXT_ID:8043247 AND SRC:MED"
    assert query_for(None, "10.1097/ABC") == 'DOI:"10.1097/abc"'
    assert query_for(None, None) is None


def test_a_work_without_an_abstract_gets_europe_pmcs_and_says_so(client, europepmc):
    work = Work(doi=HONG_DOI, pmid="8043247", title="Lidocaine injection versus dry needling")
    answers: dict = {}
    notes: list[str] = []
    add_europepmc_abstract(work, client, answers, notes)
    assert work.abstract_source == "europepmc"
    assert work.abstract.startswith("This study was designed to investigate")
    assert "(LTRs)" in work.abstract and "<i>" not in work.abstract, "inline HTML stripped"
    assert answers["europepmc"]["status"] == "found" and notes == []
    assert europepmc.queries == ["EXT_ID:8043247 AND SRC:MED"]
    text = source_text("hong1994", work.title, work.abstract, "journal-article", "europepmc")
    assert text.has_text and text.text_source == "europepmc"


def test_a_work_known_by_its_doi_alone_is_found_by_doi(client, europepmc):
    work = Work(doi=HONG_DOI)
    add_europepmc_abstract(work, client, {}, [])
    assert work.abstract_source == "europepmc" and work.pmid == "8043247"
    assert europepmc.queries == [f'DOI:"{HONG_DOI}"']


def test_no_hit_is_recorded_and_leaves_the_work_without_text(client):
    work = Work(doi="10.1234/none")
    answers: dict = {}
    add_europepmc_abstract(work, client, answers, [])
    assert work.abstract is None and work.abstract_source is None
    assert answers["europepmc"]["status"] == "not_found"


def test_an_abstract_from_crossref_or_openalex_is_kept_and_europe_pmc_not_asked(client, europepmc):
    work = Work(doi=HONG_DOI, pmid="8043247", abstract="Registry text.", abstract_source="openalex")
    add_europepmc_abstract(work, client, {}, [])
    assert (work.abstract, work.abstract_source) == ("Registry text.", "openalex")
    assert europepmc.queries == []


def test_an_outage_costs_the_abstract_only_and_is_noted(client, europepmc):
    europepmc.status = 503
    work = Work(doi=HONG_DOI, pmid="8043247")
    answers: dict = {}
    notes: list[str] = []
    add_europepmc_abstract(work, client, answers, notes)
    assert work.abstract is None
    assert "europepmc" not in answers, "a fault must not make the reference look unverified"
    assert notes and notes[0].startswith("no abstract from Europe PMC") and "503" in notes[0]
    assert len(europepmc.queries) == 2, "one retry on a transient fault"


def test_the_base_url_comes_from_the_environment_and_a_redirected_run_stays_local():
    assert Settings.from_env({}).europepmc_url == DEFAULT_EUROPEPMC_URL
    custom = Settings.from_env({"CITEAUDIT_EUROPEPMC_URL": "http://127.0.0.1:9/rest/"})
    assert custom.europepmc_url == "http://127.0.0.1:9/rest"
    assert Settings.from_env({"CITEAUDIT_EUROPEPMC_URL": "off"}).europepmc_url is None
    mirror = Settings.from_env({"CITEAUDIT_CROSSREF_URL": "http://127.0.0.1:9/crossref"})
    assert mirror.europepmc_url is None, "never a public service the run was not told about"


def test_a_malformed_answer_is_not_an_answer_and_a_loose_hit_is_not_the_work():
    good = json.loads((FIXTURES / "search_ext_id_8043247.json").read_text())
    assert parse_hit(good, "8043247", None).pmid == "8043247"
    with pytest.raises(NotFound):
        parse_hit(good, "1234567", None)  # a hit for another work is no answer about this one
    with pytest.raises(TransientError):
        parse_hit({"hitCount": 1}, "8043247", None)


def test_resolving_a_reference_fetches_the_missing_abstract_and_the_judge_reads_it(
    registry, settings, europepmc
):
    # Crossref's record of Hong 1994, constructed in Crossref's shape, without an abstract
    # (as Crossref has it for most papers of that age); OpenAlex does not know the DOI.
    registry.add_crossref_work(
        {
            "DOI": HONG_DOI,
            "type": "journal-article",
            "title": [
                "Lidocaine Injection Versus Dry Needling to Myofascial Trigger Point. "
                "The Importance of the Local Twitch Response"
            ],
            "author": [{"family": "Hong", "given": "Chang-Zern"}],
            "container-title": ["American Journal of Physical Medicine & Rehabilitation"],
            "short-container-title": ["Am J Phys Med Rehabil"],
            "volume": "73",
            "issue": "4",
            "page": "256-263",
            "published-print": {"date-parts": [[1994, 7]]},
            "issued": {"date-parts": [[1994, 7]]},
        }
    )
    ref = parse_reference(
        "Hong CZ. Lidocaine injection versus dry needling to myofascial trigger point. The "
        "importance of the local twitch response. Am J Phys Med Rehabil. 1994;73(4):256-263. "
        f"doi:{HONG_DOI}",
        line_number=1,
    )
    snapshot = resolve_reference(ref, Registries(replace(settings, europepmc_url=europepmc.url)))
    assert snapshot["match"] == "matched"
    assert snapshot["work"]["abstract_source"] == "europepmc"
    assert snapshot["answers"]["europepmc"]["status"] == "found"
    assert europepmc.queries == [f'DOI:"{HONG_DOI}"']
    work = snapshot["work"]
    text = source_text("hong1994", work["title"], work["abstract"], work["type"], "europepmc")
    judgment = judge_claim(
        "Trigger point massage effectively relieves back muscle pain.", [text], cited=True
    )
    assert judgment.verdict == "unsupported"
    assert "hong1994 is about injection and needling, not massage" in judgment.reason
    assert {e.text_source for e in judgment.evidence} <= {"title", "europepmc"}
