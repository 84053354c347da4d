"""Every output of one run tells the same story: one count of problems, one count of
those that fail the run, the same order (most serious first), and a status that says
what was checked instead of a bare "passing"."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_run import ARTICLE, citeaudit
from report_samples import Page


def _html_number(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">(\d+)', html)
    assert found is not None, testid
    return int(found.group(1))


def test_stderr_json_html_markdown_and_site_index_count_the_same_problems(workspace: Path):
    result = citeaudit(
        workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported", "--markdown", "s.md"
    )
    assert result.returncode == 1
    failing_lines = result.stderr.strip().splitlines()
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    summary = report["summary"]
    html = (workspace / "reports" / "back-muscle-pain.html").read_text()
    markdown = (workspace / "s.md").read_text()
    index = (workspace / "reports" / "index.html").read_text()

    failing, total = summary["failing_problems"], summary["problems"]
    assert failing == len(failing_lines) > 0
    assert total > failing
    assert _html_number(html, "problems-failing") == failing
    assert _html_number(html, "problems-total") == total
    assert f"{failing} problem(s) fail the run, {total - failing} below the fail level" in markdown
    assert f"<strong>{failing}</strong> failing, {total} in all" in index


def test_failures_come_most_serious_first_on_stderr_as_in_the_markdown_summary(workspace: Path):
    result = citeaudit(
        workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported", "--markdown", "s.md"
    )
    lines = result.stderr.strip().splitlines()
    # the uncited statistic (line 2) before claims of other kinds on line 1
    assert lines[0].startswith(f"{ARTICLE}:2: unsupported: ") and "80-90%" in lines[0]
    markdown = (workspace / "s.md").read_text()
    listed = re.findall(r"^- \*\*[^*]+\*\* `[^`]+:(\d+)`", markdown, flags=re.MULTILINE)
    stderr_lines = [line.split(":")[1] for line in lines]
    assert listed[: len(stderr_lines)] == stderr_lines


def test_a_passing_run_says_at_which_level_and_is_not_green_over_problems(workspace: Path):
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0
    html = (workspace / "reports" / "back-muscle-pain.html").read_text()
    pill = re.search(r'data-testid="status-pill">(.*?)</p>', html)
    assert pill is not None
    assert re.sub("<[^>]+>", "", pill.group(1)).strip() == "✓ Passes CI at --fail-on broken"
    assert 'data-status="warning"' in html and 'data-status="passing"' not in html
    assert "claims unsupported" in html
    more = re.search(r'data-testid="headline-more">([^<]*)<', html)
    assert more is not None and "6 references not verified" in more.group(1)


def test_a_record_built_from_stored_pages_is_not_badged_as_a_registry_match(workspace: Path):
    citeaudit(workspace, "check", ARTICLE, "--offline")
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert {r["registry_answer"] for r in report["references"]} == {False}
    page = Page((workspace / "reports" / "back-muscle-pain.html").read_text())
    match_badges = page.find(data_badge="match")
    assert match_badges, "no match badges found"
    html = (workspace / "reports" / "back-muscle-pain.html").read_text()
    assert "Found in registry" not in html
    assert "Matches stored pages, not a registry" in html
