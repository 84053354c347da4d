"""The audit pipeline: the one path that both the CLI and the Prefect flows call.

Stages (each a plain function so a flow can wrap it in a task):
  load_articles   -> parse article files
  load_claims     -> read and validate claims.csv (proposals for articles it lacks)
  resolve_sources -> registry look-ups (or snapshots when offline), written to sources/
  audit_articles  -> field checks and claim judgments (pure)
  write_reports   -> reports/<article>.html and .json, and the CI gate
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from citeaudit.article import read_article
from citeaudit.claims_csv import read_claims
from citeaudit.config import Settings
from citeaudit.errors import InputError
from citeaudit.evidence import source_text
from citeaudit.extract import propose_claims
from citeaudit.gate import FAIL_LEVELS, failures
from citeaudit.judge import judge_claim
from citeaudit.models import Article, Claim, ClaimResult, ReferenceCheck, Work
from citeaudit.normalize import work_from_dict
from citeaudit.report_json import build_report, write_json
from citeaudit.sources import load_snapshot, save_snapshot, snapshot_path, source_id
from citeaudit.verify import check_reference


@dataclass
class RunOptions:
    claims_csv: Path = Path("claims.csv")
    sources_dir: Path = Path("sources")
    out_dir: Path = Path("reports")
    offline: bool = False
    fail_on: str = "broken"
    fail_on_unverified: bool = False

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_LEVELS:
            raise InputError(
                f"unknown --fail-on level '{self.fail_on}' (expected one of: {', '.join(FAIL_LEVELS)})"
            )


@dataclass
class ClaimSet:
    """The claims to judge, with the outcome of validating claims.csv."""

    claims: list[Claim]
    validation: list[dict[str, Any]] = field(default_factory=list)
    proposed_for: list[str] = field(default_factory=list)  # articles absent from claims.csv


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
    report_paths: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def load_articles(paths: list[Path]) -> list[Article]:
    articles = [read_article(Path(p)) for p in paths]
    seen: dict[str, str] = {}
    for article in articles:
        if article.name in seen and seen[article.name] != article.path:
            raise InputError(
                f"two articles share the name '{article.name}' ({seen[article.name]}); reports would collide",
                path=article.path,
            )
        seen[article.name] = article.path
    return articles


def load_claims(options: RunOptions, articles: list[Article]) -> ClaimSet:
    """Claims from claims.csv, validated with great-expectations before use.

    An article with no rows in claims.csv (or no claims.csv at all) is judged on the
    proposals of `extract`, so a new article still gets a useful report.
    """
    from citeaudit.validation import validate_claims  # great-expectations is slow to import

    existing = read_claims(options.claims_csv) if options.claims_csv.exists() else []
    known = {a.name: {r.key for r in a.references} for a in articles}
    wanted = [c for c in existing if c.article in known]
    validation = validate_claims(wanted, known, name=str(options.claims_csv))
    if not validation.success:
        raise InputError(
            "claims failed validation: "
            + " | ".join(validation.details[:5])
            + (f" (+{len(validation.details) - 5} more)" if len(validation.details) > 5 else ""),
            path=options.claims_csv,
        )
    claims = [c for c in wanted if c.status != "rejected"]
    proposed_for = [a.name for a in articles if not any(c.article == a.name for c in wanted)]
    for article in articles:
        if article.name in proposed_for:
            claims.extend(propose_claims(article))
    return ClaimSet(claims, [asdict(validation)], proposed_for)


def resolve_sources(
    articles: list[Article], options: RunOptions, settings: Settings | None = None
) -> dict[str, dict[str, Any]]:
    """Snapshots by source id. Offline: as stored. Online: asked afresh, each source once.

    A fresh answer that is only faults never replaces a stored snapshot: an outage
    must not erase what an earlier run established.
    """
    unique = {source_id(ref): ref for article in articles for ref in article.references}
    snapshots: dict[str, dict[str, Any]] = {}
    registries = None
    if not options.offline:
        from citeaudit.resolve import Registries  # the clients are only needed online

        registries = Registries(settings or Settings.from_env())
    for sid, ref in unique.items():
        stored = load_snapshot(options.sources_dir, ref)
        if registries is None:
            if stored is not None:
                snapshots[sid] = stored
            continue
        from citeaudit.resolve import resolve_reference

        fresh = resolve_reference(ref, registries)
        if stored is not None and _only_faults(fresh):
            stored.setdefault("match_notes", []).append(
                f"registries unreachable at {fresh['checked_at']}; kept the snapshot of {stored.get('checked_at')}"
            )
            snapshots[sid] = stored
            continue
        save_snapshot(options.sources_dir, ref, fresh)
        snapshots[sid] = fresh
    return snapshots


def _only_faults(snapshot: dict[str, Any]) -> bool:
    answers = [a for a in (snapshot.get("answers") or {}).values() if a]
    return bool(answers) and all(a["status"] == "error" for a in answers)


def audit_articles(
    articles: list[Article],
    claims: ClaimSet,
    sources: dict[str, dict[str, Any]],
    options: RunOptions,
) -> list[ArticleAudit]:
    """Field checks and claim judgments for each article (pure: no I/O)."""
    audits = []
    for article in articles:
        checks: list[ReferenceCheck] = []
        works: dict[str, Work | None] = {}
        texts = []
        for ref in article.references:
            snapshot = sources.get(source_id(ref))
            check = check_reference(ref, snapshot)
            if snapshot is not None:
                check.source_file = str(snapshot_path(options.sources_dir, ref))
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
                )
            )
        by_key = {t.ref: t for t in texts}
        results = []
        for claim in (c for c in claims.claims if c.article == article.name):
            scope = [by_key[k] for k in claim.refs if k in by_key] if claim.refs else texts
            judgment = judge_claim(claim.text, scope, cited=claim.cited, kind=claim.kind)
            results.append(
                ClaimResult(
                    claim,
                    judgment.verdict,
                    judgment.reason,
                    judgment.evidence,
                    judgment.supporting_refs,
                )  # type: ignore[arg-type]
            )
        validation = list(claims.validation)
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


def write_reports(audits: list[ArticleAudit], options: RunOptions) -> RunResult:
    """Write each article's JSON and HTML report and apply the CI gate."""
    from citeaudit.report_html import write_html

    options.out_dir.mkdir(parents=True, exist_ok=True)
    result = RunResult(audits)
    for audit in audits:
        lines = failures(audit.report, options.fail_on, options.fail_on_unverified)
        audit.report["summary"]["failing"] = bool(lines)
        result.failures.extend(lines)
        json_path = options.out_dir / f"{audit.article.name}.json"
        html_path = options.out_dir / f"{audit.article.name}.html"
        write_json(audit.report, json_path)
        write_html(audit.report, html_path)
        result.report_paths.extend([html_path, json_path])
    return result


def run(paths: list[Path], options: RunOptions, settings: Settings | None = None) -> RunResult:
    """The whole audit, as `citeaudit check` runs it."""
    articles = load_articles(paths)
    claims = load_claims(options, articles)
    sources = resolve_sources(articles, options, settings)
    audits = audit_articles(articles, claims, sources, options)
    return write_reports(audits, options)
