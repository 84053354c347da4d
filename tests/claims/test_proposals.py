"""Proposed claims: every sentence that cites a source, and the check-worthy uncited ones."""

from __future__ import annotations

from citeaudit.claims.proposals import propose_claims
from citeaudit.reading.article import parse_article

ARTICLE = """# Joint health

Caffeine has no effect on bone density [1].
A common APOE variant raises the risk of stroke [2].
Beetroot juice lowered blood pressure in people with hypertension [3].
In a study in rats, a collagen supplement increased tendon strength after injury [1, 3].
Read on to learn more.

## References

1. Lee AB, Mills K. Caffeine and bone. BMJ. 2011;342:d1234.
2. Park J, Ruiz M. APOE and stroke. Lancet. 2015;12(3):55-71.
3. Ito K, Chen L. Beetroot and blood pressure. Hypertension. 2003;104:1-9.
"""


def test_every_sentence_that_cites_a_source_is_proposed_with_its_references():
    article = parse_article(ARTICLE, name="joints", path="joints.md")
    keys = [ref.key for ref in article.references]
    claims = {c.text.split()[0]: c for c in propose_claims(article)}
    assert claims["Caffeine"].refs == [keys[0]]
    assert claims["A"].refs == [keys[1]]
    assert claims["Beetroot"].refs == [keys[2]]
    assert claims["In"].refs == [keys[0], keys[2]]
    cited = [s for s in article.sentences if s.refs]
    assert len(cited) == 4 and all(s.text.split()[0] in claims for s in cited)


def test_an_uncited_sentence_without_a_checkable_claim_is_not_proposed():
    article = parse_article(ARTICLE, name="joints", path="joints.md")
    assert not [c for c in propose_claims(article) if c.text.startswith("Read on")]


UNCITED = """# Knees

Roughly one in three runners will have a knee injury each year.
Physiotherapy cuts the risk of a second fall by about half.
Read on to learn more.
Sign up for our newsletter and get 10% off your first order!
What causes knee pain?
"""


def test_an_uncited_statistic_in_words_is_proposed_as_a_statistic():
    article = parse_article(UNCITED, name="knees", path="knees.md")
    claims = {c.text.split()[0]: c for c in propose_claims(article)}
    assert claims["Roughly"].kind == "statistic"
    assert claims["Roughly"].refs == []


def test_an_uncited_risk_claim_is_proposed():
    article = parse_article(UNCITED, name="knees", path="knees.md")
    claims = {c.text.split()[0]: c for c in propose_claims(article)}
    assert claims["Physiotherapy"].kind == "risk"


def test_navigation_calls_to_action_and_questions_are_not_proposed():
    article = parse_article(UNCITED, name="knees", path="knees.md")
    proposed = {c.text.split()[0] for c in propose_claims(article)}
    assert not proposed & {"Read", "Sign", "What"}


def test_each_cited_sentence_gets_the_kind_its_words_show():
    article = parse_article(ARTICLE, name="joints", path="joints.md")
    kinds = {c.text.split()[0]: c.kind for c in propose_claims(article)}
    assert kinds["A"] == "risk"  # "raises the risk of stroke"
    assert kinds["Beetroot"] == "efficacy"  # "lowered blood pressure"
    assert kinds["Caffeine"] == "efficacy"  # "has no effect"


PARTS = """# Sleep and pain

Turmeric reduces joint pain [1] and melatonin improves sleep in older adults [2].
Several studies [1, 2] have shown that poor sleep worsens pain [3].
Pain is common in adults [1], and poor sleep worsens it in a third of them [3].
Pain is common [1], [2].
The 2012 guidelines [1] and a later review [2] recommend melatonin for sleep.
Sleep loss worsens pain (Lee 2011; Park 2015), and melatonin helps sleep [3].

## References

1. Lee AB, Mills K. Turmeric and pain. BMJ. 2011;342:d1234.
2. Park J, Ruiz M. Melatonin and sleep. Lancet. 2015;12(3):55-71.
3. Ito K, Chen L. Sleep and pain. Pain. 2003;104:1-9.
"""


def test_a_sentence_citing_sources_for_different_clauses_gives_one_claim_per_clause():
    article = parse_article(PARTS, name="parts", path="parts.md")
    lee, park, ito = (ref.key for ref in article.references)
    claims = {c.text: c.refs for c in propose_claims(article)}
    assert claims["Turmeric reduces joint pain"] == [lee]
    assert claims["melatonin improves sleep in older adults."] == [park]
    assert claims["Pain is common in adults"] == [lee]
    assert claims["poor sleep worsens it in a third of them."] == [ito]
    assert claims["Sleep loss worsens pain"] == [lee, park]  # a group cites as one
    assert claims["melatonin helps sleep."] == [ito]


def test_markers_after_a_subject_inside_a_group_or_side_by_side_keep_the_sentence_one_claim():
    article = parse_article(PARTS, name="parts", path="parts.md")
    lee, park, ito = (ref.key for ref in article.references)
    claims = {c.text: c.refs for c in propose_claims(article)}
    assert claims["Several studies have shown that poor sleep worsens pain."] == [lee, park, ito]
    assert claims["Pain is common."] == [lee, park]
    assert claims["The 2012 guidelines and a later review recommend melatonin for sleep."] == [
        lee,
        park,
    ]


def test_a_trial_description_and_a_halved_risk_are_proposed_with_their_references():
    article = parse_article(
        """# Joints

In a placebo-controlled trial of 412 patients, a turmeric extract reduced joint pain more than placebo [1].
Physiotherapy cuts the risk of a second fall by about half [2].

## References

1. Lee AB, Mills K. Turmeric for knee pain. BMJ. 2011;342:d1234.
2. Park J, Ruiz M. Physiotherapy after falls. Lancet. 2015;12(3):55-71.
""",
        name="trials",
        path="trials.md",
    )
    lee, park = (ref.key for ref in article.references)
    claims = {c.text.split()[0]: c for c in propose_claims(article)}
    assert claims["In"].refs == [lee] and claims["In"].kind == "efficacy"
    assert claims["Physiotherapy"].refs == [park] and claims["Physiotherapy"].kind == "risk"
