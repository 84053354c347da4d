"""A run's summary as the Prefect flow returns it, and the Markdown artifact it publishes.

`summarize` reduces a `RunResult` to a small, JSON-safe dict (per-article counts, the
gate's failure lines, report paths): the flow's return value, which the Prefect server
stores and a caller (or a later flow) reads. `artifact_markdown` renders it for the
Prefect UI's Artifacts page, one artifact per scheduled run.

Why not the step summary's renderer (`reporting.markdown_summary.summary_markdown`, which the CLI
writes for GitHub): the two say different things to different readers, from
different inputs.

- The step summary is rendered from the full JSON reports: it groups findings by
  seriousness, folds away the lesser ones and lists failed input checks, escaped for
  GitHub's Markdown, for a reviewer deciding on a pull request.
- The artifact is rendered from this small summary dict alone, so what the UI shows
  is exactly what the run returned: the gate's failure lines verbatim (the lines the
  CLI prints on stderr) and every report path, HTML and JSON, for an operator
  watching nightly runs.
- The artifact and the return value are stored on the Prefect server, so the artifact
  text is scrubbed of e-mail addresses and ``key=value`` secrets (`scrub`): a
  failure line may quote a registry URL carrying the polite-pool contact or an API
  key, which must not end up in the server's database.

Both are library code so the flow stays a thin wrapper that only calls them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citeaudit.pipeline.run_health import RunHealth
    from citeaudit.pipeline.stages import RunResult

MAX_FAILURES = 50
"""Failure lines listed in the artifact before "... and N more" (the reports have all)."""
MAX_ROWS = 25
"""Articles listed in the Markdown artifact; a site of 5,000 pages gets its full list in
the flow's table artifact, not a Markdown page nobody scrolls."""

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SECRET_PARAM = re.compile(r"(?i)\b(api[_-]?key|mailto|token|email)=[^&\s)]+")


def summarize(result: RunResult) -> dict[str, Any]:
    """Reduce a RunResult to the small, JSON-safe dict the flow returns.

    Per-article counts are copied from each JSON report's own ``summary`` (the
    library computed them; nothing is re-judged here). Failure lines are the gate's
    ``path:line: category: message`` lines, attributed to an article by its path.
    Only counts, names, failure lines and paths: the return value and the artifact
    are stored by the Prefect server, so nothing from Settings goes in here.
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
        # listed pages (sitemaps, URL lists) that were not audited, and why
        "skipped": [{"page": s.location, "reason": s.reason} for s in result.skipped],
    }


def scrub(text: str) -> str:
    """Belt and braces: drop e-mail addresses and key=value secrets from stored text."""
    return _SECRET_PARAM.sub(r"\1=[redacted]", _EMAIL.sub("[redacted]", text))


def artifact_markdown(
    result: RunResult, summary: dict[str, Any] | None = None, *, health: RunHealth | None = None
) -> str:
    """The artifact for a finished run: `render_markdown` of its summary, pointing at
    its site index and saying what changed since the previous run (when compared).

    Pass the `summary` already made for the return value, so both come from one call,
    and the run's `health` to open the artifact with what happened.
    """
    index = result.site_index
    return render_markdown(
        summary if summary is not None else summarize(result),
        site_index=str(index.page) if index else None,
        changes=(index.new_count, index.resolved_count) if index and index.compared else None,
        health=(health.message(), health.warnings()) if health is not None else None,
    )


def render_markdown(
    summary: dict[str, Any],
    *,
    max_failures: int = MAX_FAILURES,
    site_index: str | None = None,
    changes: tuple[int, int] | None = None,
    health: tuple[str, list[str]] | None = None,
    max_rows: int = MAX_ROWS,
) -> str:
    """Render a `summarize` dict as the Markdown shown in the Prefect UI's Artifacts page.

    `site_index` is the path of the run's index page and `changes` the (new, resolved)
    problem counts since the previous run, so each scheduled run in the UI says what
    it found and what changed, and where to open the HTML reports. The text is
    scrubbed (`scrub`) because the Prefect server stores it.
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
    if health is not None:
        message, warnings = health
        lines += [f"Run: {message}.", ""]
        if warnings:
            lines += ["## What an operator should know", ""]
            lines += [f"- {line}" for line in warnings[:max_failures]]
            if len(warnings) > max_failures:
                lines.append(f"- ... and {len(warnings) - max_failures} more")
            lines.append("")
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
    for row in summary["per_article"][:max_rows]:
        verdicts = ", ".join(f"{k}: {v}" for k, v in row["verdicts"].items()) or "-"
        reports = "<br>".join(f"`{p}`" for p in row["reports"]) or "-"
        lines.append(
            f"| {row['article']} | {row['references']} | {row['problems']} "
            f"| {row['claims']} | {verdicts} | {row['failures']} | {reports} |"
        )
    if len(summary["per_article"]) > max_rows:
        lines.append(
            f"\n... and {len(summary['per_article']) - max_rows} more article(s): "
            "see the run's table artifact"
        )
    if summary["failures"]:
        lines += ["", "## Failures", ""]
        lines += [f"- {line}" for line in summary["failures"][:max_failures]]
        if len(summary["failures"]) > max_failures:
            lines.append(f"- ... and {len(summary['failures']) - max_failures} more")
    skipped = summary.get("skipped", [])
    if skipped:
        lines += ["", f"## Listed pages not audited ({len(skipped)})", ""]
        lines += [f"- {row['page']}: {row['reason']}" for row in skipped[:max_failures]]
        if len(skipped) > max_failures:
            lines.append(f"- ... and {len(skipped) - max_failures} more")
    return scrub("\n".join(lines) + "\n")
