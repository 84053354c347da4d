"""The audit pipeline: the one path that both the CLI and the Prefect flows call.

Stages (each a plain function so a flow can wrap it in a task):
  load_articles   -> parse article files
  load_claims     -> read and validate claims.csv
  resolve_sources -> registry look-ups (or snapshots when offline), written to sources/
  audit_articles  -> field checks and claim judgments (pure)
  write_reports   -> reports/<article>.html and .json
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from citeaudit.models import Article, ClaimResult, ReferenceCheck


@dataclass
class RunOptions:
    claims_csv: Path = Path("claims.csv")
    sources_dir: Path = Path("sources")
    out_dir: Path = Path("reports")
    offline: bool = False
    fail_on: str = "broken"
    fail_on_unverified: bool = False


@dataclass
class ArticleAudit:
    article: Article
    references: list[ReferenceCheck]
    claims: list[ClaimResult]
    report: dict  # the JSON report (see schema/report.schema.json)


@dataclass
class RunResult:
    audits: list[ArticleAudit]
    failures: list[str] = field(default_factory=list)  # one line per problem at the fail level
    report_paths: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0
