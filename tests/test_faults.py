"""Registry faults never become wrong verdicts: the real clients against the local server.

Every fault the registries produce in practice is injected into the local registry
server (tests/registry_server.py): 429 with and without Retry-After, 500/502/503/504
with the recorded HTML error page, timeouts, connection resets, truncated JSON, a 200
that is an HTML proxy page, JSON of the wrong shape, a registry that is down for the
whole run. A reference hit by one ends `unverified` with the reason, never `not_found`
or `broken`; one fault that a retry gets past changes nothing at all.

Settings here use one retry, a 10 ms back-off and a 1 s timeout, so a "timeout" fault
(the server answering after 1.5 s) costs about two seconds, not a minute.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from citeaudit.config import Settings
from citeaudit.models import Reference
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import resolve_sources, run
from citeaudit.reading.inputs import load_articles
from citeaudit.reading.references import parse_reference
from citeaudit.registries.answers import TransientError, classify_status, parse_retry_after
from citeaudit.verification.lookup import Registries, resolve_reference
from citeaudit.verification.reference_check import check_reference
from citeaudit.verification.snapshots import snapshot_path
from cli_run import citeaudit
from fault_article import NOT_FOUND_DOI, write_fault_article
from registry_server import CONSTRUCTED_RETRACTED_DOI, RegistryServer

PNAS = (
    "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
    '"Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced '
    'collagen cross-linking." Proc Natl Acad Sci U S A, 111(45), E4832-E4841. '
    "https://doi.org/10.1073/pnas.1414271111"
)
NOWHERE = f'Nobody, A. (2012). "Not a real paper." PLoS ONE, 7(3), e1. doi:{NOT_FOUND_DOI}'
NO_MATCH = 'Fishman, Q. (2016). "Fish counting with sonar in alpine lakes." PeerJ, 4, e1000.'
RETRACTED = (
    'Testperson, A., & Example, B. (2019). "Ambient light exposure and circadian enzyme kinetics '
    'in cultured fibroblasts." Journal of Constructed Test Data, 12, 301-309. '
    f"doi:{CONSTRUCTED_RETRACTED_DOI}"
)

# name -> add_fault keyword arguments; each is something a registry really sends.
FAULTS: dict[str, dict[str, Any]] = {
    "429": {"status": 429},
    "429 Retry-After": {"status": 429, "headers": {"Retry-After": "1"}},
    "500": {"status": 500},
    "502": {"status": 502},
    "503": {"status": 503},
    "504 recorded HTML": {"status": 504},  # the server's default 5xx body: Crossref's 504 page
    "timeout": {"kind": "timeout", "delay": 1.5},
    "connection reset": {"kind": "reset"},
    "truncated JSON": {"kind": "malformed"},
    "HTML proxy page": {
        "status": 200,
        "body": "<html><body>Please wait while we check your browser</body></html>",
        "content_type": "text/html",
    },
    "JSON of the wrong shape": {
        "status": 200,
        "body": '{"status": "ok", "message": "maintenance", "results": "none"}',
        "content_type": "application/json",
    },
}
SOME_FAULTS = ("503", "timeout", "connection reset", "truncated JSON")


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return replace(settings, timeout=1, retries=1, backoff=0.01, max_retry_after=5)


def _ref(text: str, key: str = "r1") -> Reference:
    ref = parse_reference(text, line_number=1)
    ref.key = key
    return ref


def _resolve(text: str, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    ref = _ref(text)
    snapshot = resolve_reference(ref, Registries(settings))
    return snapshot, check_reference(ref, snapshot).problems


@pytest.mark.parametrize("fault", list(FAULTS))
def test_crossref_fault_leaves_a_doi_reference_unverified_with_its_reason(
    fault: str, fast: Settings, registry: RegistryServer
):
    registry.add_fault("/crossref/", **FAULTS[fault])
    snapshot, problems = _resolve(PNAS, fast)
    assert snapshot["match"] == "unverified"
    assert snapshot["doi_status"] in ("resolves", "unverified")  # doi.org did answer
    assert snapshot["answers"]["crossref"]["status"] == "error"
    assert any(p.startswith("not verified: ") and "Crossref" in p for p in problems), problems


@pytest.mark.parametrize("fault", SOME_FAULTS)
def test_openalex_fault_leaves_a_matched_reference_unverified_never_broken(
    fault: str, fast: Settings, registry: RegistryServer
):
    registry.add_fault("/openalex/", **FAULTS[fault])
    snapshot, problems = _resolve(PNAS, fast)
    assert (snapshot["doi_status"], snapshot["match"]) == ("resolves", "unverified")
    assert any("not every registry answered" in p and "openalex" in p for p in problems)


@pytest.mark.parametrize("fault", SOME_FAULTS)
def test_doi_org_fault_never_makes_a_doi_missing_from_crossref_broken(
    fault: str, fast: Settings, registry: RegistryServer
):
    clean, _ = _resolve(NOWHERE, fast)
    assert clean["doi_status"] == "not_found"  # what a definite answer says
    registry.add_fault("/doi/", **FAULTS[fault])
    snapshot, problems = _resolve(NOWHERE, fast)
    assert (snapshot["doi_status"], snapshot["match"]) == ("unverified", "unverified")
    assert not any("does not resolve" in p for p in problems)


@pytest.mark.parametrize("fault", SOME_FAULTS)
def test_search_fault_never_makes_a_reference_without_doi_not_found(
    fault: str, fast: Settings, registry: RegistryServer
):
    clean, _ = _resolve(NO_MATCH, fast)
    assert clean["match"] == "not_found"
    registry.add_fault("/crossref/works?", **FAULTS[fault])
    snapshot, problems = _resolve(NO_MATCH, fast)
    assert snapshot["match"] == "unverified"
    assert problems == ["not verified: a registry did not answer, so absence is not established"]


@pytest.mark.parametrize("fault", ["429", "503", "connection reset", "truncated JSON", "timeout"])
def test_one_fault_that_a_retry_gets_past_changes_nothing(
    fault: str, fast: Settings, registry: RegistryServer
):
    clean, _ = _resolve(PNAS, fast)
    registry.add_fault("/crossref/works/10.1073", times=1, **FAULTS[fault])
    registry.add_fault("/openalex/works/", times=1, **FAULTS[fault])
    snapshot, problems = _resolve(PNAS, fast)
    for field in ("doi_status", "match", "work", "doi"):
        assert snapshot[field] == clean[field], field
    assert problems == check_reference(_ref(PNAS), clean).problems


def test_retraction_reported_by_crossref_survives_an_openalex_fault(
    fast: Settings, registry: RegistryServer
):
    registry.add_fault("/openalex/", status=503)
    ref = _ref(RETRACTED)
    check = check_reference(ref, resolve_reference(ref, Registries(fast)))
    assert check.match == "unverified"
    assert check.retraction == "retracted"
    assert check.notices[0]["doi"] == "10.5555/notice.retraction"


def test_retry_after_is_waited_for_before_the_retry(fast: Settings, registry: RegistryServer):
    registry.add_fault("/crossref/works/10.1073", status=429, headers={"Retry-After": "1"}, times=1)
    before = len(registry.requests)
    started = time.monotonic()
    snapshot, _ = _resolve(PNAS, fast)
    waited = time.monotonic() - started
    asked = [r for r in registry.requests[before:] if r.path.startswith("/crossref/works/10.1073")]
    assert snapshot["match"] == "matched"
    assert len(asked) == 2
    assert waited >= 1.0  # the pause the registry asked for, not the 10 ms back-off


def test_429_without_retry_after_is_retried_with_backoff_then_unverified(
    fast: Settings, registry: RegistryServer
):
    registry.add_fault("/crossref/works/10.1073", status=429)
    before = len(registry.requests)
    answer = Registries(fast).crossref.work("10.1073/pnas.1414271111")
    asked = [r for r in registry.requests[before:] if r.path.startswith("/crossref/")]
    assert (answer.status, answer.error) == (
        "error",
        "Crossref /works/10.1073/pnas.1414271111: HTTP 429 (rate limited)",
    )
    assert len(asked) == 2


def test_a_retry_after_beyond_the_limit_is_not_waited_for_and_rests_the_registry(
    fast: Settings, registry: RegistryServer
):
    registry.add_fault("/crossref/", status=429, headers={"Retry-After": "3600"})
    registries = Registries(fast)
    before = len(registry.requests)
    first = registries.crossref.work("10.1073/pnas.1414271111")
    second = registries.crossref.work("10.7717/peerj.5956")
    asked = [r for r in registry.requests[before:] if r.path.startswith("/crossref/")]
    assert len(asked) == 1, "no retry into an hour-long pause, and no second request"
    assert first.status == "error" and "Retry-After 3600s" in (first.error or "")
    assert second.status == "error" and "Crossref not asked" in (second.error or "")


def test_retry_after_as_an_http_date_is_understood():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0
    assert parse_retry_after("120") == 120
    for garbage in (None, "", "soon", "-5 seconds", "nan"):
        assert parse_retry_after(garbage) is None


@pytest.mark.parametrize(
    ("status", "retried", "absent"),
    [(404, False, True), (410, False, True), (400, False, False), (401, False, False),
     (403, False, False), (408, True, False), (429, True, False), (500, True, False),
     (503, True, False), (504, True, False)],
)  # fmt: skip
def test_only_404_and_410_are_absence_and_only_transient_statuses_are_retried(
    status: int, retried: bool, absent: bool
):
    outcome = classify_status(status, "Crossref")
    assert isinstance(outcome, TransientError) != absent
    if isinstance(outcome, TransientError):
        assert outcome.retryable == retried


def test_a_refused_request_is_not_repeated(fast: Settings, registry: RegistryServer):
    registry.add_fault(
        "/openalex/", status=403, body='{"error": "Forbidden", "message": "bad key"}'
    )
    before = len(registry.requests)
    answer = Registries(fast).openalex.work_by_doi("10.1073/pnas.1414271111")
    assert answer.status == "error"
    assert len([r for r in registry.requests[before:] if r.service == "openalex"]) == 1


def test_a_registry_failing_reference_after_reference_is_rested_not_hammered(
    fast: Settings, registry: RegistryServer, tmp_path: Path
):
    registry.add_fault("/crossref/", status=503)
    settings = replace(fast, breaker_threshold=3)
    articles = load_articles([write_fault_article(registry, tmp_path / "many.md")])
    before = len(registry.requests)
    snapshots = resolve_sources(articles, RunOptions(sources_dir=tmp_path / "src"), settings)
    asked = [r for r in registry.requests[before:] if r.service == "crossref"]
    assert len(articles[0].references) == 16 and len(snapshots) == 16
    assert len(asked) == 3 * 2, "three references, one retry each, then the circuit opened"
    rested = [s for s in snapshots.values() if "Crossref not asked" in json.dumps(s["answers"])]
    assert rested and all(s["match"] in ("unverified", "not_found") for s in snapshots.values())
    not_found = [s for s in snapshots.values() if s["match"] == "not_found"]
    assert not not_found or all(s["doi_status"] == "invalid" for s in not_found)


def test_a_record_of_an_unexpected_shape_costs_one_reference_not_the_run(
    fast: Settings, tmp_path: Path
):
    # A server of its own: the session's must not serve this record to other tests.
    with RegistryServer() as private:
        _run_with_a_record_of_the_wrong_shape(private, fast, tmp_path)


def _run_with_a_record_of_the_wrong_shape(
    registry: RegistryServer, fast: Settings, tmp_path: Path
) -> None:
    fast = replace(
        fast,
        crossref_url=registry.crossref_url,
        openalex_url=registry.openalex_url,
        doi_url=registry.doi_url,
    )
    weird = {  # constructed: valid JSON, every field of the wrong type
        "DOI": "10.5555/citeaudit.weird.shape",
        "title": 5,
        "author": ["not a person", None, {"family": 3}],
        "issued": {"date-parts": [["x"]]},
        "updated-by": "nope",
        "container-title": {"a": 1},
        "page": 7,
    }
    registry.add_crossref_work(weird)
    article = tmp_path / "weird.md"
    article.write_text(
        "A claim about shapes (Odd, 2020).\n\nReferences\n\n"
        "Odd, A. (2020). A record of odd shape. Journal of Shapes, 1(1), 1-2. "
        "https://doi.org/10.5555/citeaudit.weird.shape\n" + PNAS + "\n",
        encoding="utf-8",
    )
    result = run(
        [article],
        RunOptions(
            claims_csv=tmp_path / "claims.csv",
            sources_dir=tmp_path / "sources",
            out_dir=tmp_path / "reports",
        ),
        fast,
    )
    references = {r["key"]: r for r in result.audits[0].report["references"]}
    assert references["odd2020"]["match"] == "unverified"
    assert references["odd2020"]["doi_status"] != "not_found"
    assert references["makris2014"]["match"] == "matched"


def test_an_outage_keeps_a_complete_snapshot_and_a_better_answer_replaces_a_faulted_one(
    fast: Settings, registry: RegistryServer, tmp_path: Path
):
    ref = _ref(PNAS)
    options = RunOptions(sources_dir=tmp_path / "sources")
    article = tmp_path / "a.md"
    article.write_text("Claim (Makris, 2014).\n\nReferences\n\n" + PNAS + "\n", encoding="utf-8")
    articles = load_articles([article])
    path = snapshot_path(options.sources_dir, articles[0].references[0])

    registry.add_fault("/", status=503)
    [faulted] = resolve_sources(articles, options, fast).values()
    assert faulted["match"] == "unverified"
    registry.clear_faults()
    registry.add_fault("/openalex/", kind="reset")
    [partial] = resolve_sources(articles, options, fast).values()
    assert partial["answers"]["crossref"]["status"] == "found", "fewer faults: it replaced"
    registry.clear_faults()
    [complete] = resolve_sources(articles, options, fast).values()
    assert complete["match"] == "matched"
    stored = path.read_text(encoding="utf-8")

    registry.add_fault("/openalex/", status=502)
    [kept] = resolve_sources(articles, options, fast).values()
    assert path.read_text(encoding="utf-8") == stored
    assert kept["match"] == "matched" and "registries unreachable" in kept["match_notes"][-1]
    assert check_reference(ref, kept).problems == check_reference(ref, complete).problems


def test_a_claim_whose_source_a_fault_hid_is_unverifiable_not_unsupported(
    fast: Settings, registry: RegistryServer, tmp_path: Path
):
    article = tmp_path / "collagen.md"
    article.write_text(
        "Hypoxia and lysyl oxidase improve collagen cross-linking in engineered tissue "
        "(Makris, 2014; Bailey, 2018).\n\nReferences\n\n"
        + PNAS
        + "\nBailey, C., Rubin, A., Strepparava, N., Segner, H., Rubin, J., & Wahli, T. (2018). "
        "Do fish get wasted? Assessing the influence of effluents on parasitic infection of wild "
        "fish. PeerJ, 6, e5956. https://doi.org/10.7717/peerj.5956\n",
        encoding="utf-8",
    )

    def verdicts(sources: str) -> dict[str, str]:
        options = RunOptions(
            claims_csv=tmp_path / "claims.csv",
            sources_dir=tmp_path / sources,
            out_dir=tmp_path / f"reports-{sources}",
        )
        report = run([article], options, fast).audits[0].report
        return {c["text"][:20]: c["verdict"] for c in report["claims"]}

    clean = verdicts("clean")
    assert "supported" in clean.values()
    registry.add_fault("/crossref/works/10.1073", status=503)
    registry.add_fault("/doi/", status=503)
    faulted = verdicts("faulted")
    for claim, verdict in faulted.items():
        assert verdict == clean[claim] or verdict == "unverifiable", claim


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed when the block ends: connections are refused


def test_registries_down_for_the_whole_run_leave_every_reference_unverified_and_pass_by_default(
    registry: RegistryServer, tmp_path: Path
):
    write_fault_article(registry, tmp_path / "article.md")
    down = f"http://127.0.0.1:{_closed_port()}"
    env = {
        "CITEAUDIT_CROSSREF_URL": f"{down}/crossref",
        "CITEAUDIT_OPENALEX_URL": f"{down}/openalex",
        "CITEAUDIT_DOI_URL": f"{down}/doi",
        "CITEAUDIT_TIMEOUT": "1",
        "CITEAUDIT_RETRIES": "1",
        "CITEAUDIT_BACKOFF": "0.01",
    }
    result = citeaudit(tmp_path, "check", "article.md", env=env)
    assert result.returncode == 0, result.stderr
    assert "article.md: 16 references (16 unverified)" in result.stdout
    # No registry said anything: no snapshot of errors lands in sources/ to be reviewed.
    assert not list((tmp_path / "sources").glob("*.json"))
    report = json.loads((tmp_path / "reports" / "article.json").read_text(encoding="utf-8"))
    assert len(report["references"]) == 16
    for ref in report["references"]:
        assert (ref["doi_status"], ref["match"]) == ("unverified", "unverified"), ref["key"]
        assert ref["problems"] and ref["problems"][0].startswith("not verified: ")

    strict = citeaudit(tmp_path, "check", "article.md", "--fail-on-unverified", env=env)
    assert strict.returncode == 1
    note, *lines = strict.stderr.strip().splitlines()
    assert note.startswith("citeaudit: no answer from crossref for 16 of 16 source(s)")
    assert len(lines) == 16 and all(": unverified: [" in line for line in lines)


@pytest.mark.parametrize("command", ["check", "refresh"])
def test_an_outage_is_said_in_one_line_and_the_snapshots_stay_as_they_were(
    workspace: Path, command: str
):
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    env = {
        "CITEAUDIT_CROSSREF_URL": nowhere,
        "CITEAUDIT_OPENALEX_URL": nowhere,
        "CITEAUDIT_DOI_URL": nowhere,
        "CITEAUDIT_RETRIES": "0",
        "CITEAUDIT_CACHE": "off",
    }
    before = {p.name: p.read_bytes() for p in (workspace / "sources").iterdir()}
    result = citeaudit(workspace, command, "articles/back-muscle-pain.md", env=env)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "no answer from" in line]
    assert len(notes) == 1
    assert notes[0].startswith("citeaudit: no answer from crossref for 6 of 6 source(s)")
    assert "openalex" in notes[0] and "stay unverified" in notes[0]
    assert {p.name: p.read_bytes() for p in (workspace / "sources").iterdir()} == before
    if command == "check":  # and the report says it where the editor looks first
        report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
        assert report["summary"]["registry_outage"] == notes[0].removeprefix("citeaudit: ")
        html = (workspace / "reports" / "back-muscle-pain.html").read_text()
        assert "Registries: no answer from crossref" in html


def test_no_outage_note_when_the_registries_answer(workspace: Path, settings: Settings):
    env = {
        "CITEAUDIT_CROSSREF_URL": settings.crossref_url,
        "CITEAUDIT_OPENALEX_URL": settings.openalex_url,
        "CITEAUDIT_DOI_URL": settings.doi_url,
        "CITEAUDIT_CACHE": "off",
    }
    result = citeaudit(workspace, "refresh", "articles/back-muscle-pain.md", env=env)
    assert result.returncode == 0, result.stderr
    assert "no answer from" not in result.stderr
