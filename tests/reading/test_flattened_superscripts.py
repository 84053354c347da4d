"""Superscript markers flattened to plain digits ("patients.3") cite, and nothing else
that is a number does: decimals, doses, p-values, years, counts, statistic symbols.

The articles here are made up, in the shapes copy-and-paste leaves on real pages."""

from __future__ import annotations

import pytest

from citeaudit.models import Reference
from citeaudit.reading.article import parse_article
from citeaudit.reading.linking import link_markers
from citeaudit.reading.markers import find_markers

REFERENCES = "\n".join(
    f"{n}. Author{chr(64 + n)} AB. Trial number {n}. BMJ. {2000 + n};{n}:1-2." for n in range(1, 9)
)
REFS = [
    Reference(key=f"ref{n}", raw="", line=n, authors=[f"Author{n}, A."], year=2000 + n, number=n)
    for n in range(1, 9)
]


def _article(body: str):
    return parse_article(f"{body}\n\nReferences\n\n{REFERENCES}\n", name="a", path="a.md")


def _cited(body: str) -> dict[str, tuple[str, ...]]:
    return {s.text: s.refs for s in _article(body).sentences}


def test_a_plain_digit_after_a_full_stop_cites_that_reference():
    assert _cited("Massage relieved pain in most patients.3 Later trials disagreed.") == {
        "Massage relieved pain in most patients.": ("authorc2003",),
        "Later trials disagreed.": (),
    }


def test_a_plain_digit_list_glued_to_the_next_sentence_is_cut_there():
    """The splitter alone keeps "...knee.4,7 Later trials..." as one sentence."""
    assert _cited("Pain eased in the knee.4,7 Later trials found less.") == {
        "Pain eased in the knee.": ("authord2004", "authorg2007"),
        "Later trials found less.": (),
    }


def test_a_plain_digit_range_after_a_comma_cites_every_reference_in_it():
    assert _cited("Benefits were seen in adults,2-5 while children differed.") == {
        "Benefits were seen in adults, while children differed.": (
            "authorb2002",
            "authorc2003",
            "authord2004",
            "authore2005",
        )
    }


def test_plain_digits_right_after_a_word_cite_when_the_list_has_that_number():
    assert _cited("The effect3 was large.") == {"The effect was large.": ("authorc2003",)}


def test_a_list_after_a_figure_number_is_two_markers_not_a_decimal():
    assert _cited("It is shown in Figure 2.5,8") == {
        "It is shown in Figure 2.": ("authore2005", "authorh2008")
    }


def test_a_plain_digit_after_a_closing_quotation_mark_cites():
    assert _cited('Trigger points are "knots"4 in muscle.') == {
        'Trigger points are "knots" in muscle.': ("authord2004",)
    }


def test_et_al_followed_by_a_plain_digit_cites():
    assert _cited("Smith et al.6 found the same.") == {
        "Smith et al. found the same.": ("authorf2006",)
    }


@pytest.mark.parametrize(
    "text",
    [
        "The dose was 2.5 mg twice a day.",
        "The difference was significant (p<0.05).",
        "Rates fell in 2019. Then they rose.",
        "We saw n = 12. Nothing else.",
        "See Figure 2. It shows the trend.",
        "Results in version 2.5 were clear.",
        "Over 1,000 patients took part.",
        "COVID-19 patients were excluded.",
        "Read vol.3 of the series and ch.4 of the book.",
        "Genes with log2 fold changes in covid19 patients.",
        "Heterogeneity was low (I2 of 41.2%, CO2 levels normal).",
        "Most patients.9 Too far: the list has eight.",
        "Doses of 5mg and 10mg were given to 3 patients.",
        "See www.example.org/page3 and https://example.org/a,4 for more.",
        "Steps: 1. rest, 2. ice.",
        "The ratio was 3:1, and 2.5-8 mg was given.",
        'Patients rated it "5" on the scale.',
    ],
)
def test_numbers_that_are_not_flattened_superscripts_are_left_alone(text):
    assert [m for m in find_markers(text, plain_limit=8) if m.style == "plain"] == []
    linked = link_markers(text, REFS)
    assert linked.keys == [] and linked.unlinked == []


def test_without_a_reference_list_plain_digits_are_never_markers():
    assert find_markers("Massage relieved pain in most patients.3 Later.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Heterogeneity was moderate, with an I² of 41.2%.",
        "The model explained much of it (R² = 0.8, r² = 0.6).",
        "A χ² test was used.",
        "Heterogeneity was moderate, with an I<sup>2</sup> of 41.2%.",
        "An area of 20 m² and 10⁶ cells.",
    ],
)
def test_a_superscript_after_a_statistic_symbol_or_unit_is_not_a_marker(text):
    assert find_markers(text, plain_limit=8) == []
    assert link_markers(text, REFS).keys == []


def test_a_superscript_after_a_word_still_cites():
    assert link_markers("Trigger points hurt².", REFS).keys == ["ref2"]
