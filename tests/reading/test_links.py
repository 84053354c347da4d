"""Linked words cite the reference whose DOI, PMID, PMCID or URL the link reaches;
link syntax never reaches the sentences editors read. Made-up articles and pages."""

from __future__ import annotations

import pytest

from citeaudit.reading.article import parse_article
from citeaudit.reading.links import link_identity, unwrap_reference_line

REFERENCES = """References

1. Walker K. Walking for heart health: a review. Heart. 2021;7:1-2. doi:10.1000/abc.123
2. Trial T. A walking trial. Heart. 2020;8:3-4. Available from: https://www.ncbi.nlm.nih.gov/pmc/articles/PMC55555/
3. Third Z. A third trial. Heart. 2019;9:5-6. PMID: 31234567.
4. Pub P. Publisher paper. BMJ. 2018;1:2. https://www.bmj.com/content/361/bmj.k1234
"""


def _article(body: str):
    return parse_article(f"{body}\n\n{REFERENCES}", name="l", path="l.md")


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://doi.org/10.1000/ABC.123", "doi:10.1000/abc.123"),
        ("http://dx.doi.org/10.1000/abc.123", "doi:10.1000/abc.123"),
        ("https://www.doi.org/10.1000%2Fabc.123", "doi:10.1000/abc.123"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1000/abc.123", "doi:10.1000/abc.123"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC55555/", "pmcid:PMC55555"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC55555", "pmcid:PMC55555"),
        ("https://europepmc.org/article/PMC/PMC55555", "pmcid:PMC55555"),
        ("https://pubmed.ncbi.nlm.nih.gov/31234567/", "pmid:31234567"),
        ("http://www.ncbi.nlm.nih.gov/pubmed/31234567", "pmid:31234567"),
        ("https://www.bmj.com/content/361/bmj.k1234/", "url:bmj.com/content/361/bmj.k1234"),
        ("http://bmj.com/content/361/bmj.k1234#abstract", "url:bmj.com/content/361/bmj.k1234"),
        ("#ref4", None),
        ("/shop", None),
        ("mailto:editor@example.org", None),
    ],
)
def test_a_link_is_folded_to_what_it_identifies(url, identity):
    assert link_identity(url) == identity


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            "A [2021 review](https://doi.org/10.1000/ABC.123) found that walking helps.",
            "walker2021",
        ),
        (
            "A [trial](https://pmc.ncbi.nlm.nih.gov/articles/PMC55555) found that walking helps.",
            "trial2020",
        ),
        (
            "A [trial](https://pubmed.ncbi.nlm.nih.gov/31234567/) found that walking helps.",
            "third2019",
        ),
        ("A [paper](http://bmj.com/content/361/bmj.k1234/) found that walking helps.", "pub2018"),
    ],
)
def test_linked_words_cite_the_reference_that_carries_the_same_address(body, key):
    article = _article(body)
    [sentence] = article.sentences
    assert sentence.refs == (key,)
    assert "](" not in sentence.text and "http" not in sentence.text
    assert article.citation_problems == []


def test_a_link_to_a_web_page_no_reference_carries_is_no_citation_and_reads_as_words():
    article = _article("See the [hospital page](https://www.hospital.example/back-pain/) for more.")
    assert [(s.text, s.refs) for s in article.sentences] == [
        ("See the hospital page for more.", ())
    ]
    assert article.citation_problems == []


def test_a_doi_link_no_reference_carries_is_reported():
    article = _article("A [missing paper](https://doi.org/10.9999/zzz) says so.")
    assert article.sentences[0].text == "A missing paper says so."
    assert [p.message for p in article.citation_problems] == [
        "[missing paper](https://doi.org/10.9999/zzz): no reference has DOI 10.9999/zzz"
    ]


def test_a_numbered_link_to_an_anchor_is_a_numbered_marker():
    article = _article("Walking lowers blood pressure.[3](#ref3) Running too.")
    assert [(s.text, s.refs) for s in article.sentences] == [
        ("Walking lowers blood pressure.", ("third2019",)),
        ("Running too.", ()),
    ]


def test_a_reference_entry_wrapped_in_a_link_is_read_from_its_words_and_keeps_its_url():
    text = "Walking helps [1].\n\nReferences\n\n1. [Lee AB, Kim CD. Walking and the heart. BMJ 2011;342:d1234.](https://doi.org/10.1136/bmj.d1234)\n"
    [ref] = parse_article(text, name="w", path="w.md").references
    assert ref.raw == (
        "1. Lee AB, Kim CD. Walking and the heart. BMJ 2011;342:d1234. https://doi.org/10.1136/bmj.d1234"
    )
    assert ref.doi == "10.1136/bmj.d1234"
    assert ref.key == "lee2011"


def test_an_entrys_link_that_repeats_its_doi_is_not_added_twice():
    line = "Hong CZ. Title. 1994;73:256-63. [doi:10.1097/x](https://doi.org/10.1097/x)"
    assert unwrap_reference_line(line) == "Hong CZ. Title. 1994;73:256-63. doi:10.1097/x"
