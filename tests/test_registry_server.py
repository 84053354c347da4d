"""Specifications of the fake registry server, exercised through the real clients.

Why through the real clients: citeaudit's correctness depends on how ``habanero`` (httpx2) and
``pyalex`` (requests) build URLs, parse answers and raise on errors. These tests pin down that the
server answers those clients exactly like the recorded registries did, so later tests of citeaudit
itself can trust it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import habanero
import httpx2
import pyalex
import pytest
import requests
from habanero import RequestError

from registry_server import (
    CONSTRUCTED_NOTICE_DOI,
    CONSTRUCTED_RETRACTED_DOI,
    FIXTURE_DIR,
    PRIORITY_LIST,
    PRIORITY_SINGLE,
    Corpus,
    RegistryServer,
    make_crossref_entry,
)

PNAS_DOI = "10.1073/pnas.1414271111"
PNAS_CROSSREF_FILE = (
    FIXTURE_DIR
    / "crossref"
    / "crossref_work_10.1073_pnas.1414271111_abstract_updated-by_correction.json"
)
PNAS_OPENALEX_FILE = (
    FIXTURE_DIR / "openalex" / "openalex_work_by_doi_10.1073_pnas.1414271111_with_abstract.json"
)
ARXIV_DATACITE_DOI = "10.48550/arxiv.2312.07559"
MISSING_DOI = "10.1371/notarealdoi"  # the DOI of the recorded Crossref 404
PROVENANCE = FIXTURE_DIR.parent / "PROVENANCE.md"


class Works(pyalex.Works):  # class name must stay "Works": pyalex derives the path from it
    """pyalex hard-codes https://api.openalex.org; swap scheme+host for the fake server's URL."""

    base = ""

    @property
    def url(self) -> str:
        return self.base + super().url.removeprefix("https://api.openalex.org")


def _load_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


@pytest.fixture(scope="module")
def srv() -> Iterator[RegistryServer]:
    """One server for the read-only tests; fault tests start their own so faults cannot leak."""
    with RegistryServer() as server:
        yield server


@pytest.fixture
def fresh() -> Iterator[RegistryServer]:
    """A private server for tests that add faults, records or limits."""
    with RegistryServer() as server:
        yield server


@pytest.fixture
def cr(srv: RegistryServer) -> habanero.Crossref:
    return habanero.Crossref(base_url=srv.crossref_url, mailto="test@example.org")


@pytest.fixture
def works(srv: RegistryServer) -> type[Works]:
    Works.base = srv.openalex_url
    return Works


# --------------------------------------------------------------------------------------------
# Crossref through habanero
# --------------------------------------------------------------------------------------------


def test_crossref_doi_lookup_returns_recorded_record(cr: habanero.Crossref) -> None:
    result = cr.works(ids=PNAS_DOI)
    assert result == _load_json(PNAS_CROSSREF_FILE)
    assert result["message"]["updated-by"][0]["type"] == "correction"


def test_crossref_doi_lookup_serves_recorded_bytes_unchanged(srv: RegistryServer) -> None:
    response = httpx2.get(f"{srv.crossref_url}/works/{PNAS_DOI}")
    assert response.content == PNAS_CROSSREF_FILE.read_bytes()
    assert response.headers["content-type"].startswith("application/json")


def test_crossref_doi_lookup_is_case_insensitive_and_accepts_percent_encoding(
    srv: RegistryServer,
) -> None:
    response = httpx2.get(f"{srv.crossref_url}/works/10.1073%2FPNAS.1414271111")
    assert response.status_code == 200
    assert response.json()["message"]["DOI"] == PNAS_DOI


def test_crossref_missing_doi_raises_http_status_error_404(cr: habanero.Crossref) -> None:
    with pytest.raises(httpx2.HTTPStatusError) as caught:
        cr.works(ids=MISSING_DOI)
    response = caught.value.response
    assert response.status_code == 404
    assert response.text == "Resource not found."
    assert response.headers["content-type"] == "text/plain"


def test_crossref_404s_a_datacite_doi_that_doi_org_knows(
    cr: habanero.Crossref, srv: RegistryServer
) -> None:
    with pytest.raises(httpx2.HTTPStatusError) as caught:
        cr.works(ids=ARXIV_DATACITE_DOI)
    assert caught.value.response.status_code == 404
    handle = httpx2.get(f"{srv.doi_url}/api/handles/{ARXIV_DATACITE_DOI}")
    assert handle.status_code == 200
    assert handle.json()["responseCode"] == 1


def test_crossref_lookup_of_list_item_is_wrapped_in_work_envelope(cr: habanero.Crossref) -> None:
    # Hindawi retraction *notice* recorded only as an item of a members/98 list page.
    result = cr.works(ids="10.1155/2020/5109831")
    assert result["status"] == "ok"
    assert result["message-type"] == "work"
    assert result["message"]["title"][0].startswith("Retracted:")
    assert "update-to" not in result["message"]


def test_crossref_lookup_of_refchecker_bare_message_is_wrapped_in_work_envelope(
    cr: habanero.Crossref,
) -> None:
    result = cr.works(ids="10.1038/s41467-021-22732-w")
    expected = _load_json(
        FIXTURE_DIR
        / "crossref"
        / "refchecker_cache_crossref_message_10.1038_s41467-021-22732-w_with_abstract.json"
    )
    assert result["message"] == expected


def test_crossref_doi_with_parentheses_is_found(cr: habanero.Crossref) -> None:
    assert cr.works(ids="10.1016/0160-4120(81)90073-8")["message"]["type"] == "journal-article"


def test_crossref_bibliographic_query_returns_ranked_items(cr: habanero.Crossref) -> None:
    result = cr.works(
        query_bibliographic=(
            "Makris EA, Responte DJ. Developing functional musculoskeletal tissues through "
            "hypoxia and lysyl oxidase-induced collagen cross-linking. PNAS 2014"
        ),
        limit=5,
    )
    assert result["message-type"] == "work-list"
    message = result["message"]
    assert set(message) == {"facets", "total-results", "items", "items-per-page", "query"}
    assert message["items-per-page"] == 5
    items = message["items"]
    assert 1 <= len(items) <= 5
    assert items[0]["DOI"] == PNAS_DOI
    scores = [item["score"] for item in items]
    assert all(isinstance(s, float) and s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert message["total-results"] >= len(items)


def test_crossref_query_sends_field_query_as_query_bibliographic(
    fresh: RegistryServer,
) -> None:
    cr = habanero.Crossref(base_url=fresh.crossref_url, mailto="test@example.org")
    cr.works(query_bibliographic="collagen hypoxia", limit=3)
    params = fresh.requests_for("crossref")[-1].params
    assert params["query.bibliographic"] == ["collagen hypoxia"]
    assert params["rows"] == ["3"]


def test_crossref_query_with_no_match_returns_empty_list(cr: habanero.Crossref) -> None:
    message = cr.works(query_bibliographic="askldjrq3rjaw938h", limit=1)["message"]
    assert message["items"] == []
    assert message["total-results"] == 0


def test_crossref_title_query_finds_recorded_book_chapter(cr: habanero.Crossref) -> None:
    items = cr.works(query_title="Gravity hill", limit=1)["message"]["items"]
    assert items[0]["DOI"] == "10.2307/j.ctt5vkfh7.11"
    assert items[0]["type"] == "book-chapter"


def test_crossref_plain_query_echoes_search_terms(cr: habanero.Crossref) -> None:
    message = cr.works(query="ecology", limit=2)["message"]
    assert message["query"] == {"start-index": 0, "search-terms": "ecology"}
    assert len(message["items"]) == 2


def test_crossref_doi_filter_returns_exactly_those_records(cr: habanero.Crossref) -> None:
    wanted = [PNAS_DOI, "10.1038/srep16696", MISSING_DOI]
    items = cr.works(filter={"doi": wanted})["message"]["items"]
    assert sorted(item["DOI"] for item in items) == sorted(wanted[:2])


def test_crossref_updates_filter_finds_the_constructed_retraction_notice(
    cr: habanero.Crossref,
) -> None:
    items = cr.works(filter={"updates": CONSTRUCTED_RETRACTED_DOI})["message"]["items"]
    assert [item["DOI"] for item in items] == [CONSTRUCTED_NOTICE_DOI]


def test_crossref_unknown_filter_is_a_validation_failure(cr: habanero.Crossref) -> None:
    with pytest.raises(RequestError) as caught:
        cr.works(filter={"no_such_filter": "x"})
    assert "no-such-filter" in str(caught.value)


def test_crossref_rows_and_offset_page_through_results(cr: habanero.Crossref) -> None:
    first = cr.works(query="fish", limit=3)["message"]["items"]
    second = cr.works(query="fish", limit=3, offset=3)["message"]["items"]
    both = cr.works(query="fish", limit=6)["message"]["items"]
    assert [i["DOI"] for i in first + second] == [i["DOI"] for i in both]


def test_crossref_cursor_deep_paging_terminates(cr: habanero.Crossref) -> None:
    pages = cr.works(query="fish", cursor="*", limit=5, cursor_max=12)
    assert isinstance(pages, list)
    dois = [item["DOI"] for page in pages for item in page["message"]["items"]]
    assert len(dois) == len(set(dois)) >= 12


def test_crossref_select_limits_fields(cr: habanero.Crossref) -> None:
    items = cr.works(query="hypoxia collagen", select=["DOI", "title"], limit=2)["message"]["items"]
    assert items
    assert all(set(item) <= {"DOI", "title"} for item in items)


def test_crossref_oversized_sample_returns_recorded_400(cr: habanero.Crossref) -> None:
    with pytest.raises(RequestError) as caught:
        cr.works(sample=200)
    assert "less than or equal to 100" in str(caught.value)


def test_crossref_correction_is_visible_in_updated_by(cr: habanero.Crossref) -> None:
    updated_by = cr.works(ids="10.1371/journal.pone.0033693")["message"]["updated-by"]
    assert {u["type"] for u in updated_by} == {"correction"}


def test_crossref_constructed_retraction_is_flagged_in_updated_by(cr: habanero.Crossref) -> None:
    message = cr.works(ids=CONSTRUCTED_RETRACTED_DOI)["message"]
    (update,) = message["updated-by"]
    assert update["type"] == "retraction"
    assert update["DOI"] == CONSTRUCTED_NOTICE_DOI
    assert update["source"] == "retraction-watch"
    assert update["updated"]["date-parts"] == [[2021, 3, 1]]
    assert "_provenance" not in message


def test_crossref_record_shapes_match_recorded_correction_entry() -> None:
    """The constructed retraction entry must have the same keys as a recorded correction entry."""
    recorded = _load_json(PNAS_CROSSREF_FILE)["message"]["updated-by"][0]
    constructed = _load_json(
        FIXTURE_DIR
        / "constructed"
        / "constructed_crossref_work_10.5555_citeaudit.2019.0042_updated-by_retraction.json"
    )
    assert set(constructed["message"]["updated-by"][0]) == set(recorded)
    assert set(constructed["message"]["updated-by"][0]["updated"]) == set(recorded["updated"])


def test_crossref_registration_agency_route(cr: habanero.Crossref) -> None:
    assert cr.registration_agency(PNAS_DOI) == ["Crossref"]


# --------------------------------------------------------------------------------------------
# OpenAlex through pyalex
# --------------------------------------------------------------------------------------------


def test_openalex_doi_url_lookup_returns_recorded_work(works: type[Works]) -> None:
    work = works()[f"https://doi.org/{PNAS_DOI}"]
    assert dict(work) == _load_json(PNAS_OPENALEX_FILE)
    assert work["abstract"].startswith("Significance The inadequate mechanical properties")
    assert work["is_retracted"] is False


def test_openalex_pyalex_sends_percent_encoded_doi_url_in_path(
    works: type[Works], srv: RegistryServer
) -> None:
    works()[f"https://doi.org/{PNAS_DOI}"]
    last = srv.requests_for("openalex")[-1]
    assert last.path == "/openalex/works/https%3A%2F%2Fdoi.org%2F10.1073%2Fpnas.1414271111"
    assert last.query == ""


@pytest.mark.parametrize(
    "identifier",
    [
        PNAS_DOI,
        f"doi:{PNAS_DOI}",
        f"https://doi.org/{PNAS_DOI.upper()}",
        "W2109415576",
        "https://openalex.org/W2109415576",
    ],
)
def test_openalex_lookup_accepts_every_id_form(srv: RegistryServer, identifier: str) -> None:
    response = requests.get(f"{srv.openalex_url}/works/{identifier}", timeout=5)
    assert response.status_code == 200
    assert response.json()["id"] == "https://openalex.org/W2109415576"


def test_openalex_missing_doi_raises_http_error_404(works: type[Works]) -> None:
    with pytest.raises(requests.HTTPError) as caught:
        works()[f"https://doi.org/{MISSING_DOI}"]
    response = caught.value.response
    assert response is not None
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert (
        response.content
        == (FIXTURE_DIR / "openalex" / "openalex_404_work_not_found.html").read_bytes()
    )


def test_openalex_title_search_filter_returns_ranked_works(works: type[Works]) -> None:
    results = (
        works()
        .filter(title={"search": "Augmenting large language models with chemistry tools"})
        .get()
    )
    assert results.meta["count"] == len(results) >= 1
    assert results[0]["doi"] == "https://doi.org/10.1038/s42256-024-00832-8"
    scores = [w["relevance_score"] for w in results]
    assert scores == sorted(scores, reverse=True)


def test_openalex_title_search_keeps_commas_and_colons_inside_the_value(
    works: type[Works],
) -> None:
    title = (
        "Effect of native oxide layers on copper thin-film tensile properties: "
        "A reactive molecular dynamics study"
    )
    results = works().filter(title={"search": title}).get()
    assert results[0]["doi"] == "https://doi.org/10.1063/1.4938384"


def test_openalex_search_returns_relevance_scores(works: type[Works]) -> None:
    results = works().search("lysyl oxidase hypoxia collagen").get(per_page=5)
    assert results[0]["doi"] == f"https://doi.org/{PNAS_DOI}"
    assert results.meta["per_page"] == 5
    assert all(w["relevance_score"] > 0 for w in results)


def test_openalex_search_without_match_returns_empty_results(works: type[Works]) -> None:
    results = works().search("askldjrq3rjaw938h").get()
    assert list(results) == []
    assert results.meta["count"] == 0


def test_openalex_doi_or_filter_returns_those_works_in_request_order(works: type[Works]) -> None:
    wanted = [
        "https://doi.org/10.1016/j.addr.2015.01.008",
        PNAS_DOI,
        "10.9999/not-in-openalex",
    ]
    results = works().filter_or(doi=wanted).get()
    assert [w["doi"] for w in results] == [
        "https://doi.org/10.1016/j.addr.2015.01.008",
        f"https://doi.org/{PNAS_DOI}",
    ]


def test_openalex_constructed_retraction_has_is_retracted_true(works: type[Works]) -> None:
    work = works()[f"https://doi.org/{CONSTRUCTED_RETRACTED_DOI}"]
    assert work["is_retracted"] is True
    assert "_provenance" not in work
    retracted = works().filter(is_retracted=True).get()
    assert [w["doi"] for w in retracted] == [f"https://doi.org/{CONSTRUCTED_RETRACTED_DOI}"]


def test_openalex_select_recording_answers_only_its_select(srv: RegistryServer) -> None:
    url = f"{srv.openalex_url}/works/https://doi.org/10.1002/wrna.1370"
    assert requests.get(url + "?select=open_access,doi", timeout=5).status_code == 200
    # Without select the real API would send a full work we never recorded.
    assert requests.get(url, timeout=5).status_code == 404


def test_openalex_unknown_filter_raises_pyalex_query_error(works: type[Works]) -> None:
    with pytest.raises(pyalex.api.QueryError):
        works().filter(no_such_field="x").get()


def test_openalex_pagination_visits_every_hit_once(works: type[Works]) -> None:
    expected = works().search("chemistry language models").get(per_page=200)
    pages = list(works().search("chemistry language models").paginate(per_page=1))
    seen = [w["id"] for page in pages for w in page]
    assert seen == [w["id"] for w in expected]


def test_openalex_doi_less_work_is_reachable_by_openalex_id(srv: RegistryServer) -> None:
    response = requests.get(f"{srv.openalex_url}/works/W101140271", timeout=5)
    assert response.status_code == 200
    assert response.json()["doi"] is None


# --------------------------------------------------------------------------------------------
# doi.org
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doi",
    [PNAS_DOI, "10.1016/j.addr.2015.01.008", ARXIV_DATACITE_DOI, CONSTRUCTED_RETRACTED_DOI],
    ids=["crossref", "openalex-only", "registered-elsewhere", "constructed"],
)
def test_doi_handle_api_finds_registered_dois(srv: RegistryServer, doi: str) -> None:
    response = requests.get(f"{srv.doi_url}/api/handles/{doi}", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["responseCode"] == 1
    assert body["handle"] == doi
    assert {v["type"] for v in body["values"]} == {"URL", "HS_ADMIN"}


def test_doi_handle_api_answers_404_response_code_100_for_unknown_doi(srv: RegistryServer) -> None:
    response = requests.get(f"{srv.doi_url}/api/handles/{MISSING_DOI}", timeout=5)
    assert response.status_code == 404
    assert response.json() == {"responseCode": 100, "handle": MISSING_DOI}


def test_doi_handle_api_type_filter_keeps_only_url_value(srv: RegistryServer) -> None:
    body = requests.get(f"{srv.doi_url}/api/handles/{PNAS_DOI}?type=URL", timeout=5).json()
    assert [v["type"] for v in body["values"]] == ["URL"]
    assert body["values"][0]["data"]["value"] == "https://pnas.org/doi/full/10.1073/pnas.1414271111"


def test_doi_registered_elsewhere_is_configurable(fresh: RegistryServer) -> None:
    fresh.registered_elsewhere.add("10.5281/zenodo.1234")
    url = f"{fresh.doi_url}/api/handles/10.5281/zenodo.1234"
    assert requests.get(url, timeout=5).status_code == 200


def test_doi_ra_names_registration_agency(srv: RegistryServer) -> None:
    answer = requests.get(
        f"{srv.doi_url}/ra/{PNAS_DOI},{ARXIV_DATACITE_DOI},{MISSING_DOI}", timeout=5
    ).json()
    assert answer == [
        {"DOI": PNAS_DOI, "RA": "Crossref"},
        {"DOI": ARXIV_DATACITE_DOI, "RA": "DataCite"},
        {"DOI": MISSING_DOI, "status": "DOI does not exist"},
    ]


def test_doi_resolver_serves_recorded_404_page_for_unknown_doi(srv: RegistryServer) -> None:
    response = requests.get(f"{srv.doi_url}/10.1126/foo", timeout=5, allow_redirects=False)
    assert response.status_code == 404
    assert (
        response.content == (FIXTURE_DIR / "crossref" / "doi_org_404_10.1126_foo.html").read_bytes()
    )


def test_doi_resolver_redirects_registered_doi(srv: RegistryServer) -> None:
    response = requests.get(f"{srv.doi_url}/{PNAS_DOI}", timeout=5, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "https://pnas.org/doi/full/10.1073/pnas.1414271111"


# --------------------------------------------------------------------------------------------
# Fault injection, latency, rate limits
# --------------------------------------------------------------------------------------------


def test_fault_504_makes_crossref_lookup_raise_with_recorded_html(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/works/", status=504)
    cr = habanero.Crossref(base_url=fresh.crossref_url, mailto="test@example.org")
    with pytest.raises(httpx2.HTTPStatusError) as caught:
        cr.works(ids=PNAS_DOI)
    response = caught.value.response
    assert response.status_code == 504
    assert "504 Gateway Time-out" in response.text
    assert response.headers["content-type"] == "text/html"


def test_fault_504_makes_crossref_search_raise(fresh: RegistryServer) -> None:
    fresh.add_fault("query.bibliographic", status=504)
    cr = habanero.Crossref(base_url=fresh.crossref_url)
    with pytest.raises(httpx2.HTTPStatusError):
        cr.works(query_bibliographic="collagen")


def test_fault_with_times_fails_only_the_next_n_requests(fresh: RegistryServer) -> None:
    fault = fresh.add_fault(PNAS_DOI, status=503, times=2)
    url = f"{fresh.crossref_url}/works/{PNAS_DOI}"
    assert [httpx2.get(url).status_code for _ in range(3)] == [503, 503, 200]
    assert fault.hits == 2


def test_fault_matches_percent_decoded_path(fresh: RegistryServer) -> None:
    Works.base = fresh.openalex_url
    fresh.add_fault(f"works/https://doi.org/{PNAS_DOI}", status=500)
    with pytest.raises(requests.HTTPError) as caught:
        Works()[f"https://doi.org/{PNAS_DOI}"]
    assert caught.value.response is not None
    assert caught.value.response.status_code == 500


def test_fault_429_carries_retry_after_header(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/", status=429, headers={"Retry-After": "7"})
    response = httpx2.get(f"{fresh.crossref_url}/works/{PNAS_DOI}")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"


def test_fault_with_custom_body_and_content_type(fresh: RegistryServer) -> None:
    fresh.add_fault(
        "/openalex/", status=503, body='{"error": "busy"}', content_type="application/json"
    )
    response = requests.get(f"{fresh.openalex_url}/works/W2109415576", timeout=5)
    assert response.status_code == 503
    assert response.json() == {"error": "busy"}


def test_clear_faults_restores_normal_answers(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/", status=504)
    fresh.clear_faults()
    assert httpx2.get(f"{fresh.crossref_url}/works/{PNAS_DOI}").status_code == 200


def test_reset_fault_closes_connection_without_answer(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/", kind="reset")
    cr = habanero.Crossref(base_url=fresh.crossref_url)
    with pytest.raises(httpx2.TransportError):
        cr.works(ids=PNAS_DOI)
    fresh.add_fault("/openalex/", kind="reset")
    Works.base = fresh.openalex_url
    with pytest.raises(requests.ConnectionError):
        Works()[f"https://doi.org/{PNAS_DOI}"]


def test_timeout_fault_delays_answer_past_client_timeout(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/", kind="timeout", delay=3.0, times=1)
    cr = habanero.Crossref(base_url=fresh.crossref_url, timeout=0.3)  # type: ignore[arg-type]
    started = time.monotonic()
    with pytest.raises(httpx2.TimeoutException):
        cr.works(ids=PNAS_DOI)
    assert time.monotonic() - started < 2.0
    assert cr.works(ids=PNAS_DOI)["message"]["DOI"] == PNAS_DOI


def test_malformed_fault_answers_200_with_truncated_json(fresh: RegistryServer) -> None:
    fresh.add_fault("/crossref/", kind="malformed")
    cr = habanero.Crossref(base_url=fresh.crossref_url)
    with pytest.raises(json.JSONDecodeError):
        cr.works(ids=PNAS_DOI)
    response = httpx2.get(f"{fresh.crossref_url}/works/{PNAS_DOI}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


def test_latency_is_added_to_every_answer() -> None:
    with RegistryServer(latency=0.2) as server:
        started = time.monotonic()
        httpx2.get(f"{server.crossref_url}/works/{PNAS_DOI}")
        assert time.monotonic() - started >= 0.2


def test_rate_limit_per_second_answers_429_and_counts_violations() -> None:
    with RegistryServer(rate_limits={"crossref": (2, None)}) as server:
        statuses = [
            httpx2.get(f"{server.crossref_url}/works/{PNAS_DOI}").status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 429, 429]
        assert server.limit_violations["crossref"] == 2
        assert server.limit_violations["openalex"] == 0


def test_rate_limit_on_concurrency_rejects_overlapping_requests() -> None:
    with RegistryServer(latency=0.3, rate_limits={"openalex": (None, 1)}) as server:
        url = f"{server.openalex_url}/works/W2109415576"
        statuses: list[int] = []
        threads = [
            threading.Thread(
                target=lambda: statuses.append(requests.get(url, timeout=5).status_code)
            )
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 429]
        assert server.limit_violations["openalex"] == 1


# --------------------------------------------------------------------------------------------
# Bookkeeping, runtime records, lifecycle
# --------------------------------------------------------------------------------------------


def test_requests_are_recorded_with_mailto_in_user_agent(fresh: RegistryServer) -> None:
    habanero.Crossref(base_url=fresh.crossref_url, mailto="test@example.org").works(ids=PNAS_DOI)
    (recorded,) = fresh.requests_for("crossref")
    assert recorded.method == "GET"
    assert recorded.path == f"/crossref/works/{PNAS_DOI}"
    assert "(mailto:test@example.org)" in recorded.headers["user-agent"]
    assert recorded.headers["user-agent"].startswith("python-httpx2/")


def test_added_crossref_work_is_served_and_searchable(fresh: RegistryServer) -> None:
    doi = fresh.add_crossref_work(
        {
            "DOI": "10.5555/Runtime.1",
            "type": "journal-article",
            "title": ["Quokka foraging ecology on Rottnest Island"],
            "author": [{"given": "Pat", "family": "Quokkason"}],
        }
    )
    assert doi == "10.5555/runtime.1"
    cr = habanero.Crossref(base_url=fresh.crossref_url)
    assert cr.works(ids="10.5555/runtime.1")["message"]["title"] == [
        "Quokka foraging ecology on Rottnest Island"
    ]
    items = cr.works(query_bibliographic="Quokkason quokka foraging", limit=1)["message"]["items"]
    assert items[0]["DOI"] == "10.5555/Runtime.1"


def test_added_openalex_work_replaces_recorded_one(fresh: RegistryServer) -> None:
    work = fresh.openalex_record(PNAS_DOI)
    assert work is not None
    work["is_retracted"] = True
    fresh.add_openalex_work(work)
    Works.base = fresh.openalex_url
    assert Works()[f"https://doi.org/{PNAS_DOI}"]["is_retracted"] is True


def test_added_minimal_work_replaces_full_recorded_one(fresh: RegistryServer) -> None:
    fresh.add_crossref_work({"DOI": PNAS_DOI, "title": ["Minimal"]})
    fresh.add_openalex_work({"id": "https://openalex.org/W1", "doi": f"https://doi.org/{PNAS_DOI}"})
    assert httpx2.get(f"{fresh.crossref_url}/works/{PNAS_DOI}").json()["message"] == {
        "DOI": PNAS_DOI,
        "title": ["Minimal"],
    }
    Works.base = fresh.openalex_url
    assert Works()[f"https://doi.org/{PNAS_DOI}"]["id"] == "https://openalex.org/W1"


def test_corpus_prefers_full_single_work_record_over_list_item() -> None:
    full = _load_json(PNAS_CROSSREF_FILE)["message"]
    trimmed = {k: full[k] for k in ("DOI", "type", "title")}
    for order in ([full, trimmed], [trimmed, full]):
        corpus = Corpus()
        for record in order:
            priority = PRIORITY_SINGLE if record is full else PRIORITY_LIST
            entry = make_crossref_entry(record, priority, "test")
            assert entry is not None
            corpus.add(entry)
        chosen = corpus.get(PNAS_DOI)
        assert chosen is not None
        assert chosen.record is full


def test_server_binds_loopback_ephemeral_port_and_stops() -> None:
    server = RegistryServer().start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/crossref", server.crossref_url)
        assert server.port != 0
        assert server.openalex_url == f"http://127.0.0.1:{server.port}/openalex"
        assert server.doi_url == f"http://127.0.0.1:{server.port}/doi"
    finally:
        server.stop()
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(f"{server.crossref_url}/works/{PNAS_DOI}")


def test_request_logging_is_suppressed(
    fresh: RegistryServer, capfd: pytest.CaptureFixture[str]
) -> None:
    httpx2.get(f"{fresh.crossref_url}/works/{PNAS_DOI}")
    httpx2.get(f"{fresh.crossref_url}/works/{MISSING_DOI}")
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_command_line_runs_server_in_foreground() -> None:
    script = Path(__file__).with_name("registry_server.py")
    proc = subprocess.Popen(
        [sys.executable, str(script), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.split(":", 1)[1].strip()
        assert requests.get(url, timeout=5).json()["message"]["DOI"] == PNAS_DOI
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# Fixture provenance
# --------------------------------------------------------------------------------------------


def test_every_fixture_file_is_listed_in_provenance_with_its_size() -> None:
    text = PROVENANCE.read_text(encoding="utf-8")
    for sub in ("crossref", "openalex"):
        for path in (FIXTURE_DIR / sub).iterdir():
            row = next((line for line in text.splitlines() if f"| `{path.name}` |" in line), None)
            assert row is not None, f"{path.name} missing from PROVENANCE.md"
            assert f"| {path.stat().st_size} |" in row, f"{path.name} size differs from MANIFEST"
    for path in (FIXTURE_DIR / "constructed").iterdir():
        assert path.name in text


def test_constructed_fixtures_are_named_and_annotated_as_constructed() -> None:
    files = list((FIXTURE_DIR / "constructed").iterdir())
    assert files
    for path in files:
        assert path.name.startswith("constructed_")
        assert "CONSTRUCTED" in _load_json(path)["_provenance"]
