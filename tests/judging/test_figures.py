"""A claim's figures are the source's when their values agree, however each is written."""

from __future__ import annotations

import pytest

from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText
from citeaudit.judging.figures import figures, missing


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        (
            "Physiotherapy halves the risk of a second fall.",
            "a relative risk reduction of about 50 %",
        ),
        ("Roughly one in four adults has it.", "The prevalence was 25.3% in adults."),
        ("One in three runners is injured each year.", "33% of runners reported an injury"),
        ("It cut pain by half.", "pain scores fell by 48%"),
        ("In 80 to 90 per cent of cases the muscles are to blame.", "in 80–90% of cases"),
        ("Two-thirds of patients improved.", "67 % of the patients improved"),
        ("Under 5 % of users had side effects.", "side effects in 4.2% of users"),
        ("About half of the patients relapsed.", "relapse rates ranged from 45% to 55%"),
    ],
)
def test_a_figure_written_differently_is_found_by_its_value(claim: str, source: str):
    assert missing(claim, source) == []


@pytest.mark.parametrize(
    ("claim", "source", "gap"),
    [
        ("Under 5 % of users had side effects.", "side effects in 7.9% of users", "Under 5 %"),
        ("One in four adults has it.", "The prevalence was 12% in adults.", "One in four"),
        ("80-90% of back pain is muscular.", "85% of back pain is muscular", "80-90%"),
        ("More than 30% of adults snore.", "21% of adults snore", "More than 30%"),
    ],
)
def test_a_figure_the_source_does_not_bear_out_is_missing(claim: str, source: str, gap: str):
    assert missing(claim, source) == [gap]


def test_what_is_not_a_share_or_a_range_is_no_figure():
    assert figures("the 95% CI was wide") == []
    assert figures("in the first half of the trial, 412 patients from 2010-2015") == []
    assert figures("a 15-year follow-up since 1999") == []
    assert [f.text for f in figures("it rose from 12% to 18%")] == ["12%", "18%"]


def test_a_share_in_words_the_source_contradicts_is_unsupported_and_says_why():
    source = SourceText(
        "park2019", ("Falls recurred in 12% of older adults within a year of the first fall.",)
    )
    judgment = judge_claim(
        "One in four older adults falls again within a year of a first fall.",
        [source],
        cited=True,
        kind="statistic",
    )
    assert judgment.verdict == "unsupported"
    assert "One in four" in judgment.reason and "park2019" in judgment.reason


def test_a_bound_the_source_meets_is_not_reported_missing():
    source = SourceText("lee2020", ("Adverse events occurred in 4.2% of participants.",))
    judgment = judge_claim(
        "Adverse events occur in under 5 % of participants.", [source], cited=True, kind="statistic"
    )
    assert "appears nowhere" not in judgment.reason
