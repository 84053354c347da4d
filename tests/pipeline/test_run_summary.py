"""The run summary the Prefect flow returns, and the artifact Markdown it publishes.

Why these tests: the flow only calls `summarize` and `artifact_markdown`, so what the
Prefect UI shows and what a caller reads back is decided here, in the library, and
can be proved without starting a Prefect server. The flow tests (test_flow.py) check
that a real run returns and publishes exactly this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citeaudit.models import Article
from citeaudit.pipeline.run_summary import artifact_markdown, render_markdown, scrub, summarize
from citeaudit.pipeline.stages import ArticleAudit, RunResult
from citeaudit.reporting.site_index import ArticleChanges, SiteIndex


def audit(name: str, path: str, summary: dict[str, Any]) -> ArticleAudit:
    article = Article(name=name, path=path, sentences=[], references=[])
    return ArticleAudit(article, references=[], claims=[], report={"summary": summary})


def two_article_run() -> RunResult:
    return RunResult(
        audits=[
            audit(
                "back-pain",
                "articles/back-pain.md",
                {
                    "references": 6,
                    "problems": 2,
                    "claims": 9,
                    "uncited_claims": 1,
                    "verdicts": {"unsupported": 3, "supported": 6},
                },
            ),
            audit("trigger-points", "site/trigger-points.html", {"references": 2, "claims": 0}),
        ],
        failures=[
            "articles/back-pain.md:12: broken: [1] DOI 10.1000/xyz does not resolve",
            "articles/back-pain.md:30: retracted: [4] retracted in 2020",
        ],
        report_paths=[
            Path("reports/back-pain.html"),
            Path("reports/back-pain.json"),
            Path("reports/trigger-points.html"),
            Path("reports/trigger-points.json"),
        ],
    )


def test_summary_copies_each_reports_counts_and_attributes_failures_by_path() -> None:
    summary = summarize(two_article_run())

    assert summary["articles"] == ["back-pain", "trigger-points"]
    assert summary["failure_count"] == 2
    assert summary["exit_code"] == 1
    assert summary["report_paths"] == [
        "reports/back-pain.html",
        "reports/back-pain.json",
        "reports/trigger-points.html",
        "reports/trigger-points.json",
    ]
    first, second = summary["per_article"]
    assert first == {
        "article": "back-pain",
        "path": "articles/back-pain.md",
        "references": 6,
        "problems": 2,
        "claims": 9,
        "uncited_claims": 1,
        "verdicts": {"supported": 6, "unsupported": 3},  # sorted: stable across runs
        "failures": 2,
        "reports": ["reports/back-pain.html", "reports/back-pain.json"],
    }
    assert second["failures"] == 0
    assert second["verdicts"] == {}
    assert second["reports"] == ["reports/trigger-points.html", "reports/trigger-points.json"]


def test_summary_of_a_clean_run_has_exit_code_zero() -> None:
    run = two_article_run()
    run.failures = []
    summary = summarize(run)
    assert (summary["failure_count"], summary["exit_code"], summary["failures"]) == (0, 0, [])


def test_artifact_lists_counts_report_paths_and_failure_lines() -> None:
    markdown = render_markdown(summarize(two_article_run()))

    assert markdown.startswith("# citeaudit summary\n")
    assert "2 article(s) audited; **2 failure(s)** at the fail level." in markdown
    assert (
        "| back-pain | 6 | 2 | 9 | supported: 6, unsupported: 3 | 2 "
        "| `reports/back-pain.html`<br>`reports/back-pain.json` |"
    ) in markdown
    assert "| trigger-points | 2 | 0 | 0 | - | 0 |" in markdown
    assert "- articles/back-pain.md:12: broken: [1] DOI 10.1000/xyz does not resolve" in markdown
    assert "Site index" not in markdown and "Since the previous run" not in markdown


def test_artifact_of_a_clean_run_says_no_failures_and_has_no_failure_section() -> None:
    run = two_article_run()
    run.failures = []
    markdown = render_markdown(summarize(run))
    assert "2 article(s) audited; no failures." in markdown
    assert "## Failures" not in markdown


def test_artifact_caps_the_failure_lines() -> None:
    run = two_article_run()
    run.failures = [f"articles/back-pain.md:{n}: broken: [{n}] gone" for n in range(1, 8)]
    markdown = render_markdown(summarize(run), max_failures=5)
    assert "- articles/back-pain.md:5: broken: [5] gone" in markdown
    assert ":6: broken" not in markdown
    assert "- ... and 2 more" in markdown


def test_artifact_points_at_the_site_index_and_the_changes_once_compared() -> None:
    run = two_article_run()
    page = Path("reports/index.html")
    changes = ArticleChanges("back-pain", "articles/back-pain.md", compared_with=None)
    run.site_index = SiteIndex(page=page, state=Path("reports/index.json"), changes=[changes])

    first = artifact_markdown(run)  # first check: nothing to compare with
    assert "Site index (links to every HTML report): `reports/index.html`" in first
    assert "Since the previous run" not in first

    changes.compared_with = "2026-01-01T03:00:00Z"
    changes.new = [{"id": "a"}, {"id": "b"}]
    changes.resolved = [{"id": "c"}]
    later = artifact_markdown(run, summarize(run))
    assert "Since the previous run: 2 new problem(s), 1 resolved." in later
    assert later == render_markdown(summarize(run), site_index="reports/index.html", changes=(2, 1))


def test_artifact_text_leaks_no_contact_address_or_key() -> None:
    """The Prefect server stores the artifact: a failure line quoting a registry URL must
    not carry the polite-pool e-mail or an API key into its database."""
    run = two_article_run()
    run.failures = [
        "articles/back-pain.md:12: broken: [1] DOI 10.1000/xyz does not resolve "
        "(GET https://api.crossref.org/works?mailto=editor@example.org&api_key=s3cret)",
        "articles/back-pain.md:14: broken: contact ops+alerts@news.example.co.uk (token=abc123)",
    ]
    markdown = artifact_markdown(run)
    assert "10.1000/xyz" in markdown
    for secret in ("editor@example.org", "s3cret", "ops+alerts@", "abc123"):
        assert secret not in markdown
    assert "api_key=[redacted]" in markdown and "token=[redacted]" in markdown


def test_scrub_redacts_addresses_and_secret_parameters_and_keeps_the_rest() -> None:
    text = "see https://x.org/?EMAIL=a@b.io&Api-Key=k1&page=2 or write to c.d@e.org."
    assert scrub(text) == (
        "see https://x.org/?EMAIL=[redacted]&Api-Key=[redacted]&page=2 or write to [redacted]."
    )
