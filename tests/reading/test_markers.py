"""Inline citation markers: found in every common style and linked to the right reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.claims.proposals import propose_claims
from citeaudit.models import CitationProblem, Reference
from citeaudit.reading.article import parse_article, read_article
from citeaudit.reading.linking import link_markers
from citeaudit.reading.markers import find_markers

ARTICLES = Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture(scope="module")
def cited():
    return read_article(ARTICLES / "back-muscle-pain-cited.md")


def test_every_marker_in_the_cited_seed_copy_links_to_its_reference(cited):
    linked = {s.line: s.refs for s in cited.sentences if s.refs}
    assert linked == {
        1: ("simons1999",),  # (Simons et al., 1999)
        3: ("gerwin2005",),  # (Gerwin, 2005)
        6: ("simons1999",),  # [1]: the list is not numbered, so its order counts
        14: ("shah2008", "gerwin2005"),  # (Shah & Gilliams 2008; Gerwin 2005)
        18: ("cummings2001", "hong1994"),  # [2-3]
        19: ("borgstein2002",),  # (Borg-Stein & Simons, 2002)
        21: ("shah2008",),  # superscript ⁴
        22: ("hong1994",),  # [3] after the full stop
        23: ("cummings2001", "gerwin2005"),  # (Cummings & White 2001; Gerwin 2005)
        24: ("hong1994",),  # (Hong, 1994)
    }
    assert cited.citation_problems == []


def test_markers_are_taken_out_of_the_sentences_they_cite_from(cited):
    seed = read_article(ARTICLES / "back-muscle-pain.md")
    assert [s.text for s in cited.sentences] == [s.text for s in seed.sentences]


def test_proposed_claims_carry_the_sources_their_markers_name(cited):
    claims = {c.line: c for c in propose_claims(cited) if c.kind != "source_description"}
    assert claims[14].refs == ["shah2008", "gerwin2005"]
    assert claims[2].refs == [], "the 80-90% claim cites nothing in the copy either"


def _refs(*specs: tuple[str, int, list[str]], numbered: bool = False) -> list[Reference]:
    out = []
    for index, (key, year, authors) in enumerate(specs, start=1):
        ref = Reference(key=key, raw="", line=index, authors=authors, year=year)
        ref.number = index * 10 if numbered else None
        out.append(ref)
    return out


REFS = _refs(
    ("hong1994", 1994, ["Hong, C. Z."]),
    ("simons1999", 1999, ["Simons, D. G.", "Travell, J. G.", "Simons, L. S."]),
    ("simons2002a", 2002, ["Simons, D. G."]),
    ("simons2002b", 2002, ["Simons, D. G."]),
    ("borgstein2002", 2002, ["Borg-Stein, J.", "Simons, D. G."]),
    ("vanderberg2010", 2010, ["van der Berg, A."]),
)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Shown before [1].", ["hong1994"]),
        ("Shown before [2-4].", ["simons1999", "simons2002a", "simons2002b"]),
        ("Shown before [1, 5].", ["hong1994", "borgstein2002"]),
        ("Shown before [^2].", ["simons1999"]),
        ("Shown before [e.g. 2].", ["simons1999"]),
        ("Shown before [see 1, 5].", ["hong1994", "borgstein2002"]),
        ("Shown before [2, this study].", ["simons1999"]),
        # a page's line break inside the brackets
        ("Shown before [ 1].", ["hong1994"]),
        ("Shown before [ 2- 4].", ["simons1999", "simons2002a", "simons2002b"]),
        ("Shown before.¹˒⁵", ["hong1994", "borgstein2002"]),
        ("Shown before<sup>2</sup>.", ["simons1999"]),
        ("Shown before^1^.", ["hong1994"]),
        ("Shown before (Hong, 1994).", ["hong1994"]),
        ("Shown before (Hong 1994, p. 257).", ["hong1994"]),
        ("Shown before (e.g., Hong, 1994; Simons et al., 1999).", ["hong1994", "simons1999"]),
        ("Shown before (Simons, 2002a, 2002b).", ["simons2002a", "simons2002b"]),
        ("Shown before (Borg-Stein & Simons, 2002).", ["borgstein2002"]),
        ("Shown before (Borg-Stein and Simons 2002).", ["borgstein2002"]),
        ("Shown before (van der Berg, 2010).", ["vanderberg2010"]),
        ("Hong (1994) showed it.", ["hong1994"]),
    ],
)
def test_markers_in_each_style_link_to_their_references(text, keys):
    linked = link_markers(text, REFS)
    assert linked.keys == keys
    assert linked.unlinked == []


def test_a_narrative_citation_keeps_the_authors_in_the_sentence():
    assert link_markers("Hong (1994) showed it.", REFS).text == "Hong showed it."


@pytest.mark.parametrize(
    "text",
    [
        "About 80-90% (80-90%) of cases.",
        "Rates rose (since 1994) in most places.",
        "An area of 20 m² and 10⁶ cells.",
    ],
)
def test_numbers_years_and_units_that_are_not_citations_are_left_alone(text):
    assert find_markers(text) == []
    assert link_markers(text, REFS).text == text


def test_a_numbered_list_is_cited_by_its_own_numbers():
    numbered = _refs(("a2000", 2000, ["A, B."]), ("c2001", 2001, ["C, D."]), numbered=True)
    assert link_markers("As shown [20].", numbered).keys == ["c2001"]


def test_a_marker_naming_no_reference_is_reported_not_guessed():
    linked = link_markers("Shown before [7]; also (Hong, 1995) and (Nobody, 2001).", REFS)
    assert linked.keys == []
    reasons = [why for _, why in linked.unlinked]
    assert reasons[0] == "[7]: no reference numbered 7 (the list has 6)"
    assert "Hong is cited for 1994, not 1995" in reasons[1]
    assert "no reference by Nobody" in reasons[2]


def test_same_author_and_year_without_a_suffix_is_ambiguous():
    linked = link_markers("Shown before (Simons, 2002).", REFS)
    assert linked.keys == []
    assert "fits 2 references equally" in linked.unlinked[0][1]


def test_doi_and_pubmed_links_in_the_body_link_to_the_reference_with_that_identifier():
    refs = _refs(("hong1994", 1994, ["Hong, C. Z."]), ("gerwin2005", 2005, ["Gerwin, R. D."]))
    refs[0].doi = "10.1097/00002060-199407000-00006"
    refs[1].pmid = "15965440"
    text = (
        "Injection works [in one trial](https://doi.org/10.1097/00002060-199407000-00006) "
        "and see https://pubmed.ncbi.nlm.nih.gov/15965440/ too."
    )
    linked = link_markers(text, refs)
    assert linked.keys == ["hong1994", "gerwin2005"]
    assert linked.text == "Injection works in one trial and see too."


def test_unlinked_markers_are_listed_on_the_article_with_their_line():
    text = (
        "Pain is common [9].\n\nReferences:\nHong, C. Z. (1994). Title here. Journal, 1(2), 3-4.\n"
    )
    article = parse_article(text, name="x", path="x.md")
    assert article.citation_problems == [
        CitationProblem(1, "[9]", "[9]: no reference numbered 9 (the list has 1)")
    ]


def test_a_number_the_page_links_after_table_or_figure_is_that_table_not_a_reference():
    text = (
        "Terms follow the OMERACT initiative [19] and are presented in Table "
        "[1](http://www.trialsjournal.com/content/15/1/511/table/T1) and Figure [2]. "
        "Grain size came from the Scherrer equation [39] and the Delphi panel [31] "
        "(Additional file [3](http://www.biomedcentral.com/1471-2148/14/70/suppl/S3): Table S1)."
    )
    numbers = [m.numbers for m in find_markers(text)]
    assert numbers == [(19,), (39,), (31,)]


def test_markers_with_no_full_stop_after_them_end_the_sentence_before_an_opening_word():
    """Pages lose the full stop after a marker group: "...of a species [1,2] Under such
    circumstances..." is two sentences, each citing its own works."""
    body = (
        "Sampling only living animals gives a partial view of a species [1,2] Under such"
        " circumstances, museum samples fill the gaps [3]. Samples from zoos [4] Lions"
        " were kept there."
    )
    refs = "\n".join(
        f"{n}. Author{chr(64 + n)} AB. Lion study {n}. BMJ. {2000 + n};{n}:1-2."
        for n in range(1, 5)
    )
    article = parse_article(f"{body}\n\nReferences\n\n{refs}\n", name="a", path="a.md")
    cited = {s.text: s.refs for s in article.sentences}
    assert cited == {
        "Sampling only living animals gives a partial view of a species": (
            "authora2001",
            "authorb2002",
        ),
        "Under such circumstances, museum samples fill the gaps.": ("authorc2003",),
        # a name after a marker is no sentence start: only words that open sentences are
        "Samples from zoos Lions were kept there.": ("authord2004",),
    }


def test_the_brackets_around_a_group_of_linked_markers_leave_no_trace():
    linked = link_markers("Shown in lions [[1](#B1),[5](#B5)], and in tigers.", REFS)
    assert linked.keys == ["hong1994", "borgstein2002"]
    assert linked.text == "Shown in lions, and in tigers."
