"""GitHub Actions annotations: each problem shown on the article's line in the PR diff.

When `citeaudit check` runs in GitHub Actions (`GITHUB_ACTIONS=true`), it prints
workflow commands such as

    ::error file=articles/x.md,line=2,title=Unsupported claim::[id] claim unsupported: ...

on stdout; the runner turns each into an annotation on that file and line. Findings that
fail the run are errors; lesser problems of the gate's categories are warnings, and a
claim only partly supported or a detail to check is a notice. GitHub shows only the
first few annotations of each type per step, so they are printed most serious first.

Everything after `::` comes from articles and registries, so it is escaped by the
workflow-command rules (`%`, CR and LF everywhere; `:` and `,` too in properties):
a message can never end its command early or start another one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from citeaudit.reporting.findings import report_findings

# Lesser problems that still deserve a mark in the diff, by annotation type.
_WARNING_CATEGORIES = frozenset(
    {"retracted", "concern", "broken", "unsupported", "look", "mismatch", "unverified"}
)
_NOTICE_CATEGORIES = frozenset({"partial", "details"})
_ORDER = {"error": 0, "warning": 1, "notice": 2}


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """GitHub sets GITHUB_ACTIONS=true in every step; anywhere else, print no commands."""
    return (environ if environ is not None else os.environ).get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF percent-encoded (`%` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): as data, plus `:` and `,`, which end properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str, message: str, *, file: str | None = None, line: int | None = None, title: str
) -> str:
    """One workflow command line, escaped."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line and line > 0:
            props.append(f"line={line}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def annotation_lines(
    reports: Sequence[Mapping[str, Any]], *, fail_on: str, fail_on_unverified: bool = False
) -> list[str]:
    """The workflow commands for a run, errors first, each kind most serious first."""
    entries: list[tuple[int, tuple[Any, ...], str]] = []
    for report in reports:
        path = str(report["article"]["path"])
        for finding in report_findings(report):
            if finding.fails(fail_on, fail_on_unverified):
                level = "error"
            elif finding.category in _WARNING_CATEGORIES:
                level = "warning"
            elif finding.category in _NOTICE_CATEGORIES:
                level = "notice"
            else:
                continue
            title = f"citeaudit: {finding.title}"
            entries.append(
                (
                    _ORDER[level],
                    finding.sort_key(),
                    command(level, finding.message, file=path, line=finding.line, title=title),
                )
            )
        for check in report.get("validation") or []:
            if not check.get("success"):
                details = list(check.get("details") or []) or ["failed"]
                message = f"{path}: input check {check.get('name')} failed: " + "; ".join(details)
                entries.append(
                    (
                        _ORDER["warning"],
                        (),
                        command("warning", message, title="citeaudit: input check failed"),
                    )
                )
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [line for _, _, line in entries]
