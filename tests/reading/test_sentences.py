"""Sentence splitting for evidence: abbreviations, decimals and "et al." must not cut
a finding in two, or the sentence shown to an editor loses its half that matters."""

from __future__ import annotations

import pytest

from citeaudit.reading.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Smith et al. reported a 2.5-fold increase (p < 0.05). The effect held.",
            ["Smith et al. reported a 2.5-fold increase (p < 0.05).", "The effect held."],
        ),
        (
            "Pain fell in 80.5% of cases, e.g. in adults. Fig. 2 shows it.",
            ["Pain fell in 80.5% of cases, e.g. in adults.", "Fig. 2 shows it."],
        ),
        (
            "Trigger points were found in approx. 30% of patients. Treatment helped.",
            ["Trigger points were found in approx. 30% of patients.", "Treatment helped."],
        ),
        (
            "Doses were ca. 5 mg (cf. Table 2). Effects vs. placebo were small.",
            ["Doses were ca. 5 mg (cf. Table 2).", "Effects vs. placebo were small."],
        ),
        (
            "Values were 3.5 ± 1.2 vs. 4.1 ± 0.9 mm. No difference was found.",
            ["Values were 3.5 ± 1.2 vs. 4.1 ± 0.9 mm.", "No difference was found."],
        ),
        (
            "The U.S. Food and Drug Administration approved it in Jan. 2020. It works.",
            ["The U.S. Food and Drug Administration approved it in Jan. 2020.", "It works."],
        ),
        (
            "Tribes radiated within LT. Among the drawbacks of mtDNA is this. It was the U.S. Army.",
            [
                "Tribes radiated within LT.",
                "Among the drawbacks of mtDNA is this.",
                "It was the U.S. Army.",
            ],
        ),
        (
            "It was moved into *S*. *lividans* 1326 by conjugation (Lee et al., 2008). It grew.",
            [
                "It was moved into *S*. *lividans* 1326 by conjugation (Lee et al., 2008).",
                "It grew.",
            ],
        ),
        (
            "The medium held 11.2 mM MgCl2 . 6H2O and 2 mM KCl (Bruns et al., 2002). It grew.",
            ["The medium held 11.2 mM MgCl2 . 6H2O and 2 mM KCl (Bruns et al., 2002).", "It grew."],
        ),
        (  # PeerJ sets "e.g." and "i.e." in italics, the full stop outside
            "They eat pulmonates *i.e*., slugs (You, 2015). Some (*e.g*. [Lee, 2018](#e1)) do not.",
            [
                "They eat pulmonates *i.e*., slugs (You, 2015).",
                "Some (*e.g*. [Lee, 2018](#e1)) do not.",
            ],
        ),
        (
            "Reptiles, *e.g*. cobras (Wallach, 2009). It grew.",
            ["Reptiles, *e.g*. cobras (Wallach, 2009).", "It grew."],
        ),
        (  # a new name's "sp. nov." or "stat. nov.", in bold, ends no sentence
            "Groups of *Eberhardtia* **stat. nov.** (*e.g*., Che et al., 2010). It is new.",
            ["Groups of *Eberhardtia* **stat. nov.** (*e.g*., Che et al., 2010).", "It is new."],
        ),
        (  # "c." for circa before a number ends nothing
            "Antunes *et al.* suggested c. 145-502 thousand years BP for it [28]. It spread.",
            ["Antunes *et al.* suggested c. 145-502 thousand years BP for it [28].", "It spread."],
        ),
        (  # a version number after a product's name ends nothing
            "Reads were edited in Lasergene. v7.1 (DNASTAR) and MEGA 7 (Kumar, 2016). It ran.",
            ["Reads were edited in Lasergene. v7.1 (DNASTAR) and MEGA 7 (Kumar, 2016).", "It ran."],
        ),
        (  # a botanical authority's full stop before a bracketed figure ends nothing
            "Bees visited *Camelina sativa* L. Crantz. (3.1 visits min) [29], but fewer came."
            " It rained.",
            [
                "Bees visited *Camelina sativa* L. Crantz. (3.1 visits min) [29], but fewer came.",
                "It rained.",
            ],
        ),
    ],
)
def test_abbreviations_and_decimals_do_not_end_a_sentence(text, expected):
    assert split_sentences(text) == expected


def test_real_sentence_ends_still_split_and_blank_text_has_none():
    assert split_sentences("It works.  20 patients improved.\n\nNone worsened.") == [
        "It works.",
        "20 patients improved.",
        "None worsened.",
    ]
    assert split_sentences("   \n ") == []


def test_an_inline_enumeration_stays_one_sentence_with_its_marker():
    text = (
        "The trial addresses three gaps: 1) the number of people facing the decision; "
        "2) the need for support; and 3) the need for training [48]. This project will help."
    )
    first, second = split_sentences(text)
    assert first.startswith("The trial addresses") and first.endswith("[48].")
    assert second == "This project will help."


def test_numbered_sentences_after_a_full_stop_are_still_sentences():
    assert split_sentences("We did two things. 1) We measured pain. 2) We asked people.") == [
        "We did two things.",
        "1) We measured pain.",
        "2) We asked people.",
    ]


def test_et_al_inside_emphasis_before_a_linked_year_does_not_end_the_sentence():
    text = (
        "It causes enteritis (De Graaf *et al.*[1999](#a); Brook *et al.*[2008](#b)). It is mild."
    )
    assert split_sentences(text) == [
        "It causes enteritis (De Graaf *et al.*[1999](#a); Brook *et al.*[2008](#b)).",
        "It is mild.",
    ]


def test_a_genus_initial_in_emphasis_does_not_end_a_sentence():
    text = "It cannot tell *C. parvum* from *C. hominis* however, as both are rare. Next one."
    assert split_sentences(text) == [
        "It cannot tell *C. parvum* from *C. hominis* however, as both are rare.",
        "Next one.",
    ]


def test_an_unpublished_source_after_emphasised_et_al_stays_in_the_sentence():
    text = (
        "Incidence rose later ([Olsson *et al.*, 2008](#e15); Namatovu, F. *et al.*, "
        "unpublished data). After both peaks it fell."
    )
    assert split_sentences(text) == [
        "Incidence rose later ([Olsson *et al.*, 2008](#e15); Namatovu, F. *et al.*, "
        "unpublished data).",
        "After both peaks it fell.",
    ]


def test_a_sentence_does_not_end_at_an_abbreviation_inside_brackets_or_a_species_abbreviation():
    assert split_sentences("Fuels (urea, glycine, etc.) will be used. Acids play roles.") == [
        "Fuels (urea, glycine, etc.) will be used.",
        "Acids play roles.",
    ]
    assert split_sentences(
        "It was called Neotyphodium spp. (vertical transmission) (Leuchtmann et al. 2014). Next."
    ) == [
        "It was called Neotyphodium spp. (vertical transmission) (Leuchtmann et al. 2014).",
        "Next.",
    ]


def test_a_numbers_full_stop_followed_by_a_marker_and_a_capital_ends_the_sentence():
    """pysbd keeps "SHELXL-2013.[14] Hydrogen" together (a number's full stop reads as
    part of it); the marker after the stop and the capital after it end the sentence."""
    assert split_sentences(
        "The structures were refined using SHELXL-2013.[14] Hydrogen atoms were placed."
    ) == ["The structures were refined using SHELXL-2013.[14]", "Hydrogen atoms were placed."]
    assert split_sentences("The values were 3.[4] and up.") == ["The values were 3.[4] and up."]


def test_an_abbreviated_name_before_a_lower_case_word_ends_no_sentence():
    """A taxon's authority ("*Agathis* Salisb.") is an abbreviation the splitter does not
    know; the lower-case word after it continues the sentence. A sentence may still start
    with a lower-case name ("mRNA levels rose.")."""
    assert split_sentences(
        "Modern trees, especially the genus *Agathis* Salisb. are highly resinous [34]. "
        "We lived in Paris. mRNA levels rose."
    ) == [
        "Modern trees, especially the genus *Agathis* Salisb. are highly resinous [34].",
        "We lived in Paris.",
        "mRNA levels rose.",
    ]
