"""A claim's parts: population, intervention or exposure, outcome, direction, figure."""

from __future__ import annotations

from citeaudit.claims.parts import ClaimParts, claim_parts


def test_an_efficacy_claim_names_intervention_outcome_population_and_direction():
    parts = claim_parts("Beetroot juice lowered blood pressure in people with hypertension [6].")
    assert parts == ClaimParts(
        population="people with hypertension",
        intervention="Beetroot juice",
        outcome="blood pressure",
        direction="reduces",
    )


def test_a_study_described_first_still_gives_the_animals_studied():
    parts = claim_parts(
        "In a study in rats, a collagen supplement increased tendon strength after injury [2]."
    )
    assert parts.population == "rats"
    assert parts.intervention == "a collagen supplement"
    assert parts.outcome == "tendon strength"
    assert parts.direction == "increases"


def test_no_effect_is_a_direction_of_its_own():
    parts = claim_parts("Caffeine has no effect on bone density [3].")
    assert (parts.intervention, parts.outcome, parts.direction) == (
        "Caffeine",
        "bone density",
        "no effect",
    )


def test_an_exposure_that_raises_a_risk():
    parts = claim_parts("A common APOE variant raises the risk of stroke [4].")
    assert parts.intervention == "A common APOE variant"
    assert parts.outcome == "the risk of stroke"
    assert parts.direction == "increases"


def test_a_figure_in_words_or_digits_is_kept_as_written():
    assert claim_parts("Physiotherapy cuts the risk of a second fall by about half.").figure == (
        "about half"
    )
    assert claim_parts(
        "Roughly one in three runners will have a knee injury each year."
    ).figure == ("Roughly one in three")
    assert claim_parts("Approximately 80-90% of back pain is muscle-related.").figure == (
        "Approximately 80-90%"
    )


def test_what_the_sentence_does_not_say_plainly_stays_none():
    parts = claim_parts("Approximately 80-90% of back pain is muscle-related.")
    assert parts.direction is None and parts.intervention is None and parts.population is None


def test_auxiliaries_and_adverbs_are_not_part_of_the_intervention():
    parts = claim_parts(
        "Trigger point massage can effectively relieve back muscle pain in older adults."
    )
    assert parts.intervention == "Trigger point massage"
    assert parts.population == "older adults"
    parts = claim_parts(
        "Smoking is associated with a higher risk of lung cancer (Doll et al., 1954)."
    )
    assert (parts.intervention, parts.outcome) == ("Smoking", "risk of lung cancer")
