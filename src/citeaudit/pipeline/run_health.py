"""What a site run says happened, beyond each article's findings.

A nightly job is left running by people who will not read every report. What they
need from a run is whether it did its work: which articles could not be audited
(a bad claims.csv row, a batch that crashed), whether the registries answered, how
many references stayed unverified or were judged on a snapshot kept from an earlier
run, which input checks failed, and which sources are newly retracted. `assess`
gathers that from the run's results; `RunHealth.outcome` reduces it to one word that
the Prefect flow turns into the run's final state, so an outage is never a plain
green "Completed".

Plain data in, plain data out: the flow (Prefect) and any other scheduler read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from citeaudit.pipeline.resolution import Resolution
    from citeaudit.pipeline.stages import ClaimSet, RunResult

Outcome = Literal["completed", "degraded", "outage", "failed"]
"""completed: all work done, registries answered; degraded: done, but some registry did
not answer or an input check failed; outage: no registry answered any source;
failed: some article could not be audited at all."""

_COVERAGE_CHECK = "claims.csv coverage"  # a reminder to review proposals, not a failed check


@dataclass
class RunHealth:
    articles: int  # audited and reported
    failed_articles: dict[str, str] = field(default_factory=dict)  # article -> one line why
    unverified_references: int = 0
    kept_snapshots: int = 0  # judged on an earlier run's snapshot: the registries were silent
    failed_input_checks: list[str] = field(default_factory=list)  # one line each
    new_retractions: list[str] = field(default_factory=list)  # one line each
    other_changes: list[str] = field(default_factory=list)
    outage: str | None = None  # which registries did not answer, in one line
    all_registries_silent: bool = False

    @property
    def outcome(self) -> Outcome:
        if self.failed_articles:
            return "failed"
        if self.all_registries_silent:
            return "outage"
        if self.outage or self.failed_input_checks:
            return "degraded"
        return "completed"

    def message(self) -> str:
        """One line for the run's final state."""
        parts = [f"{self.articles} article(s) audited"]
        if self.failed_articles:
            parts.append(f"{len(self.failed_articles)} could not be audited")
        if self.all_registries_silent:
            parts.append("no registry answered: every reference stays unverified")
        elif self.outage:
            parts.append(self.outage.split(":")[0])
        if self.unverified_references:
            parts.append(f"{self.unverified_references} reference(s) unverified")
        if self.kept_snapshots:
            parts.append(f"{self.kept_snapshots} judged on an earlier snapshot")
        if self.failed_input_checks:
            parts.append(f"{len(self.failed_input_checks)} input check(s) failed")
        if self.new_retractions:
            parts.append(f"{len(self.new_retractions)} newly retracted source(s)")
        return "; ".join(parts)

    def warnings(self) -> list[str]:
        """One readable line per thing an operator should know (logged at WARNING)."""
        lines = [f"not audited: {name}: {why}" for name, why in self.failed_articles.items()]
        if self.outage:
            lines.append(f"registries: {self.outage}")
        if self.kept_snapshots:
            lines.append(
                f"{self.kept_snapshots} source(s) judged on the snapshot of an earlier run "
                "(the registries did not answer this time)"
            )
        lines += [f"input check failed: {line}" for line in self.failed_input_checks]
        lines += [f"newly retracted: {line}" for line in self.new_retractions]
        return lines

    def counts(self) -> dict[str, Any]:
        """The figures, JSON-safe (the flow's return value and artifacts)."""
        return {
            "outcome": self.outcome,
            "articles": self.articles,
            "failed_articles": len(self.failed_articles),
            "unverified_references": self.unverified_references,
            "kept_snapshots": self.kept_snapshots,
            "failed_input_checks": len(self.failed_input_checks),
            "new_retractions": len(self.new_retractions),
            "registries_silent": self.all_registries_silent,
        }


def assess(
    result: RunResult,
    claims: ClaimSet,
    resolution: Resolution,
    *,
    failed_batches: Mapping[str, str] | None = None,
) -> RunHealth:
    """The run's health from its combined result, its claims and its resolution.

    `failed_batches` maps an article that was in a crashed batch to the one-line error.
    """
    from citeaudit.pipeline.resolution import all_registries_silent, outage_note

    failed = {name: "; ".join(lines) for name, lines in claims.failed.items()}
    failed.update(failed_batches or {})
    checks = [f"{line} (no article named)" for line in claims.unattributed]
    unverified = 0
    for audit in result.audits:
        unverified += sum(
            1 for check in audit.references if "unverified" in (check.doi_status, check.match)
        )
        for validation in audit.report.get("validation", []):
            if validation.get("success") or validation.get("name") == _COVERAGE_CHECK:
                continue
            for detail in validation.get("details") or ["failed"]:
                checks.append(f"{audit.article.name}: {validation.get('name')}: {detail}")
    changes = resolution.changes
    return RunHealth(
        articles=len(result.audits),
        failed_articles=failed,
        unverified_references=unverified,
        kept_snapshots=resolution.counts.get("kept", 0),
        failed_input_checks=list(dict.fromkeys(checks)),
        new_retractions=_lines(c for c in changes if c.kind == "standing" and c.after != "none"),
        other_changes=_lines(
            c for c in changes if not (c.kind == "standing" and c.after != "none")
        ),
        outage=outage_note(resolution),
        all_registries_silent=all_registries_silent(resolution),
    )


def _lines(changes: Any) -> list[str]:
    return [
        f"{change.message} (cited by {', '.join(change.articles) or 'no article of this run'})"
        for change in changes
    ]


def table_rows(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per article for a table artifact: short, flat, no Markdown."""
    rows = []
    for row in summary.get("per_article", []):
        rows.append(
            {
                "article": row["article"],
                "references": row["references"],
                "reference problems": row["problems"],
                "claims": row["claims"],
                "failing": row["failures"],
                "html report": next((p for p in row["reports"] if p.endswith(".html")), ""),
            }
        )
    return rows


def failed_rows(health: RunHealth) -> Sequence[dict[str, str]]:
    """Rows of the articles that could not be audited, for the same table."""
    return [{"article": name, "not audited": why} for name, why in health.failed_articles.items()]
