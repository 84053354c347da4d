"""An HTML page keeps its links through extraction, so linked words can cite; what
editors read has no link syntax. The page is made up for the test."""

from __future__ import annotations

from citeaudit.reading.article import parse_article
from citeaudit.reading.inputs import html_main_text

PAGE = """<!doctype html><html><head><title>Walking</title></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop</a></nav>
<article><h1>Walking and the heart</h1>
<p>A <a href="https://doi.org/10.1000/abc.123">2021 review</a> found that walking lowers blood
pressure in most adults. The <a href="https://www.hospital.example/heart/">hospital's heart page</a>
gives advice on starting.</p>
<h2>References</h2>
<ol>
<li><a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC77777/">Lee AB, Kim CD. Walking and the heart.
BMJ 2011;342:d1234.</a></li>
<li>Walker K. Walking for heart health: a review. Heart. 2021;7:1-2.
<a href="https://doi.org/10.1000/abc.123">https://doi.org/10.1000/abc.123</a></li>
</ol></article></body></html>
"""


def test_an_html_pages_links_are_kept_to_cite_and_taken_out_of_its_sentences():
    article = parse_article(html_main_text(PAGE), name="walking", path="walking.html")
    assert [(s.text, s.refs) for s in article.sentences] == [
        ("Walking and the heart", ()),
        ("A 2021 review found that walking lowers blood pressure in most adults.", ("walker2021",)),
        ("The hospital's heart page gives advice on starting.", ()),
    ]
    lee, walker = article.references
    assert lee.raw.startswith("1. Lee AB, Kim CD. Walking and the heart.")
    assert "PMC77777" in lee.raw and "[" not in lee.raw
    assert walker.doi == "10.1000/abc.123"
    assert article.citation_problems == []
