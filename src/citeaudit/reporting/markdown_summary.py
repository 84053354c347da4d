"""The Markdown summary of a run, for $GITHUB_STEP_SUMMARY (or any file).

A GitHub Actions job page shows a step summary above its logs: that is where a reviewer
looks first, so it says what the HTML report says at the top: pass or fail, counts per
article, what fails the run (most serious first, each with its file and line), the
lesser problems folded away, failed input checks, and what changed since the previous
run. It is capped in length: GitHub accepts at most 1 MiB per step summary, and a
summary nobody can scroll through helps nobody; the HTML report has everything.

Article and registry text is escaped so it can never become Markdown or HTML markup
(a title with `|` would otherwise break the table, `<img>` would be rendered).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from citeaudit.reporting.findings import report_findings

MAX_LISTED = 30  # failing findings listed before "... and N more"
MAX_LESSER = 50  # lesser problems listed in the folded section
_VERDICT_LABELS = {
    "unsupported": "unsupported",
    "contradicted": "contradicted",
    "partially_supported": "partly supported",
    "unverifiable": "unverifiable",
    "supported": "supported",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: Any) -> str:
    """Plain text for Markdown, on one line: HTML escaped, inline markup backslashed.

    Only the characters that can start markup inside a line are escaped (emphasis, code,
    links, tables, strike-through); text never starts a line here, so `#`, `-` or `1.`
    cannot make a heading or a list.
    """
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def summary_markdown(
    reports: Sequence[Mapping[str, Any]],
    *,
    fail_on: str,
    fail_on_unverified: bool = False,
    html_reports: Mapping[str, str] | None = None,
    index_page: str | None = None,
    changes: tuple[int, int] | None = None,
) -> str:
    """The summary; `changes` is (new, resolved) since the previous run, if compared."""
    html_reports = html_reports or {}
    rows: list[str] = []
    failing_lines: list[tuple[tuple[Any, ...], str]] = []
    lesser_lines: list[tuple[tuple[Any, ...], str]] = []
    failed_checks: list[str] = []
    failing_articles = 0
    for report in reports:
        path = str(report["article"]["path"])
        findings = report_findings(report)
        fails = [f for f in findings if f.fails(fail_on, fail_on_unverified)]
        failing_articles += bool(fails)
        for finding in findings:
            line = (
                f"- **{md_escape(finding.title)}** `{_code(path)}:{finding.line}`: "
                f"{md_escape(finding.message)}"
            )
            target = failing_lines if finding in fails else lesser_lines
            target.append((finding.sort_key(), line))
        for check in report.get("validation") or []:
            if not check.get("success"):
                details = "; ".join(str(d) for d in check.get("details") or []) or "failed"
                failed_checks.append(
                    f"- ✗ `{_code(path)}` input check **{md_escape(check.get('name'))}**: "
                    f"{md_escape(details)}"
                )
        summary = report.get("summary") or {}
        verdicts = Counter(summary.get("verdicts") or {})
        verdict_text = ", ".join(
            f"{verdicts[v]} {label}" for v, label in _VERDICT_LABELS.items() if verdicts.get(v)
        )
        doi = Counter(str(r.get("doi_status")) for r in report.get("references") or [])
        doi_text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(doi.items()))
        status = (
            "✗ failing" if fails else ("✓ passing" if not findings else "✓ passing, with problems")
        )
        html = html_reports.get(str(report["article"]["name"]))
        rows.append(
            f"| {status} | `{_code(path)}` | {summary.get('references', 0)}"
            f"{f' ({doi_text})' if doi_text else ''} | {summary.get('claims', 0)}"
            f"{f': {verdict_text}' if verdict_text else ''} | {len(fails)} "
            f"| {len(findings) - len(fails)} | {f'`{_code(html)}`' if html else '-'} |"
        )

    level = f"`--fail-on {fail_on}`" + (" `--fail-on-unverified`" if fail_on_unverified else "")
    verdict = "✗ failing" if failing_articles else "✓ passing"
    out = [
        f"## citeaudit: {verdict}",
        "",
        f"{len(reports)} article(s) checked at {level}: {failing_articles} failing, "
        f"{len(failing_lines)} problem(s) fail the run, {len(lesser_lines)} below the fail level.",
    ]
    if changes is not None:
        out += [
            "",
            f"Since the previous run: **{changes[0]} new** problem(s), **{changes[1]} resolved**.",
        ]
    if index_page:
        out += ["", f"Site index: `{_code(index_page)}` (HTML reports are next to it)."]
    out += [
        "",
        "| status | article | references | claims | failing | other problems | HTML report |",
        "|---|---|---|---|---:|---:|---|",
        *rows,
    ]
    if failing_lines:
        out += ["", "### Fails the run, most serious first", ""]
        out += _capped(failing_lines, MAX_LISTED)
    if failed_checks:
        out += ["", "### Input checks failed", "", *failed_checks]
    if lesser_lines:
        out += [
            "",
            f"<details><summary>Problems below the fail level ({len(lesser_lines)})</summary>",
            "",
            *_capped(lesser_lines, MAX_LESSER),
            "",
            "</details>",
        ]
    return "\n".join(out) + "\n"


def _capped(lines: list[tuple[tuple[Any, ...], str]], limit: int) -> list[str]:
    ordered = [line for _, line in sorted(lines, key=lambda item: item[0])]
    if len(ordered) > limit:
        return [*ordered[:limit], f"- … and {len(ordered) - limit} more (see the HTML report)"]
    return ordered


def _code(text: str) -> str:
    """Text inside a code span: no backticks or line breaks can end it early."""
    return " ".join(str(text).replace("`", "'").split())
