"""The example GitHub Actions workflow and the pre-commit hook definition really work.

They are what a site copies into its repository, so each is run here the way GitHub
or pre-commit would run it (the commands, file filters and environment), against a
copy of the seed workspace.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from citeaudit.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "citeaudit.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CLI = f"{sys.executable} -m citeaudit.cli"


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def audit_steps() -> dict[str, dict[str, Any]]:
    steps = workflow()["jobs"]["audit"]["steps"]
    return {s["name"]: s for s in steps if "citeaudit check" in s.get("run", "")}


def test_workflow_runs_on_pull_requests_and_nightly_with_read_only_permissions() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) >= {"pull_request", "schedule"}
    assert flow["permissions"] == {"contents": "read"}
    steps = flow["jobs"]["audit"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all(re.fullmatch(r"actions/[\w/-]+@v\d+", u) for u in uses), uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save"))
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore"))
    for cache in (save, restore):  # the same paths, or the next run finds nothing
        assert cache["with"]["path"].split() == ["reports/index.json", ".citeaudit/"]
    assert save["if"] == "always()"


def test_workflow_pull_request_step_fails_annotates_and_summarises(workspace: Path) -> None:
    shutil.copy(ROOT / "articles" / "PROVENANCE.md", workspace / "articles" / "PROVENANCE.md")
    step = audit_steps()["Audit citations (pull request, from the stored sources)"]
    summary = workspace / "step-summary.md"
    script = step["run"].replace("uv run citeaudit", CLI)
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1, result.stderr  # the seed has unsupported claims
    assert "PROVENANCE" not in result.stdout + result.stderr
    assert any(
        line.startswith("::error file=articles/back-muscle-pain.md,line=")
        for line in result.stdout.splitlines()
    )
    assert summary.read_text(encoding="utf-8").startswith("## citeaudit: ✗ failing")
    for name in ("junit.xml", "index.html", "index.json", "back-muscle-pain.html"):
        assert (workspace / "reports" / name).is_file(), name


def test_workflow_nightly_step_uses_flags_the_cli_accepts() -> None:
    step = audit_steps()["Audit citations (nightly, asking the registries)"]
    command = next(line for line in step["run"].splitlines() if "citeaudit check" in line)
    args = command.split("uv run citeaudit ", 1)[1].split()
    parsed = _parser().parse_args(args)
    assert parsed.fail_on == "retracted" and not parsed.offline
    assert parsed.junit == Path("reports/junit.xml")


def test_pre_commit_hook_checks_changed_articles_offline(workspace: Path) -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "citeaudit-check"
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert hook["entry"] == "citeaudit check --offline"
    staged = [
        "articles/back-muscle-pain.md",
        "articles/PROVENANCE.md",
        "claims.csv",
        "sources/hong-1994-lidocaine-injection-versus-dry-needling-to.json",
        "README.md",
    ]
    # pre-commit's filtering: `files` and `exclude` are Python regexes searched in the path.
    chosen = [
        f for f in staged if re.search(hook["files"], f) and not re.search(hook["exclude"], f)
    ]
    assert chosen == ["articles/back-muscle-pain.md"]
    shutil.copy(ROOT / "articles" / "PROVENANCE.md", workspace / "articles" / "PROVENANCE.md")
    entry = hook["entry"].replace("citeaudit", CLI, 1).split()
    result = subprocess.run(
        [*entry, *chosen], cwd=workspace, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "articles/back-muscle-pain.md: 6 references" in result.stdout
    strict = subprocess.run(
        [*entry, "--fail-on", "unsupported", *chosen],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert strict.returncode == 1  # a commit with unsupported claims is stopped
