"""The learned judge: its shipped model, its features, and the rules it must obey."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit.errors import InputError
from citeaudit.judging.choice import JUDGES, get_judge, judge_from_env
from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText, evidence_for, matched_words, source_text
from citeaudit.judging.features import LIGHT_FEATURES, pair_features
from citeaudit.judging.learned import CLASSES, JudgeModel, LearnedJudge, load_model

ROOT = Path(__file__).resolve().parents[2]
CI = ROOT / "benchmarks" / "data" / "claim-eval" / "citation-integrity"

TRIAL = source_text(
    "trial2020",
    "Vitamin D supplementation and respiratory infections: a randomised controlled trial",
    "We randomly assigned 400 adults to vitamin D or placebo for 12 weeks. "
    "Vitamin D supplementation reduced the incidence of acute respiratory infections by 12% "
    "compared with placebo. Serum 25-hydroxyvitamin D concentrations increased in the "
    "treatment group.",
    "journal-article",
    "openalex",
)


@pytest.fixture(scope="module")
def learned() -> LearnedJudge:
    judge = get_judge("learned")
    assert isinstance(judge, LearnedJudge)
    return judge


def test_the_shipped_model_matches_the_feature_list_and_records_its_training():
    model = load_model("judge-light")
    assert model.features == LIGHT_FEATURES and model.embedding is None
    assert set(model.classes) == set(CLASSES)
    assert model.training["cv_macro_f1_citation_integrity_train"] > 0.4
    files = [d["file"] for d in model.training["data"]]
    assert all("dev" not in Path(f).name or "healthver" in f for f in files), (
        "Citation-Integrity dev is the held-out measure: never trained on"
    )


def test_probabilities_are_a_distribution_and_offsets_move_the_decision():
    model = load_model("judge-light")
    values = pair_features("Vitamin D reduces infections.", TRIAL).values
    probabilities = model.probabilities(values)
    assert abs(sum(probabilities.values()) - 1) < 1e-9
    assert all(0 < p < 1 for p in probabilities.values())
    nei_heavy = JudgeModel.from_dict({**model.to_dict(), "bias": [0.0, 0.0, 50.0]})
    assert nei_heavy.decide(probabilities) == "NEI"


def test_a_model_with_inconsistent_shapes_is_refused():
    data = load_model("judge-light").to_dict()
    data["coef"] = data["coef"][:2]
    with pytest.raises(ValueError, match="inconsistent"):
        JudgeModel.from_dict(data)


def test_a_claim_restating_the_trial_is_supported_with_the_sentence_that_says_it(learned):
    judgment = judge_claim(
        "Vitamin D supplementation reduced acute respiratory infections compared with placebo.",
        [TRIAL],
        cited=True,
        judge=learned,
    )
    assert judgment.verdict == "supported"
    assert judgment.evidence[0].sentence.startswith("Vitamin D supplementation reduced")
    assert "trial2020 states this" in judgment.reason


def test_a_claim_the_source_does_not_address_is_unsupported(learned):
    judgment = judge_claim(
        "Regular yoga improves sleep quality in office workers with insomnia.",
        [TRIAL],
        cited=True,
        judge=learned,
    )
    assert judgment.verdict == "unsupported"
    assert "does not address this" in judgment.reason


def test_a_statistic_whose_figure_is_not_in_the_source_is_unsupported(learned):
    judgment = judge_claim(
        "Vitamin D supplementation reduced acute respiratory infections by 40%.",
        [TRIAL],
        cited=True,
        kind="statistic",
        judge=learned,
    )
    assert judgment.verdict == "unsupported"
    assert judgment.reason == "the figure 40% appears nowhere in trial2020"


def test_the_opposite_direction_is_not_support(learned):
    judgment = judge_claim(
        "Vitamin D supplementation increased the incidence of acute respiratory infections "
        "compared with placebo.",
        [TRIAL],
        cited=True,
        judge=learned,
    )
    assert judgment.verdict != "supported"


def test_an_uncited_claim_must_be_found_part_by_part_before_a_source_would_support_it(learned):
    cited = judge_claim(
        "Vitamin D supplementation reduced respiratory infections, and it cured asthma in "
        "children.",
        [TRIAL],
        cited=True,
        kind="efficacy",
        judge=learned,
    )
    uncited = judge_claim(
        "Vitamin D supplementation reduced respiratory infections, and it cured asthma in "
        "children.",
        [TRIAL],
        cited=False,
        judge=learned,
    )
    for judgment in (cited, uncited):
        assert judgment.verdict == "partially_supported"
        assert "it cured asthma in children" in judgment.reason
    assert uncited.supporting_refs == []


def test_a_review_supports_an_efficacy_claim_less_than_a_trial(learned):
    review = source_text(
        "review2019",
        "Vitamin D and respiratory infections: a systematic review",
        "Vitamin D supplementation reduced the incidence of acute respiratory infections "
        "compared with placebo.",
        "review",
    )
    claim = "Vitamin D supplementation reduced acute respiratory infections compared with placebo."
    judgment = judge_claim(claim, [review, TRIAL], cited=True, judge=learned)
    assert judgment.verdict == "supported"
    assert judgment.evidence[0].ref == "trial2020", "the trial's evidence comes first"
    only_review = judge_claim(claim, [review], cited=True, judge=learned)
    assert "review of others' findings" in only_review.reason


def test_evidence_names_the_words_that_matched_and_where_the_text_came_from():
    evidence = evidence_for("Vitamin D reduced infections", TRIAL, top=2)
    assert evidence[0].text_source in ("title", "openalex")
    assert "Vitamin" in evidence[0].matched and "infections" in evidence[0].matched
    assert matched_words("Trigger points hurt", "Myofascial TrPs were tender.") == ["TrPs"]


def test_features_see_missing_entities_and_numbers():
    source = SourceText("s", ("IL-6 levels rose by 20% in 30 patients.",))
    present = pair_features("IL-6 rose by 20% in patients.", source).values
    absent = pair_features("TNF-alpha rose by 45% in patients.", source).values
    assert present["entities_found"] == 1.0 and present["numbers_found"] == 1.0
    assert absent["entities_found"] == 0.0 and absent["numbers_found"] == 0.0
    assert absent["figure_missing"] == 1.0 and present["figure_missing"] == 0.0
    assert set(present) == set(LIGHT_FEATURES)


def test_judges_are_named_and_an_unknown_one_is_bad_input():
    assert judge_from_env({}) == "learned"
    assert judge_from_env({"CITEAUDIT_JUDGE": "rules"}) == "rules"
    with pytest.raises(InputError, match="not a judge"):
        judge_from_env({"CITEAUDIT_JUDGE": "oracle"})
    with pytest.raises(InputError, match="unknown judge"):
        get_judge("oracle")
    assert set(JUDGES) >= {"rules", "learned", "learned-minilm", "llm"}


def test_the_benchmark_prints_a_table_and_ends_with_one_json_object():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "claim_support.py"),
            "--claims",
            str(CI / "claims_dev.jsonl"),
            "--corpus",
            str(CI / "corpus.jsonl"),
            "--limit",
            "25",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("macro-F1") for line in lines)
    report = json.loads(lines[-1])
    assert report["n"] == 25
    assert set(report["per_class"]) == {"SUPPORT", "REFUTE", "NEI"}
    assert 0 <= report["macro_f1"] <= 1 and report["pairs_per_second"] > 0
    assert report["verdict_to_label"]["partially_supported"] == "REFUTE"
