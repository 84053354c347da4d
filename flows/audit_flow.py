"""Prefect 3 flow that runs the citeaudit pipeline on a schedule.

The flow is deliberately thin: every decision about articles, claims, sources and
verdicts lives in `citeaudit.pipeline`, which the CLI calls too (`pipeline.run`).
The flow only adds what Prefect is for: observable steps, retries of registry
look-ups, parameter validation before any work starts, and a summary artifact.

Granularity: one task per stage, and one task per *batch of articles* for the
registry look-ups. Never one task per reference: a Prefect task run costs 16-100 ms
of orchestration here, which would dwarf an offline audit of a six-reference article.

A run that finds broken citations is a successful run with findings: the flow
returns them (and publishes them in the artifact) instead of raising, so a nightly
re-check shows up as Completed with a non-zero ``failure_count``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import AfterValidator, Field

# Imported as a module (not its functions) so the stage functions are looked up at
# call time: the flow stays a thin wrapper and tests can stand in for a stage.
from citeaudit import pipeline
from citeaudit.models import Article
from citeaudit.pipeline import ArticleAudit, ClaimSet, RunOptions, RunResult

ARTIFACT_KEY = "citeaudit-summary"
"""Key of the Markdown artifact; a fixed key gives the UI a history across runs."""

FailOn = Literal["never", "retracted", "broken", "mismatch", "unsupported"]
"""The levels of `citeaudit.gate.FAIL_LEVELS`, spelled out so Prefect's parameter schema
(and the UI's run form) can list them; a test keeps the two in step."""

RESOLVE_RETRIES_ONLINE = 1
"""The registry clients already retry single requests (Settings.retries) and keep the
stored snapshot through an outage; one task retry covers a batch that crashed anyway
(e.g. a dropped connection outside a client's retry). Offline reads get none: a
missing or corrupt snapshot does not heal, and retrying would only delay the error."""


def _existing_file(path: str) -> str:
    """Reject a missing article before the run does any work (pydantic validator)."""
    if not Path(path).is_file():
        where = "" if Path(path).is_absolute() else f" (relative to {Path.cwd()})"
        raise ValueError(f"article file not found: {path!r}{where}")
    return path


def _supported_article(path: str) -> str:
    """Reject a file citeaudit cannot read as an article (same rule as the CLI)."""
    from citeaudit.article import SUPPORTED_SUFFIXES

    if Path(path).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"unsupported article format {path!r} (expected {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    return path


def _plain_path(path: str) -> str:
    """A path parameter must be a usable file-system path: not empty, no control characters."""
    if not path.strip() or any(ord(ch) < 32 for ch in path):
        raise ValueError(f"not a usable path: {path!r}")
    return path


def _not_a_directory(path: str) -> str:
    if Path(path).is_dir():
        raise ValueError(f"{path!r} is a directory, expected a file")
    return path


def _not_a_file(path: str) -> str:
    if Path(path).exists() and not Path(path).is_dir():
        raise ValueError(f"{path!r} is a file, expected a directory")
    return path


ArticlePath = Annotated[
    str,
    AfterValidator(_plain_path),
    AfterValidator(_supported_article),
    AfterValidator(_existing_file),
]
FilePath = Annotated[str, AfterValidator(_plain_path), AfterValidator(_not_a_directory)]
DirectoryPath = Annotated[str, AfterValidator(_plain_path), AfterValidator(_not_a_file)]
BatchSize = Annotated[int, Field(ge=1)]
ArticleList = Annotated[list[ArticlePath], Field(min_length=1)]


@task(name="load-articles", cache_policy=NO_CACHE)
def load_articles_task(paths: list[str]) -> list[Article]:
    """Parse the article files (one task: parsing is fast and local)."""
    return pipeline.load_articles([Path(p) for p in paths])


@task(name="load-claims", cache_policy=NO_CACHE)
def load_claims_task(options: RunOptions, articles: list[Article]) -> ClaimSet:
    """Read and validate claims.csv (claims are proposed for articles it lacks)."""
    return pipeline.load_claims(options, articles)


@task(name="resolve-sources-batch", cache_policy=NO_CACHE, retry_delay_seconds=10)
def resolve_batch_task(batch: list[Article], options: RunOptions) -> dict[str, dict]:
    """Resolve every reference of a batch of articles in one task run.

    Settings (API keys, the polite-pool e-mail) are left to the library to read from
    the environment, so they never become flow or task parameters that Prefect stores.
    """
    # Without the raw registry records (they stay in sources/): the audit never reads
    # them, and Prefect need not store or ship megabytes per batch.
    return pipeline.resolve_sources(batch, options, records=False)


@task(name="audit-articles", cache_policy=NO_CACHE)
def audit_task(
    articles: list[Article],
    claims: ClaimSet,
    sources: dict[str, dict],
    options: RunOptions,
) -> list[ArticleAudit]:
    """Judge references and claims (pure; no I/O)."""
    return pipeline.audit_articles(articles, claims, sources, options)


@task(name="write-reports", cache_policy=NO_CACHE)
def write_reports_task(audits: list[ArticleAudit], options: RunOptions) -> RunResult:
    """Write reports/<article>.html and .json and collect failures at the fail level."""
    return pipeline.write_reports(audits, options)


def batches(items: list[Article], size: int) -> list[list[Article]]:
    """Split articles into consecutive batches of at most `size` (the flow's only logic)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def summarize(result: RunResult) -> dict[str, Any]:
    """Reduce a RunResult to the small, JSON-safe dict the flow returns.

    Per-article counts are copied from each JSON report's own ``summary`` (the
    library computed them; the flow must not re-judge anything). Failure lines are
    the gate's ``path:line: category: message`` lines, attributed to an article by
    its path. Only counts, names, failure lines and paths: the return value and the
    artifact are stored by the Prefect server, so nothing from Settings goes in here.
    """
    per_article = []
    for audit in result.audits:
        counts = audit.report.get("summary", {})
        name = audit.article.name
        per_article.append(
            {
                "article": name,
                "path": audit.article.path,
                "references": counts.get("references", len(audit.references)),
                "problems": counts.get("problems", 0),
                "claims": counts.get("claims", len(audit.claims)),
                "uncited_claims": counts.get("uncited_claims", 0),
                "verdicts": dict(sorted(counts.get("verdicts", {}).items())),
                "failures": sum(
                    1 for line in result.failures if line.startswith(f"{audit.article.path}:")
                ),
                "reports": [str(p) for p in result.report_paths if Path(p).stem == name],
            }
        )
    return {
        "articles": [row["article"] for row in per_article],
        "failure_count": len(result.failures),
        "failures": list(result.failures),
        "exit_code": result.exit_code,
        "report_paths": [str(p) for p in result.report_paths],
        "per_article": per_article,
    }


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SECRET_PARAM = re.compile(r"(?i)\b(api[_-]?key|mailto|token|email)=[^&\s)]+")


def _scrub(text: str) -> str:
    """Belt and braces: drop e-mail addresses and key=value secrets from artifact text."""
    return _SECRET_PARAM.sub(r"\1=[redacted]", _EMAIL.sub("[redacted]", text))


def render_markdown(
    summary: dict[str, Any],
    *,
    max_failures: int = 50,
    site_index: str | None = None,
    changes: tuple[int, int] | None = None,
) -> str:
    """Render the summary as the Markdown shown in the Prefect UI's Artifacts page.

    `site_index` is the path of the run's index page and `changes` the (new, resolved)
    problem counts since the previous run, so each scheduled run in the UI says what
    it found and what changed, and where to open the HTML reports.
    """
    status = (
        "no failures"
        if summary["failure_count"] == 0
        else f"**{summary['failure_count']} failure(s)** at the fail level"
    )
    lines = [
        "# citeaudit summary",
        "",
        f"{len(summary['articles'])} article(s) audited; {status}.",
        "",
    ]
    if changes is not None:
        lines += [
            f"Since the previous run: {changes[0]} new problem(s), {changes[1]} resolved.",
            "",
        ]
    if site_index:
        lines += [f"Site index (links to every HTML report): `{site_index}`", ""]
    lines += [
        "| article | references | reference problems | claims | verdicts | failures | reports |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for row in summary["per_article"]:
        verdicts = ", ".join(f"{k}: {v}" for k, v in row["verdicts"].items()) or "-"
        reports = "<br>".join(f"`{p}`" for p in row["reports"]) or "-"
        lines.append(
            f"| {row['article']} | {row['references']} | {row['problems']} "
            f"| {row['claims']} | {verdicts} | {row['failures']} | {reports} |"
        )
    if summary["failures"]:
        lines += ["", "## Failures", ""]
        lines += [f"- {line}" for line in summary["failures"][:max_failures]]
        if len(summary["failures"]) > max_failures:
            lines.append(f"- ... and {len(summary['failures']) - max_failures} more")
    return _scrub("\n".join(lines) + "\n")


@flow(name="citeaudit-audit-site", log_prints=False)
def audit_site(
    articles: ArticleList,
    claims_csv: FilePath = "claims.csv",
    sources_dir: DirectoryPath = "sources",
    out_dir: DirectoryPath = "reports",
    offline: bool = True,
    fail_on: FailOn = "broken",
    batch_size: BatchSize = 50,
) -> dict[str, Any]:
    """Audit articles' claims and citations, as `citeaudit` does, under Prefect.

    Parameters are validated by Prefect (pydantic) before any task runs: a missing
    article, an unknown ``fail_on`` or ``batch_size < 1`` fails the run at once with
    a ``ParameterTypeError`` naming the bad parameter.

    Returns the summary from `summarize`; failures are findings, not a crash.
    """
    logger = get_run_logger()
    options = RunOptions(
        claims_csv=Path(claims_csv),
        sources_dir=Path(sources_dir),
        out_dir=Path(out_dir),
        offline=offline,
        fail_on=fail_on,
    )
    parsed = load_articles_task(articles)
    claims = load_claims_task(options, parsed)

    resolve = resolve_batch_task.with_options(retries=0 if offline else RESOLVE_RETRIES_ONLINE)
    sources: dict[str, dict] = {}
    # Batches run one after another: online look-ups share the registries' rate
    # limits, so concurrent batches would only earn 429s.
    for batch in batches(parsed, batch_size):
        sources.update(resolve(batch, options))

    # Judging is pure CPU work: each batch is submitted to the flow's task runner, so
    # under a DaskTaskRunner the batches fan out over the cluster's workers.
    futures = [
        # each batch gets only its own sources: a Dask worker is sent what it judges
        audit_task.submit(batch, claims, pipeline.sources_for(batch, sources), options)
        for batch in batches(parsed, batch_size)
    ]
    audits = [audit for future in futures for audit in future.result()]
    result = write_reports_task(audits, options)

    summary = summarize(result)
    create_markdown_artifact(
        markdown=render_markdown(
            summary,
            site_index=str(result.site_index.page) if result.site_index else None,
            changes=(
                (result.site_index.new_count, result.site_index.resolved_count)
                if result.site_index and result.site_index.compared
                else None
            ),
        ),
        key=ARTIFACT_KEY,
        description="citeaudit: per-article counts and report paths",
    )
    if summary["failure_count"]:
        logger.warning(
            "%d failure(s) at fail level %r; see the %s artifact",
            summary["failure_count"],
            fail_on,
            ARTIFACT_KEY,
        )
    return summary
