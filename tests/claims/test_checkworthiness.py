"""The shipped check-worthiness model: what it finds worth checking, and what not."""

from __future__ import annotations

import json

from citeaudit.claims.checkworthiness import WEIGHTS, is_checkworthy, score


def test_claims_of_fact_score_above_the_threshold():
    for sentence in (
        "Roughly one in three runners will have a knee injury each year.",
        "Beetroot juice lowered blood pressure in people with hypertension.",
        "Smoking increases the risk of lung cancer more than tenfold.",
    ):
        assert is_checkworthy(sentence), sentence


def test_navigation_and_questions_score_below_the_threshold():
    for sentence in (
        "Read on to learn more.",
        "Click here to subscribe to our newsletter.",
        "What causes knee pain?",
    ):
        assert not is_checkworthy(sentence), sentence


def test_a_statistic_scores_higher_than_the_same_topic_as_a_question():
    assert score("Most back pain is muscle-related.") > score("Is back pain muscle-related?")


def test_the_weights_file_is_small_and_records_how_its_threshold_was_chosen():
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert WEIGHTS.stat().st_size < 1_000_000
    assert 0 < data["threshold"] < 1
    assert data["dev_out_of_fold"]["recall"] >= 0.9
