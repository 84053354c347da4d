"""What CI reads: findings, JUnit XML, GitHub annotations and the Markdown step summary.

Every output must say what the exit code says (a failure in JUnit or an `::error` is
exactly a line the gate prints), survive hostile article text, and be accepted by the
tools that read it: the JUnit file is validated against two published JUnit schemas
(tests/fixtures/junit/PROVENANCE.md).
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from citeaudit.reporting.annotations import annotation_lines, command, escape_data, escape_property
from citeaudit.reporting.findings import report_findings
from citeaudit.reporting.gate import FAIL_LEVELS, failures
from citeaudit.reporting.junit import junit_xml
from citeaudit.reporting.markdown_summary import md_escape, summary_markdown
from cli_run import ARTICLE, citeaudit
from report_samples import every_problem

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "junit"


@pytest.fixture(scope="module")
def junit_schemas() -> list[xmlschema.XMLSchema]:
    """Apache Ant's strict schema (Windy Road) and Jenkins' lenient one."""
    return [xmlschema.XMLSchema(SCHEMAS / name) for name in ("JUnit.xsd", "junit-10.xsd")]


# ---------------------------------------------------------------------------------------
# Findings


@pytest.mark.parametrize("level", list(FAIL_LEVELS))
@pytest.mark.parametrize("unverified", [False, True])
def test_failing_findings_are_exactly_the_lines_the_gate_prints(
    level: str, unverified: bool
) -> None:
    report = every_problem()
    path = report["article"]["path"]
    failing = [f.gate_line(path) for f in report_findings(report) if f.fails(level, unverified)]
    assert sorted(failing) == sorted(failures(report, level, unverified))


def test_findings_come_most_serious_first() -> None:
    findings = report_findings(every_problem())
    categories = [f.category for f in findings]
    assert categories[0] == "retracted"
    assert categories.index("broken") < categories.index("unsupported")
    assert categories.index("unsupported") < categories.index("mismatch")
    assert categories.index("mismatch") < categories.index("partial")
    unsupported = [f for f in findings if f.category == "unsupported"]
    # An unsupported statistic before unsupported efficacy claims.
    assert [f.kind for f in unsupported] == ["statistic", "efficacy", "efficacy"]


def test_finding_ids_follow_the_problem_not_its_line_or_wording() -> None:
    report = every_problem()
    moved = copy.deepcopy(report)
    for claim in moved["claims"]:
        claim["line"] += 3
        claim["reason"] = "reworded"
    for ref in moved["references"]:
        ref["cited"]["line"] += 3
    assert [f.id for f in report_findings(report)] == [f.id for f in report_findings(moved)]
    ids = {f.id for f in report_findings(report)}
    assert "ref:doe2015:retraction" in ids and "claim:C1:unsupported" in ids
    assert "ref:wrongyear2013:field-year" in ids and "ref:wrongyear2013:field-pages" in ids
    assert len(ids) == len(report_findings(report))


# ---------------------------------------------------------------------------------------
# JUnit


def parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def test_junit_of_a_real_run_is_valid_against_both_junit_schemas(
    workspace: Path, junit_schemas: list[xmlschema.XMLSchema]
) -> None:
    result = citeaudit(workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported")
    assert result.returncode == 1
    junit = workspace / "reports" / "junit.xml"
    for schema in junit_schemas:
        schema.validate(junit)
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text("utf-8"))
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    failed = suite.findall("testcase/failure")
    # One failure per failing claim, each naming the article's line as stderr does.
    stderr = result.stderr.strip().splitlines()
    assert stderr and int(suite.get("failures", "")) == len(failed) == len(stderr)
    assert {f.get("message") for f in failed} == set(stderr)
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["html_report"] == "reports/back-muscle-pain.html"
    assert props["fail_on"] == "unsupported"
    assert len(suite.findall("testcase")) == len(report["references"]) + len(report["claims"])


def test_one_testcase_per_reference_and_per_claim_grouped_by_class() -> None:
    report = every_problem()
    suite = parse(junit_xml([report], fail_on="broken")).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    refs = [c for c in cases if c.get("classname") == "back-muscle-pain.references"]
    claims = [c for c in cases if c.get("classname") == "back-muscle-pain.claims"]
    assert len(refs) == len(report["references"]) and len(claims) == len(report["claims"])
    assert suite.get("tests") == str(len(cases))
    assert refs[0].get("name", "").startswith("reference simons1999: ")
    assert claims[0].get("name", "").startswith("claim C1: Approximately 80-90%")


@pytest.mark.parametrize("level", list(FAIL_LEVELS))
def test_junit_failures_match_the_gate_at_every_level(
    level: str, junit_schemas: list[xmlschema.XMLSchema]
) -> None:
    report = every_problem()
    xml = junit_xml([report], fail_on=level)
    for schema in junit_schemas:
        schema.validate(xml)
    lines = []
    for failure in parse(xml).iter("failure"):
        lines += [
            line for line in (failure.text or "").splitlines() if line.startswith("articles/")
        ]
    assert sorted(lines) == sorted(failures(report, level))


def test_a_reference_with_two_failing_problems_gets_one_failure_naming_both() -> None:
    report = every_problem()
    bad = next(r for r in report["references"] if r["key"] == "broken2010")
    bad["mismatches"] = [
        {"field": "year", "cited": "2010", "registry": "2001", "severity": "error"}
    ]
    case = next(
        c
        for c in parse(junit_xml([report], fail_on="mismatch")).iter("testcase")
        if "broken2010" in c.get("name", "")
    )
    (failure,) = case.findall("failure")
    assert failure.get("type") == "broken"  # the more serious of the two
    assert "does not resolve" in failure.get("message", "")
    assert "year: cited '2010', registry '2001'" in failure.get("message", "")


def test_problems_below_the_level_are_reported_in_system_out_not_as_skipped() -> None:
    report = every_problem()
    report["validation"][0]["success"] = False
    report["validation"][0]["details"] = ["row 3: unknown kind 'statistik'"]
    root = parse(junit_xml([report], fail_on="retracted"))
    assert not list(root.iter("skipped"))
    out = root.findtext("testsuite/system-out") or ""
    assert "articles/back-muscle-pain.md:5: unsupported: [C1]" in out
    assert "partial" in out and "unverified" in out
    assert "FAILED" in out and "row 3: unknown kind 'statistik'" in out


def test_hostile_article_text_keeps_the_junit_file_valid(
    junit_schemas: list[xmlschema.XMLSchema],
) -> None:
    report = every_problem()
    nasty = 'x\x00\x07\x1b]]><script>alert("1")</script> & \'\n\tline\ud800'
    report["article"]["name"] = "a" + nasty
    report["claims"][0]["text"] = nasty
    report["claims"][0]["reason"] = nasty
    report["references"][0]["key"] = nasty
    report["references"][0]["cited"]["raw"] = nasty
    xml = junit_xml([report], fail_on="unsupported", hostname="ci host\n")
    for schema in junit_schemas:
        schema.validate(xml)
    root = parse(xml)
    names = [c.get("name", "") for c in root.iter("testcase")]
    assert any('<script>alert("1")</script>' in n for n in names)
    assert all("\n" not in n and "\x00" not in n for n in names)


def test_junit_file_lists_every_article_of_the_run(
    junit_schemas: list[xmlschema.XMLSchema],
) -> None:
    first, second = every_problem(), every_problem()
    second["article"] = {**second["article"], "name": "other", "path": "articles/other.md"}
    xml = junit_xml([first, second], fail_on="broken")
    for schema in junit_schemas:
        schema.validate(xml)
    suites = parse(xml).findall("testsuite")
    assert [s.get("name") for s in suites] == ["back-muscle-pain", "other"]
    assert [s.get("id") for s in suites] == ["0", "1"]


# ---------------------------------------------------------------------------------------
# GitHub annotations


def test_workflow_command_escaping_follows_the_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", "m", file="articles/a,b:c.md", line=7, title="T: x")
    assert line == "::error file=articles/a%2Cb%3Ac.md,line=7,title=T%3A x::m"


def test_article_text_cannot_end_a_command_or_start_another() -> None:
    report = every_problem()
    report["claims"][0]["reason"] = "x\n::error file=evil.md::pwned\r\n::add-mask::y %0A"
    lines = annotation_lines([report], fail_on="unsupported")
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert sum(line.startswith("::") for line in lines) == len(lines)
    hostile = next(line for line in lines if "[C1]" in line)
    assert "%0A::error file=evil.md::pwned%0D%0A::add-mask::y %250A" in hostile


def test_annotations_are_errors_for_failures_then_warnings_then_notices() -> None:
    report = every_problem()
    lines = annotation_lines([report], fail_on="broken")
    levels = [line.split(" ", 1)[0] for line in lines]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index)
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == len(failures(report, "broken"))
    assert errors[0].startswith(
        "::error file=articles/back-muscle-pain.md,line=31,title=citeaudit%3A Retracted source::"
    )
    assert any("line=5,title=citeaudit%3A Unsupported claim::[C1]" in line for line in lines)


def test_cli_annotates_and_writes_the_step_summary_only_in_github_actions(
    workspace: Path,
) -> None:
    plain = citeaudit(workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported")
    assert "::" not in plain.stdout

    summary = workspace / "step-summary.md"
    summary.write_text("## an earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = citeaudit(
        workspace, "check", ARTICLE, "--offline", "--fail-on", "unsupported", env=env
    )
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert errors and len(errors) == len(result.stderr.strip().splitlines())
    assert errors[0].startswith(
        "::error file=articles/back-muscle-pain.md,line=2,title=citeaudit%3A Unsupported claim::"
        "[back-muscle-pain-58249bd1] claim unsupported: uncited; the figure 80-90%25 appears"
    )
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## an earlier step\n## citeaudit: ✗ failing")  # appended


# ---------------------------------------------------------------------------------------
# Markdown summary


def test_summary_says_pass_or_fail_and_lists_failures_most_serious_first() -> None:
    report = every_problem()
    text = summary_markdown(
        [report],
        fail_on="unsupported",
        html_reports={"back-muscle-pain": "reports/back-muscle-pain.html"},
        index_page="reports/index.html",
        changes=(2, 1),
    )
    assert text.startswith("## citeaudit: ✗ failing\n")
    assert "**2 new** problem(s), **1 resolved**" in text
    assert "`reports/back-muscle-pain.html`" in text and "`reports/index.html`" in text
    failing = text.split("### Fails the run, most serious first")[1].split("\n\n")[1]
    first = failing.splitlines()[0]
    assert first.startswith("- **Retracted source** `articles/back-muscle-pain.md:31`")
    # An unsupported statistic before wrong reference details.
    assert failing.index("\\[C1\\]") < failing.index("wrongyear2013")
    assert "<details><summary>Problems below the fail level" in text


def test_summary_of_a_clean_run_passes() -> None:
    report = every_problem()
    report["references"] = []
    report["claims"] = [c for c in report["claims"] if c["verdict"] == "supported"]
    text = summary_markdown([report], fail_on="broken")
    assert text.startswith("## citeaudit: ✓ passing\n")
    assert "### Fails the run" not in text and "<details>" not in text


def test_summary_escapes_article_text() -> None:
    assert md_escape("a | b <img src=x onerror=alert(1)> *c* [l](javascript:x)") == (
        "a \\| b &lt;img src=x onerror=alert(1)&gt; \\*c\\* \\[l\\](javascript:x)"
    )
    report = every_problem()
    report["claims"][0]["reason"] = "<script>alert(1)</script> | `code` \n## heading"
    report["article"]["path"] = "articles/`evil`.md"
    text = summary_markdown([report], fail_on="unsupported")
    assert "<script>" not in text and "\n## heading" not in text
    assert "`articles/'evil'.md:5`" in text


def test_summary_is_capped_so_it_stays_readable() -> None:
    report = every_problem()
    claim = report["claims"][0]
    report["claims"] = [{**copy.deepcopy(claim), "id": f"C{n}", "line": n} for n in range(1, 101)]
    report["references"] = []
    text = summary_markdown([report], fail_on="unsupported")
    assert "- … and 70 more (see the HTML report)" in text
    assert len(text.encode("utf-8")) < 1024 * 1024


def test_markdown_flag_writes_the_summary_file(workspace: Path) -> None:
    result = citeaudit(
        workspace, "check", ARTICLE, "--offline", "--markdown", "out/summary.md", "--junit",
        "out/results.xml",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = (workspace / "out" / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("## citeaudit: ✓ passing\n")
    assert "`articles/back-muscle-pain.md`" in text
    assert (workspace / "out" / "results.xml").is_file()
    assert not (workspace / "reports" / "junit.xml").exists()
