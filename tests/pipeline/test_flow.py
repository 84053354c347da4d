"""The Prefect flow really runs (ephemeral server) and agrees with the library's `run()`.

Why these tests: the flow must stay a thin wrapper, so the check is that it gives
exactly what `citeaudit.pipeline.stages.run` gives for the same inputs, plus the two
things only the flow adds: the Markdown artifact and the nightly deployment.
"""

import prefect_env  # first: sets Prefect's environment before prefect is imported

# isort: split
import json
import shutil
import socket
from pathlib import Path
from typing import Any, get_args
from uuid import UUID

import pytest
from flows import registry_limits
from flows.audit_flow import (
    ARTIFACT_KEY,
    LINK_KEY,
    TABLE_KEY,
    FailOn,
    SiteRunFailed,
    audit_site,
    load_articles_task,
)
from flows.deploy import DEPLOYMENT_NAME, NIGHTLY_CRON, build_deployment, default_parameters
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.exceptions import ParameterTypeError
from prefect.logging.handlers import APILogWorker

from citeaudit.pipeline import stages
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.run_summary import summarize
from citeaudit.reading import inputs
from citeaudit.reporting.gate import FAIL_LEVELS
from html_article import PAGE  # an HTML article page the library reads
from web_site import Site

REPO = prefect_env.REPO_ROOT
SEED = "back-muscle-pain"
ARTICLE = f"articles/{SEED}.md"


@pytest.fixture(scope="session", autouse=True)
def prefect_isolated() -> Path:
    """Every test here runs against the throw-away Prefect home, never a real server."""
    prefect_env.check_isolated()
    return prefect_env.PREFECT_HOME


@pytest.fixture
def site(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """conftest's copy of the seed inputs (article, claims.csv, sources/), made the cwd
    so the flow gets the relative paths a checkout would give it."""
    monkeypatch.chdir(workspace)
    return workspace


def read_artifacts(flow_run_id: UUID, key: str = ARTIFACT_KEY) -> list[Any]:
    """The artifacts of one key that the given flow run published, read back from the API."""
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )


def run_logs(flow_run_id: UUID, level: int = 0) -> list[str]:
    """The messages the run logged at `level` or above, read back from the API."""
    APILogWorker.drain_all(timeout=10)  # logs go to the API in the background
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    return [log.message for log in logs if log.level >= level]


def without_dirs(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary with report paths reduced to file names, to compare two output dirs
    (without the flow's own `health`, which the library's `run` does not make)."""
    out = dict(summary)
    out.pop("health", None)
    out["report_paths"] = sorted(Path(p).name for p in summary["report_paths"])
    out["per_article"] = [
        {**row, "reports": sorted(Path(p).name for p in row["reports"])}
        for row in summary["per_article"]
    ]
    return out


@pytest.mark.parametrize("fail_on", ["broken", "unsupported"])
def test_flow_matches_library_run_and_publishes_artifact(site: Path, fail_on: FailOn) -> None:
    """`unsupported` makes the seed fail (it has unsupported claims): findings, not a crash."""
    expected = stages.run(
        [Path(ARTICLE)],
        RunOptions(
            claims_csv=Path("claims.csv"),
            sources_dir=Path("sources"),
            out_dir=Path("reports-cli"),
            offline=True,
            fail_on=fail_on,
        ),
    )
    if fail_on == "unsupported":
        assert expected.failures, "the seed no longer fails at 'unsupported'; pick another level"

    state = audit_site(
        articles=[ARTICLE],
        claims_csv="claims.csv",
        sources_dir="sources",
        out_dir="reports-flow",
        offline=True,
        fail_on=fail_on,
        batch_size=1,
        return_state=True,
    )

    # Findings are not a crash: the run completes even when the audit has failures.
    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["articles"] == [SEED]
    assert summary["failure_count"] == len(expected.failures)
    assert summary["failures"] == expected.failures
    assert summary["exit_code"] == expected.exit_code
    assert without_dirs(summary) == without_dirs(summarize(expected))

    assert summary["report_paths"], "the flow wrote no report"
    for path in summary["report_paths"]:
        assert Path(path).is_file(), path
        assert Path(path).resolve().parent == (site / "reports-flow").resolve()
    assert {Path(p).suffix for p in summary["report_paths"]} >= {".json", ".html"}

    artifacts = read_artifacts(state.state_details.flow_run_id)
    assert len(artifacts) == 1
    markdown = artifacts[0].data
    assert artifacts[0].type == "markdown"
    row = summary["per_article"][0]
    assert f"| {SEED} | {row['references']} | {row['problems']} | {row['claims']} |" in markdown
    for path in summary["report_paths"]:
        assert path in markdown
    # The artifact points at the site index, which links every HTML report.
    assert "Site index (links to every HTML report): `reports-flow/index.html`" in markdown
    assert "@" not in markdown


def test_failures_are_findings_and_stored_text_is_scrubbed(site: Path) -> None:
    """A failing audit completes and reports its failures; an e-mail address in what the
    server stores (here an article named after one) is redacted everywhere."""
    named = "articles/ask-editor@example.org.md"
    shutil.copy(site / ARTICLE, site / named)

    state = audit_site(
        articles=[named], out_dir="reports", fail_on="unsupported", return_state=True
    )

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["failure_count"] > 0
    assert summary["exit_code"] == 1
    assert summary["per_article"][0]["failures"] == summary["failure_count"]
    flow_run_id = state.state_details.flow_run_id
    markdown = read_artifacts(flow_run_id)[0].data
    assert f"{summary['failure_count']} failure(s)" in markdown
    assert "unsupported: [" in markdown
    table = read_artifacts(flow_run_id, TABLE_KEY)[0].data
    stored = "\n".join([markdown, str(table), *run_logs(flow_run_id)])
    assert "editor@example.org" not in stored
    assert "[redacted]" in markdown


def test_online_batches_against_local_registry_leak_no_secrets(
    site: Path, registry: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Online, two articles in two batches: same counts as `run()`, and the registry
    settings (contact e-mail, API key) reach neither the artifact, the logs nor the result."""
    mailto, key = "editor@example.org", "test-key-123"
    for name, value in {
        "CITEAUDIT_CROSSREF_URL": registry.crossref_url,
        "CITEAUDIT_OPENALEX_URL": registry.openalex_url,
        "CITEAUDIT_DOI_URL": registry.doi_url,
        "CITEAUDIT_MAILTO": mailto,
        "OPENALEX_API_KEY": key,
        "CITEAUDIT_TIMEOUT": "5",
        "CITEAUDIT_RETRIES": "1",
        "CITEAUDIT_BACKOFF": "0.01",
    }.items():
        monkeypatch.setenv(name, value)
    second = "articles/second-copy.md"
    shutil.copy2(site / ARTICLE, site / second)
    articles = [ARTICLE, second]

    expected = stages.run(
        [Path(p) for p in articles], RunOptions(out_dir=Path("reports-cli"), offline=False)
    )
    state = audit_site(
        articles=articles, out_dir="reports-flow", offline=False, batch_size=1, return_state=True
    )

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["articles"] == [SEED, "second-copy"]
    assert without_dirs(summary) == without_dirs(summarize(expected))

    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    resolve_runs = [t for t in task_runs if t.name.startswith("resolve-sources-batch")]
    assert len(resolve_runs) == 2  # one task per batch of articles, not per reference
    stored = "\n".join(
        [read_artifacts(flow_run_id)[0].data, repr(summary), *(log.message for log in logs)]
    )
    assert mailto not in stored
    assert key not in stored


def test_flow_audits_a_folder_with_markdown_and_html_articles_as_run_does(site: Path) -> None:
    """A folder parameter stands for the articles in it, HTML pages included, exactly as
    `citeaudit check site/` reads it: the flow hands the folder to the library as given."""
    (site / "site" / "health").mkdir(parents=True)
    shutil.move(site / ARTICLE, site / "site" / "health" / f"{SEED}.md")
    (site / "site" / "trigger-points.html").write_text(PAGE, encoding="utf-8")

    expected = stages.run(["site"], RunOptions(offline=True, out_dir=Path("reports-cli")))
    state = audit_site(articles=["site"], out_dir="reports-flow", return_state=True)

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["articles"] == [SEED, "trigger-points"]
    assert [row["path"] for row in summary["per_article"]] == [
        f"site/health/{SEED}.md",
        "site/trigger-points.html",
    ]
    assert without_dirs(summary) == without_dirs(summarize(expected))
    assert (site / "reports-flow" / "trigger-points.html").is_file()


def test_articles_parameter_accepts_what_the_cli_accepts(site: Path) -> None:
    """Files of every suffix the library reads, folders and http(s) URLs pass validation
    unchanged (URLs are fetched by the library); no flow run needed to prove it."""
    (site / "site").mkdir()
    (site / "site" / "page.html").write_text(PAGE, encoding="utf-8")
    (site / "site" / "page.HTM").write_text(PAGE, encoding="utf-8")
    shutil.copy(site / ARTICLE, site / "site" / "notes.txt")
    items = [
        ARTICLE,
        "site",
        "site/page.html",
        "site/page.HTM",
        "site/notes.txt",
        str(site / "site"),
        "https://example.org/health/back-pain/",
        "HTTP://example.org/a.php?id=7",
    ]
    assert audit_site.validate_parameters({"articles": items})["articles"] == items


def test_article_items_reach_the_library_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A URL must stay a string for the library to fetch it (`Path` would fold its `//`)."""
    seen: list[Any] = []
    monkeypatch.setattr(
        inputs, "load_site", lambda items, **listing: seen.append((items, listing)) or ([], [])
    )
    items = ["https://example.org/health/back-pain/", "site", ARTICLE]
    load_articles_task.fn(items, [], [], None)  # the task's function alone: no Prefect run
    assert seen == [(items, {"url_lists": [], "sitemaps": [], "include": None})]


def test_flow_audits_a_sitemap_and_names_the_pages_it_skipped(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site's sitemap is a flow parameter: its article pages are audited, and a listed
    page that is not an article (the home page) is named in the summary and artifact."""
    web = Site()  # served on 127.0.0.1: allowed on purpose, as for an intranet site
    monkeypatch.setenv("CITEAUDIT_ALLOW_PRIVATE_URLS", "1")
    try:
        web.page(
            "/", b"<html><body><main><p>Welcome to our clinic's blog.</p></main></body></html>"
        )
        web.page("/health/back-pain.html", PAGE.encode())
        sitemap = web.page(
            "/sitemap.txt",
            f"{web.base}/\n{web.base}/health/back-pain.html\n".encode(),
            "text/plain",
        )
        state = audit_site(sitemaps=[sitemap], out_dir="reports-site", return_state=True)
    finally:
        web.close()

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["articles"] == ["health-back-pain"]
    assert summary["skipped"] == [
        {"page": f"{web.base}/", "reason": "no reference list (not an article that cites sources)"}
    ]
    (artifact,) = read_artifacts(state.state_details.flow_run_id)
    assert "## Listed pages not audited (1)" in artifact.data
    assert (site / "reports-site" / "health-back-pain.html").is_file()


@pytest.mark.parametrize(
    ("article", "message"),
    [
        ("claims.csv", "unsupported article format 'claims.csv'"),
        ("articles/paper.pdf", "unsupported article format"),
        ("articles/missing.html", "article file not found: 'articles/missing.html'"),
        ("no-such-folder", "article file or folder not found: 'no-such-folder'"),
        ("", "not a usable path"),
        ("articles/a\nb.md", "not a usable path"),
        ("https://", "not a usable article URL"),
        ("https://example.org/\x00", "not a usable path"),
    ],
)
def test_articles_parameter_rejects_what_no_reader_takes(
    site: Path, article: str, message: str
) -> None:
    (site / "articles" / "paper.pdf").write_bytes(b"%PDF")
    with pytest.raises(ParameterTypeError, match=message) as info:
        audit_site.validate_parameters({"articles": [ARTICLE, article]})
    assert "articles" in str(info.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"articles": ["articles/no-such-article.md"]}, "article file not found"),
        ({"sitemaps": ["ftp://example.org/sitemap.xml"]}, "a sitemap must be an http"),
        ({"fail_on": "bogus"}, "fail_on"),
        ({"batch_size": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_parameters_are_rejected_with_a_clear_message(
    site: Path, overrides: dict[str, Any], message: str
) -> None:
    """The same validation Prefect runs before a flow run starts (no server needed)."""
    parameters = {"articles": [ARTICLE], **overrides}
    with pytest.raises(ParameterTypeError, match=message) as info:
        audit_site.validate_parameters(parameters)
    assert next(iter(overrides)) in str(info.value)


def test_bad_parameters_fail_the_run_before_any_work(site: Path) -> None:
    (site / "articles" / "paper.pdf").write_bytes(b"%PDF")
    with pytest.raises(ParameterTypeError) as info:
        audit_site(
            articles=["articles/missing.md", "articles/paper.pdf"],
            fail_on="bogus",
            out_dir="reports-bad",
        )
    text = str(info.value)
    assert "article file not found: 'articles/missing.md'" in text
    assert "unsupported article format 'articles/paper.pdf'" in text
    assert "fail_on" in text and "'broken'" in text
    assert not (site / "reports-bad").exists()


def test_nightly_deployment_schedule_and_parameters() -> None:
    deployment = build_deployment()

    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.entrypoint is not None
    assert deployment.entrypoint.endswith("flows/audit_flow.py:audit_site")
    assert len(deployment.schedules) == 1
    schedule = deployment.schedules[0].schedule
    assert schedule.cron == NIGHTLY_CRON == "0 3 * * *"
    assert schedule.timezone == "UTC"
    assert deployment.schedules[0].active

    parameters = deployment.parameters
    assert parameters == default_parameters()
    assert parameters["offline"] is False
    # the folder, listed when each run starts: a new article needs no restart
    assert parameters["articles"] == [str(REPO / "articles")]
    assert deployment.concurrency_limit == 1  # one run at a time over the same outputs
    # The parameters the server will store are ones the flow accepts.
    assert audit_site.validate_parameters(parameters)["articles"] == parameters["articles"]
    # The schema the server enforces (enforce_parameter_schema) carries the constraints.
    properties = audit_site.parameters.properties
    assert properties["fail_on"]["enum"] == list(get_args(FailOn))
    assert set(get_args(FailOn)) == set(FAIL_LEVELS)
    assert properties["batch_size"]["minimum"] == 1
    assert {"articles", "sitemaps", "url_lists", "include"} <= set(properties)


def test_site_flow_fans_out_on_a_local_dask_cluster(site: Path) -> None:
    """The documented multi-machine path: the same flow on a DaskTaskRunner (here a
    local in-process cluster) gives the same result as the library's `run()`."""
    from prefect_dask import DaskTaskRunner

    second = site / "articles" / "back-muscle-pain-copy.md"
    shutil.copy(site / ARTICLE, second)
    articles = [ARTICLE, "articles/back-muscle-pain-copy.md"]
    runner = DaskTaskRunner(
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": False}
    )
    summary = audit_site.with_options(task_runner=runner)(
        articles=articles, offline=True, out_dir="dask-reports", batch_size=1
    )
    expected = stages.run(
        [Path(a) for a in articles], RunOptions(offline=True, out_dir=Path("lib-reports"))
    )
    assert without_dirs(summary) == without_dirs(summarize(expected))
    assert sorted(p.name for p in (site / "dask-reports").glob("*.json")) == [
        "back-muscle-pain-copy.json",
        "back-muscle-pain.json",
        "index.json",  # the site index's state (what the next run compares with)
    ]


def _two_articles(site: Path) -> list[str]:
    second = "articles/second-copy.md"
    shutil.copy(site / ARTICLE, site / second)
    return [ARTICLE, second]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        # a row the CSV reader refuses, and one that only great-expectations flags
        ("second-copy-1,second-copy,3,guess,Some claim.,,proposed,", "unknown kind 'guess'"),
        ("second-copy-1,second-copy,3,statistic,Some claim.,nosuchref,proposed,", "nosuchref"),
    ],
)
def test_a_bad_claims_row_fails_its_article_not_the_site(
    site: Path, row: str, problem: str
) -> None:
    articles = _two_articles(site)
    with (site / "claims.csv").open("a", encoding="utf-8") as csv:
        csv.write(row + "\n")

    state = audit_site(articles=articles, out_dir="reports-flow", batch_size=1, return_state=True)

    assert state.is_failed() and state.name == "Failed"
    assert "1 could not be audited" in (state.message or "")
    assert isinstance(state.result(raise_on_failure=False), SiteRunFailed)
    summary = state.result(raise_on_failure=False).summary
    assert summary["articles"] == [SEED]  # the other article was audited and reported
    assert (site / "reports-flow" / f"{SEED}.html").is_file()
    assert not (site / "reports-flow" / "second-copy.html").exists()
    assert summary["health"]["failed_articles"] == 1
    flow_run_id = state.state_details.flow_run_id
    table = read_artifacts(flow_run_id, TABLE_KEY)[0].data
    assert "second-copy" in str(table) and problem in str(table)
    warnings = [m for m in run_logs(flow_run_id, level=30) if m.startswith("not audited:")]
    assert len(warnings) == 1 and "claims.csv: row " in warnings[0] and problem in warnings[0]
    assert "\n" not in warnings[0] and "Traceback" not in warnings[0]


def test_an_outage_ends_in_a_registry_outage_state_and_leaves_sources_as_they_were(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed: connections refused
    for name in ("CROSSREF", "OPENALEX", "DOI", "EUROPEPMC"):
        monkeypatch.setenv(f"CITEAUDIT_{name}_URL", nowhere)
    monkeypatch.setenv("CITEAUDIT_RETRIES", "0")
    monkeypatch.setenv("CITEAUDIT_CACHE", "off")
    # one article whose sources are stored, one whose sources are not
    fresh = site / "articles" / "fresh.md"
    fresh.write_text(
        "Collagen cross-links strengthen tendons (Makris, 2014).\n\nReferences\n\n"
        "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
        "Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced "
        "collagen cross-linking. PNAS, 111(45), E4832-E4841. https://doi.org/10.1073/pnas.1414271111\n",
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in (site / "sources").iterdir()}

    state = audit_site(
        articles=[ARTICLE, "articles/fresh.md"],
        out_dir="reports-flow",
        offline=False,
        return_state=True,
    )

    assert state.is_failed() and state.name == "RegistryOutage", (state.name, state.message)
    assert "no registry answered" in (state.message or "")
    summary = state.result(raise_on_failure=False).summary
    assert summary["health"]["registries_silent"] is True
    assert summary["health"]["unverified_references"] == 7
    assert summary["health"]["kept_snapshots"] == 6
    # the reports were written, and sources/ holds exactly what it held
    assert (site / "reports-flow" / "fresh.html").is_file()
    assert {p.name: p.read_bytes() for p in (site / "sources").iterdir()} == before
    flow_run_id = state.state_details.flow_run_id
    markdown = read_artifacts(flow_run_id)[0].data
    assert "no registry answered" in markdown and "no failures" in markdown
    warnings = run_logs(flow_run_id, level=30)
    assert any(m.startswith("registries: no answer from crossref") for m in warnings)
    # the library's own lines are in the run's logs too, not only on the worker's console
    assert any("ConnectError" in m for m in run_logs(flow_run_id))


def test_a_snapshot_failing_its_checks_ends_degraded_and_says_which(site: Path) -> None:
    snapshot = site / "sources" / "hong-1994-lidocaine-injection-versus-dry-needling-to.json"
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    data["checked_at"] = "last Tuesday"
    snapshot.write_text(json.dumps(data), encoding="utf-8")

    state = audit_site(articles=[ARTICLE], out_dir="reports-flow", return_state=True)

    assert state.is_completed() and state.name == "Degraded", (state.name, state.message)
    assert "1 input check(s) failed" in (state.message or "")
    summary = state.result()
    assert summary["health"]["failed_input_checks"] == 1
    flow_run_id = state.state_details.flow_run_id
    line = (
        f"input check failed: {SEED}: sources: sources/hong-1994-lidocaine-injection-versus-"
        "dry-needling-to.json: checked_at 'last Tuesday' is not an ISO date and time"
    )
    assert line in run_logs(flow_run_id, level=30)
    assert line in read_artifacts(flow_run_id)[0].data


def test_a_clean_offline_run_completes_with_its_table_and_link_artifacts(site: Path) -> None:
    state = audit_site(articles=_two_articles(site), out_dir="reports-flow", return_state=True)

    assert state.is_completed() and state.name == "Completed", (state.name, state.message)
    flow_run_id = state.state_details.flow_run_id
    (table,) = read_artifacts(flow_run_id, TABLE_KEY)
    assert table.type == "table"
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert [row["article"] for row in rows] == [SEED, "second-copy"]
    assert rows[0]["html report"].endswith(f"reports-flow/{SEED}.html")
    (link,) = read_artifacts(flow_run_id, LINK_KEY)
    # Prefect keeps a link artifact as Markdown: [text](link)
    assert f"({(site / 'reports-flow' / 'index.html').resolve().as_uri()})" in link.data


def test_registry_requests_draw_on_prefect_global_rate_limits(
    site: Path, registry: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers on several machines share a registry's budget through a Prefect global
    rate limit: every request the flow makes to Crossref takes a slot of it."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    for name, value in {
        "CITEAUDIT_CROSSREF_URL": registry.crossref_url,
        "CITEAUDIT_OPENALEX_URL": registry.openalex_url,
        "CITEAUDIT_DOI_URL": registry.doi_url,
        "CITEAUDIT_CACHE": "off",
        "CITEAUDIT_BACKOFF": "0.01",
    }.items():
        monkeypatch.setenv(name, value)
    name = registry_limits.limit_name("crossref")
    with get_client(sync_client=True) as client:
        # a budget that decays slowly, so the slots taken are still counted after the run
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=10_000, slot_decay_per_second=0.001)
        )
    try:
        before = sum(1 for r in registry.requests if r.service == "crossref")
        state = audit_site(
            articles=[ARTICLE], out_dir="reports-flow", offline=False, return_state=True
        )
        asked = sum(1 for r in registry.requests if r.service == "crossref") - before
        with get_client(sync_client=True) as client:
            limit = client.read_global_concurrency_limit_by_name(name)
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(name)
    assert state.is_completed(), state.message
    assert asked > 0
    assert asked - 1 <= limit.active_slots <= asked
