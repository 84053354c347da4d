"""The command line as CI and editors use it: exit codes, stderr lines, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from citeaudit.reporting.json_report import report_schema
from cli_run import ARTICLE, citeaudit

ROOT = Path(__file__).resolve().parent.parent


def test_offline_check_of_the_seed_writes_reports_that_match_the_schema(workspace):
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    jsonschema.validate(report, report_schema())
    assert report["summary"]["references"] == 6
    assert (workspace / "reports" / "back-muscle-pain.html").stat().st_size > 1000
    assert "back-muscle-pain.md: 6 references" in result.stdout


def test_each_claim_in_the_json_report_names_its_parts(workspace):
    assert citeaudit(workspace, "check", ARTICLE, "--offline").returncode == 0
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    statistic = next(c for c in report["claims"] if "80-90%" in c["text"])
    assert statistic["parts"]["figure"] == "Approximately 80-90%"
    assert statistic["parts"]["direction"] is None
    assert all(
        set(c["parts"]) == {"population", "intervention", "outcome", "direction", "figure"}
        for c in report["claims"]
    )


def test_fail_on_unsupported_exits_1_with_one_line_per_problem_pointing_at_the_article(workspace):
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    statistic = [line for line in lines if "80-90%" in line]
    assert statistic and statistic[0].startswith("articles/back-muscle-pain.md:2: unsupported: ")
    assert all(line.startswith("articles/back-muscle-pain.md:") for line in lines)


def test_unverified_references_fail_only_when_asked(workspace):
    assert citeaudit(workspace, "check", ARTICLE, "--offline").returncode == 0
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "--fail-on-unverified")
    assert result.returncode == 1
    assert "unverified: [borgstein2002] not verified against a registry" in result.stderr


def test_retracted_source_fails_the_default_level(workspace, settings):
    article = workspace / "articles" / "retracted.md"
    article.write_text(
        "Light exposure speeds up enzyme kinetics in fibroblasts (Testperson, 2019).\n\nReferences\n\n"
        'Testperson, A., & Example, B. (2019). "Ambient light exposure and circadian enzyme kinetics in '
        'cultured fibroblasts." Journal of Constructed Test Data, 12, 301-309. doi:10.5555/citeaudit.2019.0042\n',
        encoding="utf-8",
    )
    env = {
        "CITEAUDIT_CROSSREF_URL": settings.crossref_url,
        "CITEAUDIT_OPENALEX_URL": settings.openalex_url,
        "CITEAUDIT_DOI_URL": settings.doi_url,
        "CITEAUDIT_BACKOFF": "0.01",
    }
    result = citeaudit(workspace, "check", "articles/retracted.md", env=env)
    assert result.returncode == 1
    assert (
        "articles/retracted.md:5: retracted: [testperson2019] the cited work is retracted"
        in result.stderr
    )
    assert (workspace / "sources").glob("doi-10-5555-citeaudit-2019-0042.json")


def test_unknown_fail_level_is_a_usage_error_on_one_line(workspace):
    result = citeaudit(workspace, "check", ARTICLE, "--fail-on", "sometimes")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_article_is_exit_2_naming_the_file(workspace):
    result = citeaudit(workspace, "check", "articles/nope.md", "--offline")
    assert result.returncode == 2
    assert result.stderr.strip() == "citeaudit: articles/nope.md: article not found"


def test_bad_claims_file_is_rejected_naming_the_row(workspace):
    claims = workspace / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",statistic," in line)
    lines[row] = lines[row].replace(",statistic,", ",statistik,")
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 2
    assert f"claims.csv: row {row + 1}: unknown kind 'statistik'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_reference_key_in_claims_is_rejected_by_validation(workspace):
    claims = workspace / "claims.csv"
    text = claims.read_text(encoding="utf-8").replace(
        ",hong1994,reviewed,", ",hong1995,reviewed,", 1
    )
    claims.write_text(text, encoding="utf-8")
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 2
    assert "hong1995" in result.stderr and "row" in result.stderr


def test_extract_keeps_editor_edits_and_adds_only_new_claims(workspace):
    claims = workspace / "claims.csv"
    edited = claims.read_text(encoding="utf-8").replace(
        "uncited statistic: needs a source", "asked the author for a source"
    )
    claims.write_text(edited, encoding="utf-8")
    article = workspace / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "References:", "About 30% of adults report back pain each year.\nReferences:"
        ),
        encoding="utf-8",
    )
    result = citeaudit(workspace, "extract", ARTICLE)
    assert result.returncode == 0, result.stderr
    after = claims.read_text(encoding="utf-8")
    assert "asked the author for a source" in after
    assert "About 30% of adults report back pain each year." in after
    assert after.startswith(edited.rstrip("\n").split("\n")[0])
    added = len(after.strip().splitlines()) - len(edited.strip().splitlines())
    assert added >= 1  # the new statistic, and whatever else the model finds worth checking
    assert f"{added} claims proposed, 45 existing rows kept unchanged" in result.stdout


def test_check_does_not_import_prefect(workspace):
    probe = (
        "import sys, citeaudit.cli as c; c.main(['check', 'articles/back-muscle-pain.md', '--offline']);"
        "print('prefect' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=workspace, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().endswith("False")


def test_unverified_references_are_never_reported_free_of_retraction(workspace):
    """The seed's snapshots come from stored pages, not registry answers: its report may
    not claim "no retraction notice" for any of them."""
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert {r["doi_status"] for r in report["references"]} == {"unverified"}
    assert report["summary"]["retraction"] == {"unknown": 6}
    html = (workspace / "reports" / "back-muscle-pain.html").read_text(encoding="utf-8")
    assert "Retraction status unknown" in html
    assert "No retraction notice" not in html


def test_a_citation_marker_that_names_no_reference_is_reported_everywhere(workspace):
    """ "[9]" in an article with six references: the reader cannot find the source. The
    report lists it, the fix list shows it, JUnit has a case for it, and it fails the run
    at --fail-on mismatch (not at the default level: no reference itself is broken)."""
    cited = (ROOT / "articles" / "back-muscle-pain-cited.md").read_text(encoding="utf-8")
    first = cited.index("[1]")
    (workspace / "articles" / "dangling.md").write_text(
        cited[:first] + "[9]" + cited[first + 3 :], encoding="utf-8"
    )
    line = cited[:first].count("\n") + 1

    lenient = citeaudit(workspace, "check", "articles/dangling.md", "--offline")
    assert lenient.returncode == 0, lenient.stderr
    report = json.loads((workspace / "reports" / "dangling.json").read_text())
    jsonschema.validate(report, report_schema())
    assert report["citations"] == [
        {"line": line, "marker": "[9]", "message": "[9]: no reference numbered 9 (the list has 6)"}
    ]
    html = (workspace / "reports" / "dangling.html").read_text(encoding="utf-8")
    assert "Citation points nowhere" in html and f"Line {line}, citation [9]" in html
    junit = (workspace / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert f'name="citation [9] on line {line}"' in junit

    strict = citeaudit(
        workspace, "check", "articles/dangling.md", "--offline", "--fail-on", "mismatch"
    )
    assert strict.returncode == 1
    assert (
        f"articles/dangling.md:{line}: mismatch: citation [9]: no reference numbered 9"
        in strict.stderr
    )


def test_judge_option_lists_every_judge_and_overrides_the_environment(workspace):
    from citeaudit.cli import _parser
    from citeaudit.judging.choice import JUDGES

    check = _parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    (judge,) = [a for a in check._actions if a.dest == "judge"]
    assert tuple(judge.choices) == JUDGES
    by_rules = citeaudit(
        workspace, "check", ARTICLE, "--offline", "--judge", "rules", env={"CITEAUDIT_JUDGE": "llm"}
    )
    assert by_rules.returncode == 0, by_rules.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    by_default = citeaudit(workspace, "check", ARTICLE, "--offline", "--out", "default")
    default = json.loads((workspace / "default" / "back-muscle-pain.json").read_text())
    rules = [c["verdict"] for c in report["claims"]]
    assert rules != [c["verdict"] for c in default["claims"]]  # the option changed the judge
    assert by_default.returncode == 0


def test_a_usage_error_points_at_the_help_of_the_command_that_was_typed(workspace):
    top = citeaudit(workspace, "chek")
    assert top.returncode == 2
    assert top.stderr.strip().endswith("(see `citeaudit --help`)")
    sub = citeaudit(workspace, "check", ARTICLE, "--fail-on", "sometimes")
    assert sub.returncode == 2
    assert sub.stderr.strip().endswith("(see `citeaudit check --help`)")


def test_version_is_the_installed_package_version(workspace):
    from importlib.metadata import version

    result = citeaudit(workspace, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"citeaudit {version('citeaudit')}"


def test_quiet_leaves_stdout_empty_but_still_reports_failures(workspace):
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "-q", "--fail-on", "unsupported")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("articles/back-muscle-pain.md:2: unsupported: ")


def test_verbose_logs_each_stage_on_stderr(workspace):
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "-v")
    assert result.returncode == 0, result.stderr
    assert "read 1 article(s)" in result.stderr
    assert "45 claim(s) to judge" in result.stderr
    assert "6 source(s) read from snapshots" in result.stderr
    assert "back-muscle-pain.md: 6 references" in result.stdout


def test_help_describes_each_command_and_names_the_default_fail_level(workspace):
    extract = " ".join(citeaudit(workspace, "extract", "--help").stdout.split())
    assert "Propose the check-worthy claims" in extract and "never changed" in extract
    check = " ".join(citeaudit(workspace, "check", "--help").stdout.split())
    assert "level that fails the run (default: broken)" in check
    assert "Exit 0" in check


def test_the_reports_title_is_the_articles_h1(workspace):
    seed = (workspace / ARTICLE).read_text(encoding="utf-8")
    (workspace / "articles" / "titled.md").write_text("# Back muscle pain\n\n" + seed, "utf-8")
    result = citeaudit(workspace, "check", "articles/titled.md", "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "titled.json").read_text())
    assert report["article"]["title"] == "Back muscle pain"


def test_a_run_that_finds_nothing_new_rewrites_no_output(workspace):
    outputs = ["--markdown", "summary.md", "--junit", "junit.xml"]
    for _ in range(2):  # the second run is the first the site index compares with another
        assert citeaudit(workspace, "check", ARTICLE, "--offline", *outputs).returncode == 0
    files = [*(workspace / "reports").iterdir(), workspace / "summary.md", workspace / "junit.xml"]
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert citeaudit(workspace, "check", ARTICLE, "--offline", *outputs).returncode == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    # a real change is written: the report of a stricter run says it fails
    assert (
        citeaudit(workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported").returncode
        == 1
    )
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert report["summary"]["failing"] is True
