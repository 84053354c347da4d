"""Abstract markup (Crossref JATS, Europe PMC HTML) to the plain text claims are judged on."""

from __future__ import annotations

from citeaudit.registries.abstracts import markup_to_text
from citeaudit.registries.works import crossref_work


def test_jats_tags_go_and_headings_with_them_but_the_text_stays_whole():
    markup = (
        "<jats:sec><jats:title>Abstract</jats:title><jats:sec><jats:title>Background</jats:title>"
        "<jats:p>Pain fell at 10<jats:sup>5</jats:sup> cells (p&lt;0.05) &amp; more.</jats:p>"
        "</jats:sec><jats:sec><jats:title>Methods</jats:title><jats:p>We used "
        "<jats:italic>in vivo</jats:italic> microdialysis.</jats:p></jats:sec></jats:sec>"
    )
    assert markup_to_text(markup) == (
        "Pain fell at 10^5 cells (p<0.05) & more. We used in vivo microdialysis."
    )


def test_a_stray_angle_bracket_does_not_swallow_the_text_after_it():
    assert markup_to_text("<p>Risk was lower (p<0.05) in the treated group.</p>") == (
        "Risk was lower (p<0.05) in the treated group."
    )


def test_scripts_never_become_evidence_and_empty_markup_is_no_text():
    assert markup_to_text("<h4>BACKGROUND</h4>Common.<script>alert(1)</script><br/>Rare.") == (
        "Common. Rare."
    )
    assert markup_to_text("<p>  </p>") is None
    assert markup_to_text(None) is None


def test_crossref_abstracts_reach_the_judge_as_plain_text():
    work = crossref_work(
        {
            "DOI": "10.1/x",
            "title": ["T"],
            "abstract": "<jats:p>Needling <jats:bold>helped</jats:bold>.</jats:p>",
        }
    )
    assert (work.abstract, work.abstract_source) == ("Needling helped.", "crossref")
