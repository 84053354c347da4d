"""In-page citation links: the page's own statement of what each sentence cites."""

from __future__ import annotations

from citeaudit.reading.article import parse_article
from citeaudit.reading.inputs import html_main_text
from citeaudit.reading.page_citations import plain_citations

PAGE = """<html><body><article>
<h1>Knee pain</h1>
<p>Exercise relieved knee pain in most trials <a href="#B2">2</a>. Walking helped older
adults <a href="#B1">1</a>,<a href="#B3">3</a>. Massage was studied too
(<a href="#B3">Ito et al., 2003</a>).</p>
<h2>References</h2>
<ol>
<li id="B1">Lee AB, Mills K. Walking and knee pain. BMJ. 2011;342:d1234.
 <a href="https://pubmed.ncbi.nlm.nih.gov/1/">PubMed Abstract</a> | <a href="#">Google Scholar</a></li>
<li><span id="B2"></span>Park J, Ruiz M. Exercise for knee osteoarthritis. Lancet. 2015;12(3):55-71.</li>
<li id="B3">Ito K, Chen L. Massage in older adults. Pain. 2003;104:1-9.
 <a href="https://doi.org/10.1016/s0304-3959(03)00001-1">CrossRef Full Text</a></li>
</ol>
</article></body></html>"""


def test_each_cited_entry_becomes_one_plain_numbered_line():
    text = html_main_text(plain_citations(PAGE))
    assert "1. Lee AB, Mills K. Walking and knee pain. BMJ. 2011;342:d1234." in text
    assert "Google Scholar" not in text and "PubMed Abstract" not in text
    assert "doi:10.1016/s0304-3959(03)00001-1" in text  # a DOI given only as a link is kept


def test_numeric_links_cite_the_entries_they_point_at():
    article = parse_article(html_main_text(PAGE), name="knee", path="knee.html")
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    keys = [ref.key for ref in article.references]
    assert cited["Exercise"] == (keys[1],)
    assert set(cited["Walking"]) == {keys[0], keys[2]}
    assert cited["Massage"] == (keys[2],)


def test_a_page_without_in_page_citation_links_is_left_as_it_is():
    page = "<html><body><p>No links here (Lee, 2011).</p></body></html>"
    assert plain_citations(page) == page
