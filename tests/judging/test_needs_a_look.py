"""A `supported` the judge is not sure of is flagged for an editor's look, and every
output treats it as not passed: JSON, the gate, JUnit, annotations and the HTML page."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText
from citeaudit.judging.learned import LearnedJudge, load_model
from citeaudit.reporting.annotations import annotation_lines
from citeaudit.reporting.gate import failures
from citeaudit.reporting.html_report import render_html
from citeaudit.reporting.junit import junit_xml
from report_samples import load_sample

ROOT = Path(__file__).resolve().parents[2]
CLAIM = "Dry needling causes more intense and longer postinjection soreness than lidocaine."
SOURCE = SourceText(
    "hong1994",
    (
        "Patients treated with dry needling had postinjection soreness of significantly "
        "greater intensity and longer duration than those treated with lidocaine injection.",
    ),
)


def _judge(threshold: float) -> LearnedJudge:
    return LearnedJudge(dataclasses.replace(load_model("judge-light"), support_threshold=threshold))


def test_the_shipped_judge_carries_a_calibration_and_a_passing_threshold_fitted_out_of_fold():
    weights = json.loads(
        (ROOT / "src/citeaudit/judging/weights/judge-light.json").read_text(encoding="utf-8")
    )
    fitted = weights["training"]["support_threshold_out_of_fold"]
    assert 0.5 <= weights["support_threshold"] < 1
    assert fitted["precision"] >= fitted["target_precision"] == 0.85
    assert fitted["calibration_error"] < fitted["calibration_error_raw"]


def test_a_supported_verdict_below_the_threshold_needs_a_look_and_says_so():
    unsure = judge_claim(CLAIM, [SOURCE], cited=True, judge=_judge(0.99))
    assert unsure.verdict == "supported" and unsure.needs_look
    assert "needs an editor's look" in unsure.reason and "99%" in unsure.reason

    sure = judge_claim(CLAIM, [SOURCE], cited=True, judge=_judge(0.5))
    assert sure.verdict == "supported" and not sure.needs_look
    assert "needs an editor's look" not in sure.reason


def test_a_source_the_judge_is_sure_of_outranks_one_it_flags():
    weak = SourceText("lee2001", ("Soreness was reported by some patients after needling.",))
    judgment = judge_claim(CLAIM, [weak, SOURCE], cited=True, judge=_judge(0.6))
    assert judgment.verdict == "supported"
    assert judgment.needs_look is False


def _report_with_a_flagged_claim() -> tuple[dict, dict]:
    report = copy.deepcopy(load_sample())
    claim = next(c for c in report["claims"] if c["verdict"] == "supported")
    claim["needs_look"] = True
    claim["reason"] += "; needs an editor's look: below the 76% ..."
    return report, claim


def test_a_flagged_claim_fails_the_unsupported_gate_and_no_lower_one():
    report, claim = _report_with_a_flagged_claim()
    path = report["article"]["path"]
    line = f"{path}:{claim['line']}: look: [{claim['id']}] claim needs an editor's look"
    assert any(f.startswith(line) for f in failures(report, "unsupported"))
    assert not any(claim["id"] in f for f in failures(report, "mismatch"))


def test_a_flagged_claim_is_a_junit_failure_and_an_annotation_at_the_unsupported_level():
    report, claim = _report_with_a_flagged_claim()
    xml = junit_xml([report], fail_on="unsupported")
    assert "needs an editor&apos;s look" in xml or "needs an editor's look" in xml
    lines = annotation_lines([report], fail_on="unsupported")
    assert any(line.startswith("::error") and claim["id"] in line for line in lines)


def test_the_html_page_shows_a_flagged_claim_as_needing_a_look_not_as_supported():
    report, _ = _report_with_a_flagged_claim()
    html = render_html(report)
    assert (
        "Supported? Needs an editor&#39;s look" in html
        or "Supported? Needs an editor's look" in html
    )
    plain = copy.deepcopy(report)
    for c in plain["claims"]:
        c["needs_look"] = False
    assert "Needs an editor" not in render_html(plain)
