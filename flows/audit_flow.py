"""Prefect 3 flow that runs the citeaudit pipeline on a schedule.

The flow is deliberately thin: every decision about articles, claims, sources and
verdicts lives in `citeaudit.pipeline` (`stages`, `resolution`, `run_health`), which
the CLI calls too (`stages.run`). The flow only adds what Prefect is for: observable
steps, retries and timeouts, parameter validation before any work starts, artifacts,
logs and a final state that says what happened.

Granularity: one task per stage and per *batch of articles*. Never one task per
reference: a Prefect task run costs 16-100 ms of orchestration here, which would dwarf
an offline audit of a six-reference article.

Failures stay local. A bad claims.csv row fails its article (`load_claims(isolate=True)`),
not the site; each batch is judged and its reports written as soon as its sources are
resolved, so a batch that fails loses only its own articles, named in the run's
artifacts and logs, one line each.

What the run says (`citeaudit.pipeline.run_health`): a table artifact (one row per
article), a link artifact to the site index, a short Markdown summary, one WARNING line
per thing an operator should know (registries that did not answer, references left
unverified, snapshots kept from an earlier run, failed input checks, new retractions),
and a final state: Completed; Completed named "Degraded" when a registry did not answer
or an input check failed; Failed named "RegistryOutage" when no registry answered at
all; Failed when an article could not be audited. A newly retracted source is also
emitted as the Prefect event ``citeaudit.source.retracted``, for an automation to
notify someone (README).

No Prefect cache policy (every task has NO_CACHE): what may be reused ages at different
speeds (a work's metadata for weeks, its retraction status for at most a day), so the
library's source cache (`citeaudit.registries.cache`) decides per fact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.runtime import flow_run as prefect_flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote
from pydantic import AfterValidator, Field

from citeaudit.models import Article
from citeaudit.pipeline import outputs, resolution, run_health, run_summary, stages
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.run_health import RunHealth
from citeaudit.pipeline.stages import ArticleAudit, ClaimSet, RunResult
from citeaudit.reading import inputs
from citeaudit.reading.inputs import ARTICLE_SUFFIXES, Skipped
from citeaudit.reading.web import is_url
from flows import registry_limits, run_logs

ARTIFACT_KEY = "citeaudit-summary"
"""Key of the Markdown summary artifact; a fixed key gives the UI a history across runs."""
TABLE_KEY = "citeaudit-articles"
"""Key of the table artifact: one row per article."""
LINK_KEY = "citeaudit-site-index"
"""Key of the link artifact to the site index, which links every HTML report."""
RETRACTED_EVENT = "citeaudit.source.retracted"
"""The Prefect event emitted for each newly retracted source (for an automation)."""

FailOn = Literal["never", "retracted", "broken", "mismatch", "unsupported"]
"""The levels of `citeaudit.reporting.gate.FAIL_LEVELS`, spelled out so Prefect's parameter schema
(and the UI's run form) can list them; a test keeps the two in step."""

RESOLVE_RETRIES_ONLINE = 1
"""The registry clients already retry single requests (Settings.retries) and keep the
stored snapshot through an outage; one task retry covers a batch that crashed anyway
(e.g. a dropped connection outside a client's retry). Offline reads get none: a
missing or corrupt snapshot does not heal, and retrying would only delay the error."""

RESOLVE_TIMEOUT_SECONDS = 3600
"""A batch of 50 articles asks for some 2,500 sources at 10 requests/s per registry:
minutes, not an hour. A batch still running after an hour is hung, and its articles
are reported as not audited instead of holding the night's run."""
WRITE_RETRIES = 2
"""Writing reports touches only the local disk; a retry covers a transient error
(a full disk freed, a network file system hiccup). Files are written atomically.
Judging and writing get no timeout: they run in worker threads, where Prefect cannot
interrupt them, and the registry look-ups (the only waits) have their own."""


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
    its ``//``), and the library expands folders and fetches URLs as the CLI does, at
    run time, so an article added to a deployed folder is audited on the next run.
    """
    return inputs.load_site(paths, url_lists=url_lists, sitemaps=sitemaps, include=include)


@task(name="load-claims", cache_policy=NO_CACHE)
def load_claims_task(options: RunOptions, articles: list[Article]) -> ClaimSet:
    """Read and validate claims.csv; a bad row fails its article only (isolate)."""
    return stages.load_claims(options, articles, isolate=True)


@task(
    name="resolve-sources-batch",
    cache_policy=NO_CACHE,
    retry_delay_seconds=10,
    timeout_seconds=RESOLVE_TIMEOUT_SECONDS,
)
def resolve_batch_task(batch: list[Article], options: RunOptions) -> resolution.Resolution:
    """Resolve every reference of a batch of articles in one task run.

    Settings (API keys, the polite-pool e-mail) are left to the library to read from
    the environment, so they never become flow or task parameters that Prefect stores.
    Without the raw registry records (they stay in sources/): the audit never reads them.
    """
    if options.offline:
        return resolution.resolve_all(batch, options, records=False, progress=False)
    with registry_limits.shared_through_prefect():  # budgets shared with other machines
        return resolution.resolve_all(batch, options, records=False, progress=False)


class Parcel:
    """What one batch's judging needs: its articles, their claims and their sources.

    A plain class, not a dataclass: Prefect walks a task's dataclass and list
    parameters looking for futures, and walking every sentence of 50 articles cost
    more than judging them. (``quote()`` does the same on the flow's own thread, but
    the Dask task runner hands it to the task unopened.)
    """

    __slots__ = ("articles", "claims", "sources")

    def __init__(self, articles: list[Article], claims: ClaimSet, sources: dict[str, dict]):
        self.articles = articles
        self.claims = claims
        self.sources = sources


@task(name="audit-batch", cache_policy=NO_CACHE, retries=1)
def audit_task(parcel: Parcel, options: RunOptions) -> list[ArticleAudit]:
    """Judge references and claims (pure; no I/O)."""
    return stages.audit_articles(parcel.articles, parcel.claims, parcel.sources, options)


@task(
    name="write-batch-reports",
    cache_policy=NO_CACHE,
    retries=WRITE_RETRIES,
    retry_delay_seconds=5,
)
def write_batch_task(
    audits: list[ArticleAudit], options: RunOptions, outage: str | None
) -> RunResult:
    """Write the batch's reports/<article>.html and .json as soon as it is judged."""
    return stages.write_article_reports(audits, options, outage=outage)


@task(
    name="write-run-outputs",
    cache_policy=NO_CACHE,
    retries=WRITE_RETRIES,
    retry_delay_seconds=5,
)
def write_run_outputs_task(result: RunResult, options: RunOptions) -> RunResult:
    """The JUnit file and the site index over every article audited."""
    return stages.write_run_outputs(result, options)


def batches(items: list[Article], size: int) -> list[list[Article]]:
    """Split articles into consecutive batches of at most `size`."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _one_line(state: State) -> str:
    """A failed task's reason, on one line (Prefect's message names the exception)."""
    return " ".join((state.message or state.name or "failed").split())


@flow(name="citeaudit-audit-site", log_prints=False, persist_result=True)
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
) -> State:
    """Audit articles' claims and citations, as `citeaudit` does, under Prefect.

    Articles are files, folders of them or URLs (`articles`), and a site's pages listed
    in sitemaps and URL-list files (`sitemaps`, `url_lists`, filtered by the regular
    expression `include`); listed pages that are not articles are skipped and named in
    the summary. Parameters are validated by Prefect (pydantic) before any task runs: a
    missing article, an unknown ``fail_on`` or ``batch_size < 1`` fails the run at once
    with a ``ParameterTypeError`` naming the bad parameter.

    The run's result is `citeaudit.pipeline.run_summary.summarize` of the run plus its
    ``health`` (`run_health`); failures at the fail level are findings, not a crash.
    """
    logger = get_run_logger()
    options = RunOptions(
        claims_csv=Path(claims_csv),
        sources_dir=Path(sources_dir),
        out_dir=Path(out_dir),
        offline=offline,
        fail_on=fail_on,
    )
    with run_logs.library_logs_to_run(prefect_flow_run.id):
        parsed, skipped = load_articles_task(articles, url_lists, sitemaps, include)
        outputs.check_outputs(parsed, options)  # before any work: no output lands on an input
        claims = load_claims_task(options, quote(parsed))

        resolve = resolve_batch_task.with_options(retries=0 if offline else RESOLVE_RETRIES_ONLINE)
        resolutions: list[resolution.Resolution] = []
        not_audited: dict[str, str] = {}
        written = []
        # Batches are resolved one after another (online look-ups share the registries' rate
        # limits, so concurrent batches would only earn 429s); each batch's judging and
        # writing go to the task runner meanwhile (under a DaskTaskRunner, to its workers).
        for batch in batches([a for a in parsed if a.name not in claims.failed], batch_size):
            resolved = resolve(quote(batch), options, return_state=True)
            if not resolved.is_completed():
                not_audited.update({article.name: _one_line(resolved) for article in batch})
                continue
            found: resolution.Resolution = resolved.result()
            resolutions.append(found)
            # each batch gets only its own claims and sources: a worker process (or a Dask
            # worker) is sent what it judges
            parcel = Parcel(
                batch, stages.claims_for(batch, claims), stages.sources_for(batch, found.snapshots)
            )
            audits = audit_task.submit(parcel, options)
            outage = resolution.outage_note(found)
            written.append((batch, write_batch_task.submit(audits, options, outage)))
        parts = []
        for batch, future in written:
            future.wait()
            if future.state.is_completed():
                parts.append(future.result())
            else:
                not_audited.update({article.name: _one_line(future.state) for article in batch})

        result = write_run_outputs_task(quote(stages.combine_results(parts)), options)
        result.skipped = skipped
        health = run_health.assess(
            result, claims, resolution.combine_resolutions(resolutions), failed_batches=not_audited
        )
        summary = {**run_summary.summarize(result), "health": health.counts()}
        _publish(result, summary, health)
        for line in health.warnings():
            logger.warning(run_summary.scrub(line))
        if summary["failure_count"]:
            logger.warning(
                "%d failure(s) at fail level %r; see the %s artifact",
                summary["failure_count"],
                fail_on,
                ARTIFACT_KEY,
            )
        return _final_state(health, summary)


def _publish(result: RunResult, summary: dict[str, Any], health: RunHealth) -> None:
    """The run's artifacts and events (all text scrubbed: the server stores it)."""
    create_markdown_artifact(
        markdown=run_summary.artifact_markdown(result, summary, health=health),
        key=ARTIFACT_KEY,
        description="citeaudit: what the run did and what it found",
    )
    rows = run_health.table_rows(summary) + list(run_health.failed_rows(health))
    if rows:
        create_table_artifact(
            table=[{k: run_summary.scrub(str(v)) for k, v in row.items()} for row in rows],
            key=TABLE_KEY,
            description="citeaudit: one row per article",
        )
    if result.site_index is not None:
        create_link_artifact(
            link=result.site_index.page.resolve().as_uri(),
            link_text="citeaudit site index (every HTML report)",
            key=LINK_KEY,
        )
    for line in health.new_retractions:
        emit_event(
            RETRACTED_EVENT,
            resource={"prefect.resource.id": "citeaudit.site", "citeaudit.message": line},
        )


class SiteRunFailed(Exception):
    """The result of a run that ended Failed: raised by a direct call of the flow, and
    `state.result(raise_on_failure=False)` of a run; `summary` says what it did do."""

    def __init__(self, message: str, summary: dict[str, Any]):
        super().__init__(message)
        self.summary = summary

    def __reduce__(self) -> tuple[type[SiteRunFailed], tuple[str, dict[str, Any]]]:
        return (type(self), (str(self), self.summary))


def _final_state(health: RunHealth, summary: dict[str, Any]) -> State:
    """The run's final state, named for what happened (see the module doc)."""
    message = run_summary.scrub(health.message())
    outcome = health.outcome
    if outcome == "failed":
        return Failed(message=message, data=SiteRunFailed(message, summary))
    if outcome == "outage":
        return Failed(name="RegistryOutage", message=message, data=SiteRunFailed(message, summary))
    if outcome == "degraded":
        return Completed(name="Degraded", message=message, data=summary)
    return Completed(message=message, data=summary)
