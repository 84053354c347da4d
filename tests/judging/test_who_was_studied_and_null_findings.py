"""Two checks a health editor makes before anything else: who the source studied, and
whether it found anything at all. Both must stop a wrong `supported`."""

from __future__ import annotations

from citeaudit.judging.claim import judge_claim
from citeaudit.judging.evidence import SourceText
from citeaudit.judging.population import association_as_cause, studied_instead

CLAIM = "Beetroot juice lowered blood pressure in people with hypertension."


def _judge(claim: str, *sentences: str):
    return judge_claim(claim, [SourceText("park2019", sentences)], cited=True)


def test_a_study_in_rats_is_not_support_for_a_finding_in_people():
    judgment = _judge(
        CLAIM,
        "Dietary nitrate from beetroot juice lowered blood pressure in spontaneously "
        "hypertensive rats.",
        "Rats received the juice for four weeks.",
    )
    assert judgment.verdict != "supported"
    assert "park2019 studied rats, not people" in judgment.reason


def test_a_study_of_cell_lines_is_not_support_for_a_finding_in_patients():
    judgment = _judge(
        "Curcumin slows tumour growth in patients with colon cancer.",
        "Curcumin slowed the growth of colon cancer cell lines in vitro.",
    )
    assert judgment.verdict != "supported"
    assert "studied" in judgment.reason and "not people" in judgment.reason


def test_the_same_finding_in_people_is_still_supported():
    judgment = _judge(
        CLAIM,
        "Dietary nitrate from beetroot juice lowered blood pressure in patients with hypertension.",
        "Earlier work in rats had suggested it; here 64 participants drank the juice daily.",
    )
    assert judgment.verdict == "supported"


def test_a_claim_about_animals_may_rest_on_a_study_of_animals():
    judgment = _judge(
        "Beetroot juice lowered blood pressure in hypertensive rats.",
        "Dietary nitrate from beetroot juice lowered blood pressure in spontaneously "
        "hypertensive rats.",
    )
    assert judgment.verdict == "supported"


def test_a_claim_that_names_no_one_is_not_held_to_a_population():
    # "IL-6 activates STAT3" is a mechanism: a study of cells may show it
    assert (
        studied_instead("IL-6 activates STAT3 signalling.", "In cultured cells, IL-6 ...") is None
    )
    # a human gene's name is no population either
    assert studied_instead("Human HER2 drives tumours in mice.", "In mice, HER2 ...") is None


def test_no_association_in_the_source_contradicts_a_claimed_risk():
    judgment = _judge(
        "A common APOE variant raises the risk of stroke.",
        "The common APOE variant showed no significant association with stroke in 12,000 adults.",
    )
    assert judgment.verdict == "contradicted"
    assert "no effect or association" in judgment.reason
    assert "no significant association" in judgment.reason


def test_a_claim_of_no_effect_is_borne_out_by_a_finding_of_no_effect():
    judgment = _judge(
        "Caffeine has no effect on bone density.",
        "Caffeine intake had no effect on bone density in 500 women.",
    )
    assert judgment.verdict == "supported"


def test_a_mixed_finding_is_not_read_as_no_effect():
    judgment = _judge(
        "Exercise reduced back pain in adults.",
        "Exercise reduced back pain in adults but did not improve sleep.",
    )
    assert judgment.verdict != "contradicted"


COHORT = (
    "In a prospective cohort of 90,000 adults, coffee drinking was associated with a lower "
    "risk of liver cancer.",
)


def test_an_observational_study_is_not_support_for_a_cause():
    judgment = _judge("Drinking coffee prevents liver cancer in adults.", *COHORT)
    assert judgment.verdict != "supported"
    assert "observational (cohort) study: it shows an association, not a cause" in judgment.reason


def test_the_association_it_shows_is_supported_and_so_is_a_cause_a_trial_shows():
    assert (
        _judge(
            "Coffee drinking is associated with a lower risk of liver cancer in adults.", *COHORT
        ).verdict
        == "supported"
    )
    trial = "In a randomized trial of 900 adults, coffee drinking prevented liver cancer."
    assert _judge("Drinking coffee prevents liver cancer in adults.", trial).verdict == "supported"


def test_naming_the_causes_of_a_disease_claims_no_cause():
    claim = "Cancer is one of the main causes of death in high-income countries."
    assert association_as_cause(claim, "A population-based cohort of 2 million adults.") is None


def test_a_study_of_adults_is_not_support_for_a_finding_in_children():
    judgment = _judge(
        "Vitamin D supplements prevent fractures in children.",
        "In 2,000 postmenopausal women, vitamin D supplements prevented fractures.",
    )
    assert judgment.verdict != "supported"
    assert "studied adults, not children" in judgment.reason
    same = _judge(
        "Vitamin D supplements reduce fractures in children.",
        "In 2,000 children, vitamin D supplements reduced fractures.",
    )
    assert same.verdict == "supported"
