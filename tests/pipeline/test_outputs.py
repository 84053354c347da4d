"""Nothing a user owns is overwritten: a run whose outputs would land on one of its
inputs, or on each other, stops before any work with one line naming both paths."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from cli_run import ARTICLE, citeaudit
from html_article import PAGE


def _digests(root: Path) -> dict[str, str]:
    """Every file under `root` with its content hash: what must be left as it was."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _refused(workspace: Path, *args: str) -> str:
    """Run `citeaudit ARGS`; assert it stopped with exit 2, one line, and changed nothing."""
    before = _digests(workspace)
    result = citeaudit(workspace, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert _digests(workspace) == before
    return lines[0]


def test_a_report_written_into_the_article_folder_may_not_replace_the_html_article(workspace):
    site = workspace / "site"
    site.mkdir()
    (site / "page.html").write_text(PAGE, encoding="utf-8")
    line = _refused(workspace, "check", "site/page.html", "--offline", "--out", "site")
    assert "site/page.html" in line and "article" in line and "--out" in line


def test_an_article_called_index_may_not_lose_its_report_to_the_site_index(workspace):
    shutil.copy(workspace / ARTICLE, workspace / "articles" / "index.md")
    line = _refused(workspace, "check", "articles/index.md", "--offline")
    assert line.startswith("citeaudit: reports/index.") and "site index" in line
    assert "--no-index" in line


def test_without_the_site_index_an_article_called_index_gets_its_report(workspace):
    shutil.copy(workspace / ARTICLE, workspace / "articles" / "index.md")
    result = citeaudit(workspace, "check", "articles/index.md", "--offline", "--no-index")
    assert result.returncode == 0, result.stderr
    assert "articles/index.md" in (workspace / "reports" / "index.json").read_text()


@pytest.mark.parametrize("option", ["--junit", "--markdown"])
def test_the_junit_and_markdown_files_may_not_replace_the_article(workspace, option):
    line = _refused(workspace, "check", ARTICLE, "--offline", option, ARTICLE)
    assert f"citeaudit: {ARTICLE}: the " in line and f"article {ARTICLE}" in line


@pytest.mark.parametrize("option", ["--junit", "--markdown"])
def test_no_output_may_replace_the_editors_claims_file(workspace, option):
    line = _refused(workspace, "check", ARTICLE, "--offline", option, "claims.csv")
    assert "claims file claims.csv" in line


def test_no_output_may_replace_a_source_snapshot(workspace):
    snapshot = sorted((workspace / "sources").glob("hong-1994-*.json"))[0]
    target = snapshot.relative_to(workspace).as_posix()
    line = _refused(workspace, "check", ARTICLE, "--offline", "--junit", target)
    assert f"source snapshot {target}" in line


def test_reports_in_the_snapshot_folder_are_refused_only_where_names_collide(workspace):
    """`--out sources` is odd but harmless while no report takes a snapshot's name."""
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "--out", "sources")
    assert result.returncode == 0, result.stderr
    assert (workspace / "sources" / "back-muscle-pain.html").exists()


def test_two_outputs_on_one_file_are_refused(workspace):
    line = _refused(
        workspace, "check", ARTICLE, "--offline", "--junit", "out.xml", "--markdown", "out.xml"
    )
    assert line.startswith("citeaudit: out.xml: the JUnit file and the Markdown summary")


def test_extract_may_not_write_its_claims_file_over_the_article(workspace):
    line = _refused(workspace, "extract", ARTICLE, "--claims", ARTICLE)
    assert f"claims file would overwrite the article {ARTICLE}" in line
