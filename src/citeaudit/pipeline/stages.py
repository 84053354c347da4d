"""The audit pipeline: the one path that both the CLI and the Prefect flows call.

Stages (each a plain function so a flow can wrap it in a task):
  load_site       -> parse article files and a site's listed pages (reading/inputs.py)
  load_claims     -> read and validate claims.csv (proposals for articles it lacks)
  resolve_sources -> registry look-ups (or snapshots when offline), written to sources/
  audit_articles  -> field checks and claim judgments (pure)
  write_reports   -> reports/<article>.html and .json, and the CI gate
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeaudit.claims.csv_file import RowProblem, read_claims
from citeaudit.claims.proposals import propose_claims
from citeaudit.config import Settings
from citeaudit.errors import InputError
from citeaudit.files import write_text_if_changed
from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import source_text
from citeaudit.judging.judgment import Judgment
from citeaudit.models import Article, Claim, ClaimResult, ReferenceCheck, Work
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.outputs import check_outputs, report_paths
from citeaudit.reading.inputs import load_site
from citeaudit.registries.works import work_from_dict
from citeaudit.reporting.findings import failing_lines
from citeaudit.reporting.json_report import build_report, keep_time_if_unchanged, write_json
from citeaudit.verification.link_check import link_problem
from citeaudit.verification.reference_check import check_reference
from citeaudit.verification.snapshots import snapshot_faults, snapshot_path, source_id

if TYPE_CHECKING:
    from citeaudit.pipeline.resolution import SourceChange
    from citeaudit.reading.inputs import Skipped
    from citeaudit.reporting.site_index import SiteIndex

logger = logging.getLogger(__name__)


@dataclass
class ClaimSet:
    """The claims to judge, with the outcome of validating claims.csv."""

    claims: list[Claim]
    validation: list[dict[str, Any]] = field(default_factory=list)
    proposed_for: list[str] = field(default_factory=list)  # articles absent from claims.csv
    # With `load_claims(isolate=True)`: articles whose claims.csv rows are bad, each with
    # its `file: row N: problem` lines; they are not judged (their other rows cannot be
    # trusted to be what the editor meant), the rest of the site is.
    failed: dict[str, list[str]] = field(default_factory=dict)
    # Bad rows that name no article of this run (an empty or unreadable article cell).
    unattributed: list[str] = field(default_factory=list)


@dataclass
class ArticleAudit:
    article: Article
    references: list[ReferenceCheck]
    claims: list[ClaimResult]
    report: dict[str, Any]  # the JSON report (see schema/report.schema.json)


@dataclass
class RunResult:
    audits: list[ArticleAudit]
    failures: list[str] = field(default_factory=list)  # one line per problem at the fail level
    report_paths: list[Path] = field(default_factory=list)  # each article's .html and .json
    junit_path: Path | None = None
    markdown_path: Path | None = None
    site_index: SiteIndex | None = None  # the index page, its state and this run's changes
    # What the registries say differently since the previous run (online runs only):
    # new retractions, DOIs that stopped resolving, changed matches (resolution.py).
    source_changes: list[SourceChange] = field(default_factory=list)
    # Listed pages (URL lists, sitemaps) not audited, with the reason for each.
    skipped: list[Skipped] = field(default_factory=list)
    # Which registries did not answer, in one line (online runs; None: all answered).
    outage: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def load_claims(options: RunOptions, articles: list[Article], *, isolate: bool = False) -> ClaimSet:
    """Claims from claims.csv, validated with great-expectations before use.

    An article with no rows in claims.csv (or no claims.csv at all) is judged on the
    proposals of `extract`, so a new article still gets a useful report.

    A bad row raises `InputError` (the CLI's exit 2), unless `isolate`: then it fails
    only the article it names (`ClaimSet.failed`), so one editor's typo does not stop a
    nightly run over the whole site. A problem with the file as a whole still raises.
    """
    # great-expectations is slow to import: quality/memo.py runs it only for changed claims.
    from citeaudit.quality.ledger import ledger_path
    from citeaudit.quality.memo import validate_claims

    articles = [a for a in articles if not a.bibliography]  # no body, nothing to claim
    row_problems: list[RowProblem] | None = [] if isolate else None
    existing = (
        read_claims(options.claims_csv, row_problems=row_problems)
        if options.claims_csv.exists()
        else []
    )
    known = {a.name: {r.key for r in a.references} for a in articles}
    failed: dict[str, list[str]] = {}
    unattributed: list[str] = []
    for problem in row_problems or []:
        if problem.article in known:
            failed.setdefault(problem.article, []).append(str(problem.error))
        elif problem.article is None:
            unattributed.append(str(problem.error))
    wanted = [c for c in existing if c.article in known]
    validation = validate_claims(
        wanted, known, name=str(options.claims_csv), ledger=ledger_path(options.claims_csv)
    )
    if not validation.success:
        if not isolate or validation.whole:
            raise InputError(
                "claims failed validation: "
                + " | ".join(validation.details[:5])
                + (
                    f" (+{len(validation.details) - 5} more)" if len(validation.details) > 5 else ""
                ),
                path=options.claims_csv,
            )
        for article, lines in validation.articles.items():
            failed.setdefault(article, []).extend(f"{options.claims_csv}: {line}" for line in lines)
    claims = [c for c in wanted if c.status != "rejected" and c.article not in failed]
    proposed_for = [
        a.name
        for a in articles
        if a.name not in failed and not any(c.article == a.name for c in wanted)
    ]
    for article in articles:
        if article.name in proposed_for:
            claims.extend(propose_claims(article))
    return ClaimSet(claims, [validation.for_report()], proposed_for, failed, unattributed)


def resolve_sources(
    articles: list[Article],
    options: RunOptions,
    settings: Settings | None = None,
    *,
    records: bool = True,
) -> dict[str, dict[str, Any]]:
    """Snapshots by source id. Offline: as stored. Online: asked afresh, each source once.

    A fresh answer with any fault never replaces a stored snapshot: an outage must
    not erase what an earlier run established. Each snapshot is saved as soon as it
    is resolved (atomically), so a run killed part-way keeps what it did and the
    next run simply asks again for the rest. Online, the registries are asked in
    batches, concurrently within their limits, and through the source cache
    (resolution.py); `records=False` leaves the raw registry records out of the
    returned snapshots (not the files): the audit never reads them.
    """
    from citeaudit.pipeline.resolution import resolve_all

    return resolve_all(
        articles, options, settings, records=records, progress=options.progress
    ).snapshots


def sources_for(
    articles: list[Article], sources: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The snapshots these articles cite (what a batch's audit needs, and no more)."""
    wanted = {source_id(ref) for article in articles for ref in article.references}
    return {sid: snapshot for sid, snapshot in sources.items() if sid in wanted}


def claims_for(articles: list[Article], claims: ClaimSet) -> ClaimSet:
    """The claims of these articles only (what a batch's audit needs, and no more)."""
    names = {article.name for article in articles}
    return replace(
        claims,
        claims=[claim for claim in claims.claims if claim.article in names],
        proposed_for=[name for name in claims.proposed_for if name in names],
    )


def _unchecked_refs(sources: dict[str, dict[str, Any]], article: Article) -> set[str]:
    """Keys of references left unverified because a registry did not answer."""
    unchecked = set()
    for ref in article.references:
        snapshot = sources.get(source_id(ref))
        if snapshot and snapshot.get("match") == "unverified" and snapshot_faults(snapshot):
            unchecked.add(ref.key)
    return unchecked


def _allow_for_unchecked(judgment: Judgment, unchecked: list[str]) -> Judgment:
    """A claim is only `unsupported` (or partly supported) when every source it relies
    on could be read. A source a registry fault hid might support it, so the verdict
    is `unverifiable` instead; support found in the other sources stands regardless."""
    if not unchecked or judgment.verdict == "supported":
        return judgment
    return replace(
        judgment,
        verdict="unverifiable",
        reason=(
            f"{', '.join(sorted(unchecked))} could not be checked (a registry did not answer); "
            f"from the other sources: {judgment.verdict.replace('_', ' ')}: {judgment.reason}"
        ),
    )


def _check_links(
    articles: list[Article], options: RunOptions, settings: Settings | None
) -> dict[str, dict[str, Any]]:
    """With --check-links, what each reference URL answered (verification/link_check.py)."""
    if not options.check_links:
        return {}
    from citeaudit.reading.web import Fetcher
    from citeaudit.verification.link_check import check_links, links_to_check

    settings = settings or Settings.from_env()
    fetcher = Fetcher(
        timeout=settings.timeout,
        retries=1,
        backoff=settings.backoff,
        allow_private=settings.allow_private_urls,
    )
    urls = links_to_check(articles)
    results = check_links(urls, fetcher, hosts_at_once=settings.web_concurrency)
    logger.info("%d link(s) checked", len(results))
    return {url: result.to_dict() for url, result in results.items()}


def audit_articles(
    articles: list[Article],
    claims: ClaimSet,
    sources: dict[str, dict[str, Any]],
    options: RunOptions,
    *,
    links: Mapping[str, dict[str, Any]] | None = None,
) -> list[ArticleAudit]:
    """Field checks and claim judgments for each article (pure: no I/O).

    The resolved sources are validated first (great-expectations, `validate_sources`):
    each article's report lists the outcome for the sources it cites, so a bad record
    shows in the report that relies on it.
    """
    from citeaudit.quality.expectations import sources_validation
    from citeaudit.quality.ledger import ledger_path
    from citeaudit.quality.memo import validate_sources  # only snapshots not validated before

    cited = {source_id(ref) for article in articles for ref in article.references}
    source_problems = validate_sources(
        {sid: snapshot for sid, snapshot in sources.items() if sid in cited},
        sources_dir=options.sources_dir.as_posix(),
        ledger=ledger_path(options.claims_csv),
    )
    audits = []
    for article in articles:
        unchecked = _unchecked_refs(sources, article)
        checks: list[ReferenceCheck] = []
        works: dict[str, Work | None] = {}
        texts = []
        for ref in article.references:
            snapshot = sources.get(source_id(ref))
            check = check_reference(ref, snapshot)
            if snapshot is not None:
                check.source_file = str(snapshot_path(options.sources_dir, ref))
            if links and ref.url and (link := links.get(ref.url.strip())) is not None:
                check.link = link
                if problem := link_problem(link):
                    check.problems.append(problem)
            checks.append(check)
            work = work_from_dict(snapshot.get("work")) if snapshot else None
            works[ref.key] = work
            usable = work is not None and check.match == "matched"
            texts.append(
                source_text(
                    ref.key,
                    work.title if usable else None,
                    work.abstract if usable else None,
                    work.type if usable else None,
                    work.abstract_source if usable else None,
                )
            )
        by_key = {t.ref: t for t in texts}
        results = []
        for claim in (c for c in claims.claims if c.article == article.name):
            scope = [by_key[k] for k in claim.refs if k in by_key] if claim.refs else texts
            judgment = judge_claim(
                claim.text, scope, cited=claim.cited, kind=claim.kind, judge=options.judge
            )
            judgment = _allow_for_unchecked(judgment, [t.ref for t in scope if t.ref in unchecked])
            results.append(
                ClaimResult(
                    claim,
                    judgment.verdict,
                    judgment.reason,
                    judgment.evidence,
                    judgment.supporting_refs,
                    judgment.needs_look,
                )  # type: ignore[arg-type]
            )
        validation = list(claims.validation)
        article_sources = [source_id(ref) for ref in article.references]
        validation.append(
            sources_validation(
                source_problems, article_sources, name=options.sources_dir.as_posix()
            ).for_report()
        )
        if article.name in claims.proposed_for:
            validation.append(
                {
                    "name": "claims.csv coverage",
                    "success": False,
                    "details": [
                        f"{article.path} has no rows in {options.claims_csv}: its claims were proposed "
                        "automatically; run `citeaudit extract` and review them"
                    ],
                }
            )
        report = build_report(
            article, checks, works, results,
            mode="offline" if options.offline else "online",
            validation=validation,
            fail_on=options.fail_on,
        )  # fmt: skip
        audits.append(ArticleAudit(article, checks, results, report))
    return audits


def write_article_reports(
    audits: list[ArticleAudit], options: RunOptions, *, outage: str | None = None
) -> RunResult:
    """Write each article's JSON and HTML report and collect its lines at the fail level.

    A site run calls this per batch, as each batch is judged, so a later batch that
    fails loses none of the reports already made. `outage` (which registries did not
    answer this run) is said in every report that has a reference they left unverified.
    """
    from citeaudit.reporting.html_report import write_html

    options.out_dir.mkdir(parents=True, exist_ok=True)
    result = RunResult(audits)
    for audit in audits:
        lines = failing_lines(audit.report, options.fail_on, options.fail_on_unverified)
        audit.report["summary"]["failing"] = bool(lines)
        if outage and any("unverified" in (c.doi_status, c.match) for c in audit.references):
            audit.report["summary"]["registry_outage"] = outage
        audit.report["summary"]["failing_problems"] = len(lines)
        result.failures.extend(lines)
        html_path, json_path = report_paths(audit.article, options)
        keep_time_if_unchanged(audit.report, json_path)
        write_json(audit.report, json_path)
        write_html(audit.report, html_path)
        result.report_paths.extend([html_path, json_path])
    return result


def combine_results(parts: Sequence[RunResult]) -> RunResult:
    """One run's result from the results of its batches, in batch order."""
    combined = RunResult([])
    for part in parts:
        combined.audits.extend(part.audits)
        combined.failures.extend(part.failures)
        combined.report_paths.extend(part.report_paths)
    return combined


def write_run_outputs(result: RunResult, options: RunOptions) -> RunResult:
    """Write the run's outputs for CI over every article's report: the JUnit file, the
    site index (with the changes since the previous run) and, when asked for, the
    Markdown summary."""
    from citeaudit.reporting.junit import write_junit

    reports = [audit.report for audit in result.audits]
    html_reports = {
        audit.article.name: report_paths(audit.article, options)[0].as_posix()
        for audit in result.audits
    }
    levels = {"fail_on": options.fail_on, "fail_on_unverified": options.fail_on_unverified}
    result.junit_path = write_junit(
        reports, options.junit_path, html_reports=html_reports, **levels
    )
    if options.site_index:
        from citeaudit.reporting.site_index import update_site_index

        result.site_index = update_site_index(reports, options.out_dir, **levels)
    if options.markdown is not None:
        result.markdown_path = options.markdown
        options.markdown.parent.mkdir(parents=True, exist_ok=True)
        write_text_if_changed(options.markdown, run_summary_markdown(result, options))
    return result


def write_reports(
    audits: list[ArticleAudit], options: RunOptions, *, outage: str | None = None
) -> RunResult:
    """Every article's reports, then the run's outputs (`write_article_reports`,
    `write_run_outputs`)."""
    return write_run_outputs(write_article_reports(audits, options, outage=outage), options)


def run_summary_markdown(result: RunResult, options: RunOptions) -> str:
    """The run's Markdown summary (as for $GITHUB_STEP_SUMMARY)."""
    from citeaudit.reporting.markdown_summary import summary_markdown

    index = result.site_index
    return summary_markdown(
        [audit.report for audit in result.audits],
        fail_on=options.fail_on,
        fail_on_unverified=options.fail_on_unverified,
        html_reports={
            audit.article.name: report_paths(audit.article, options)[0].as_posix()
            for audit in result.audits
        },
        index_page=index.page.as_posix() if index else None,
        changes=(index.new_count, index.resolved_count) if index and index.compared else None,
    )


def run(
    paths: Sequence[Path | str],
    options: RunOptions,
    settings: Settings | None = None,
    *,
    url_lists: Sequence[Path | str] = (),
    sitemaps: Sequence[str] = (),
    include: str | None = None,
) -> RunResult:
    """The whole audit, as `citeaudit check` runs it; a site's pages may be listed in
    URL-list files and sitemaps (see `load_site`)."""
    from citeaudit.pipeline.resolution import outage_note, resolve_all

    articles, skipped = load_site(
        paths,
        url_lists=url_lists,
        sitemaps=sitemaps,
        include=include,
        settings=settings,
        progress=options.progress,
    )
    check_outputs(articles, options)  # before any work: nothing the user owns is overwritten
    logger.info("read %d article(s), %d listed page(s) skipped", len(articles), len(skipped))
    claims = load_claims(options, articles)
    logger.info("%d claim(s) to judge (%s)", len(claims.claims), options.claims_csv)
    resolution = resolve_all(articles, options, settings, records=False, progress=options.progress)
    logger.info(
        "%d source(s) %s (%s)",
        len(resolution.snapshots),
        "read from snapshots" if options.offline else "resolved",
        options.sources_dir,
    )
    links = _check_links(articles, options, settings)
    audits = audit_articles(articles, claims, resolution.snapshots, options, links=links)
    logger.info("judged with the %r judge; writing reports to %s", options.judge, options.out_dir)
    outage = outage_note(resolution)
    result = write_reports(audits, options, outage=outage)
    result.source_changes = resolution.changes
    result.outage = outage
    result.skipped = skipped
    return result
