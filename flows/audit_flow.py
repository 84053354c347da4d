"""Prefect 3 flow that runs the citeaudit pipeline on a schedule.

The flow is deliberately thin: every decision about articles, claims, sources and
verdicts lives in `citeaudit.pipeline.stages`, which the CLI calls too (`stages.run`).
The flow only adds what Prefect is for: observable steps, retries of registry
look-ups, parameter validation before any work starts, and a summary artifact.

Granularity: one task per stage, and one task per *batch of articles* for the
registry look-ups. Never one task per reference: a Prefect task run costs 16-100 ms
of orchestration here, which would dwarf an offline audit of a six-reference article.

No Prefect cache policy (every task has NO_CACHE): Prefect caches a task's result by
a hash of its inputs, for one expiry. What may be reused here ages at different
speeds (a work's metadata for weeks, its retraction status for at most a day), so the
library's source cache (`citeaudit.registries.cache`) decides per fact, and a Prefect cache
would replay yesterday's retraction status from unchanged inputs.

A run that finds broken citations is a successful run with findings: the flow
returns them (and publishes them in the artifact) instead of raising, so a nightly
re-check shows up as Completed with a non-zero ``failure_count``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import AfterValidator, Field

from citeaudit.models import Article

# Imported as a module (not its functions) so the stage functions are looked up at
# call time: the flow stays a thin wrapper and tests can stand in for a stage.
from citeaudit.pipeline import outputs, run_summary, stages
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import ArticleAudit, ClaimSet, RunResult
from citeaudit.reading import inputs
from citeaudit.reading.inputs import ARTICLE_SUFFIXES, Skipped
from citeaudit.reading.web import is_url

ARTIFACT_KEY = "citeaudit-summary"
"""Key of the Markdown artifact; a fixed key gives the UI a history across runs."""

FailOn = Literal["never", "retracted", "broken", "mismatch", "unsupported"]
"""The levels of `citeaudit.reporting.gate.FAIL_LEVELS`, spelled out so Prefect's parameter schema
(and the UI's run form) can list them; a test keeps the two in step."""

RESOLVE_RETRIES_ONLINE = 1
"""The registry clients already retry single requests (Settings.retries) and keep the
stored snapshot through an outage; one task retry covers a batch that crashed anyway
(e.g. a dropped connection outside a client's retry). Offline reads get none: a
missing or corrupt snapshot does not heal, and retrying would only delay the error."""


def _article_source(item: str) -> str:
    """Accept what the CLI accepts as an article (pydantic validator, run before any task).

    An article file with a suffix the library reads (`citeaudit.reading.inputs.ARTICLE_SUFFIXES`),
    an existing folder (the library audits the articles inside it), or an http(s) URL
    with a host. Anything else is rejected here, naming the item, so a bad parameter
    fails the run at once instead of in a task.
    """
    if is_url(item):
        if not urlsplit(item).netloc:
            raise ValueError(f"not a usable article URL (no host): {item!r}")
        return item
    path = Path(item)
    if path.is_dir():
        return item
    where = "" if path.is_absolute() else f" (relative to {Path.cwd()})"
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        if not path.suffix and not path.exists():
            raise ValueError(f"article file or folder not found: {item!r}{where}")
        raise ValueError(
            f"unsupported article format {item!r} (expected a file ending in "
            f"{', '.join(ARTICLE_SUFFIXES)}, a folder of them, or an http(s):// URL)"
        )
    if not path.is_file():
        raise ValueError(f"article file not found: {item!r}{where}")
    return item


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


ArticlePath = Annotated[str, AfterValidator(_plain_path), AfterValidator(_article_source)]
"""One article: a file, a folder of articles or an http(s) URL (see `_article_source`)."""
FilePath = Annotated[str, AfterValidator(_plain_path), AfterValidator(_not_a_directory)]
DirectoryPath = Annotated[str, AfterValidator(_plain_path), AfterValidator(_not_a_file)]
BatchSize = Annotated[int, Field(ge=1)]


def _web_address(item: str) -> str:
    """A sitemap parameter must be an http(s) URL with a host (the library fetches it)."""
    if not is_url(item) or not urlsplit(item).netloc:
        raise ValueError(f"a sitemap must be an http(s) URL, not {item!r}")
    return item


SitemapUrl = Annotated[str, AfterValidator(_web_address)]


@task(name="load-articles", cache_policy=NO_CACHE)
def load_articles_task(
    paths: list[str], url_lists: list[str], sitemaps: list[str], include: str | None
) -> tuple[list[Article], list[Skipped]]:
    """Read the articles: files, folders of them, URLs, a site's listed pages (one task).

    The items go to the library as given: a URL must stay a string (`Path` would fold
    its ``//``), and the library expands folders and fetches URLs as the CLI does.
    """
    return inputs.load_site(paths, url_lists=url_lists, sitemaps=sitemaps, include=include)


@task(name="load-claims", cache_policy=NO_CACHE)
def load_claims_task(options: RunOptions, articles: list[Article]) -> ClaimSet:
    """Read and validate claims.csv (claims are proposed for articles it lacks)."""
    return stages.load_claims(options, articles)


@task(name="resolve-sources-batch", cache_policy=NO_CACHE, retry_delay_seconds=10)
def resolve_batch_task(batch: list[Article], options: RunOptions) -> dict[str, dict]:
    """Resolve every reference of a batch of articles in one task run.

    Settings (API keys, the polite-pool e-mail) are left to the library to read from
    the environment, so they never become flow or task parameters that Prefect stores.
    """
    # Without the raw registry records (they stay in sources/): the audit never reads
    # them, and Prefect need not store or ship megabytes per batch.
    return stages.resolve_sources(batch, options, records=False)


@task(name="audit-articles", cache_policy=NO_CACHE)
def audit_task(
    articles: list[Article],
    claims: ClaimSet,
    sources: dict[str, dict],
    options: RunOptions,
) -> list[ArticleAudit]:
    """Judge references and claims (pure; no I/O)."""
    return stages.audit_articles(articles, claims, sources, options)


@task(name="write-reports", cache_policy=NO_CACHE)
def write_reports_task(audits: list[ArticleAudit], options: RunOptions) -> RunResult:
    """Write reports/<article>.html and .json and collect failures at the fail level."""
    return stages.write_reports(audits, options)


def batches(items: list[Article], size: int) -> list[list[Article]]:
    """Split articles into consecutive batches of at most `size` (the flow's only logic)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


@flow(name="citeaudit-audit-site", log_prints=False)
def audit_site(
    articles: list[ArticlePath] = [],  # noqa: B006 (Prefect copies parameters per run)
    sitemaps: list[SitemapUrl] = [],  # noqa: B006
    url_lists: list[FilePath] = [],  # noqa: B006
    include: str | None = None,
    claims_csv: FilePath = "claims.csv",
    sources_dir: DirectoryPath = "sources",
    out_dir: DirectoryPath = "reports",
    offline: bool = True,
    fail_on: FailOn = "broken",
    batch_size: BatchSize = 50,
) -> dict[str, Any]:
    """Audit articles' claims and citations, as `citeaudit` does, under Prefect.

    Articles are files, folders of them or URLs (`articles`), and a site's pages listed
    in sitemaps and URL-list files (`sitemaps`, `url_lists`, filtered by the regular
    expression `include`); listed pages that are not articles are skipped and named in
    the summary. Parameters are validated by Prefect (pydantic) before any task runs: a
    missing article, an unknown ``fail_on`` or ``batch_size < 1`` fails the run at once
    with a ``ParameterTypeError`` naming the bad parameter.

    Returns `citeaudit.pipeline.run_summary.summarize` of the run; failures are findings, not a
    crash.
    """
    logger = get_run_logger()
    options = RunOptions(
        claims_csv=Path(claims_csv),
        sources_dir=Path(sources_dir),
        out_dir=Path(out_dir),
        offline=offline,
        fail_on=fail_on,
    )
    parsed, skipped = load_articles_task(articles, url_lists, sitemaps, include)
    outputs.check_outputs(parsed, options)  # before any work: no output lands on an input
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
        audit_task.submit(batch, claims, stages.sources_for(batch, sources), options)
        for batch in batches(parsed, batch_size)
    ]
    audits = [audit for future in futures for audit in future.result()]
    result = write_reports_task(audits, options)
    result.skipped = skipped

    summary = run_summary.summarize(result)
    create_markdown_artifact(
        markdown=run_summary.artifact_markdown(result, summary),
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
