"""The standard section of a research article each sentence stands in."""

from __future__ import annotations

from citeaudit.claims.sections import section_opened_by, sentence_sections
from citeaudit.reading.article import parse_article

PAPER = """# A trial

Back pain is common in adults.

## Materials and methods

### Sample collection

Samples were stored at -80 degrees.

## Results

Pain fell by half in the treated group.
"""


def test_sentences_take_the_section_of_the_heading_above_them_through_subheadings():
    article = parse_article(PAPER, name="paper", path="paper.md")
    texts = [s.text for s in article.sentences]
    sections = dict(zip(texts, sentence_sections(article), strict=True))
    assert sections["Back pain is common in adults."] is None
    assert sections["Samples were stored at -80 degrees."] == "methods"
    assert sections["Pain fell by half in the treated group."] == "results"


def test_a_web_articles_own_headings_open_no_standard_section():
    assert section_opened_by("What causes back muscle pain") is None
    assert section_opened_by("Statistical analysis") == "methods"
    assert section_opened_by("Discussion and conclusions") == "discussion"
