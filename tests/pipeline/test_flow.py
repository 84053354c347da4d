"""The Prefect flow really runs (ephemeral server) and agrees with the library's `run()`.

Why these tests: the flow must stay a thin wrapper, so the check is that it gives
exactly what `citeaudit.pipeline.stages.run` gives for the same inputs, plus the two
things only the flow adds: the Markdown artifact and the nightly deployment.
"""

import prefect_env  # first: sets Prefect's environment before prefect is imported

# isort: split
import shutil
from pathlib import Path
from typing import Any, get_args
from uuid import UUID

import pytest
from flows.audit_flow import ARTIFACT_KEY, FailOn, audit_site, load_articles_task
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

from citeaudit.pipeline import stages
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.run_summary import summarize
from citeaudit.pipeline.stages import ArticleAudit, RunResult
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


def read_artifacts(flow_run_id: UUID) -> list[Any]:
    """The summary artifacts the given flow run published, read back from the API."""
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[ARTIFACT_KEY]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )


def without_dirs(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary with report paths reduced to file names, to compare two output dirs."""
    out = dict(summary)
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


def test_failures_are_findings_and_artifact_is_scrubbed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing audit completes, reports its failures, and leaks no e-mail or key."""
    real_write = stages.write_reports

    def write_with_failures(audits: list[ArticleAudit], options: RunOptions) -> RunResult:
        result = real_write(audits, options)
        result.failures = [
            f"{ARTICLE}:12: broken: [1] DOI 10.1000/xyz does not resolve "
            "(GET https://api.crossref.org/works?mailto=editor@example.org&api_key=s3cret)"
        ]
        return result

    monkeypatch.setattr(stages, "write_reports", write_with_failures)

    state = audit_site(articles=[ARTICLE], out_dir="reports", return_state=True)

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["failure_count"] == 1
    assert summary["exit_code"] == 1
    assert summary["per_article"][0]["failures"] == 1
    markdown = read_artifacts(state.state_details.flow_run_id)[0].data
    assert "1 failure(s)" in markdown
    assert "10.1000/xyz" in markdown
    assert "editor@example.org" not in markdown
    assert "s3cret" not in markdown


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
    assert str(REPO / ARTICLE) in parameters["articles"]
    assert not any(Path(p).name == "PROVENANCE.md" for p in parameters["articles"])
    assert all(Path(p).is_absolute() for p in parameters["articles"])
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
