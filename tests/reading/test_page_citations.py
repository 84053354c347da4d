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
    text = html_main_text(PAGE)
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
    assert plain_citations(page).html == page and not plain_citations(page).entries


# A main-text extractor reads a very short page by a cruder fallback; real pages are longer.
_MORE = (
    "<p>Low back pain is common in adults of working age, and most episodes settle within a "
    "few weeks whatever is done. Guidelines ask clinicians to reassure patients, to keep them "
    "active and to avoid imaging unless warning signs are present. The studies below compared "
    "simple treatments that patients can use at home, over periods of two to twelve weeks.</p>"
)


def _cited(page: str) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    article = parse_article(html_main_text(page), name="page", path="page.html")
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    return cited, [ref.key for ref in article.references]


_ENTRIES = "".join(
    f'<li id="R{n}"><a class="back" href="#x{n}">↵</a>{name} A, Lee B. {topic} and pain. '
    f"Pain. {2000 + n};{n}:1-9.</li>"
    for n, (name, topic) in enumerate(
        [
            ("Baker", "Rest"),
            ("Chen", "Heat"),
            ("Dunn", "Ice"),
            ("Ellis", "Yoga"),
            ("Ford", "Tai chi"),
        ],
        start=1,
    )
)


def test_a_bracketed_range_of_two_links_cites_the_entries_between_them_too():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest and heat were compared in several trials [<a id="x1" href="#R1">1</a>]-[<a id="x4"
href="#R4">4</a>]. Tai chi was studied once [<a id="x5" href="#R5">5</a>].</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Rest"] == tuple(keys[:4])  # 2 and 3 have no link of their own
    assert cited["Tai"] == (keys[4],)


def test_a_superscript_bracket_after_a_full_stop_belongs_to_the_sentence_it_closes():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients.<sup><a id="x1" href="#R1">[1]</a></sup> Heat helped
some.<sup><a id="x2" href="#R2">[2]</a></sup><sup><a id="x3" href="#R3">[3]</a></sup> Ice
was tried in a pilot study by one team.<sup><a id="x4" href="#R4">[4]</a></sup></p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Rest"] == (keys[0],)
    assert cited["Heat"] == (keys[1], keys[2])
    assert cited["Ice"] == (keys[3],)


def test_author_year_links_cite_exactly_the_entry_they_point_at_and_keep_their_words():
    entries = (
        '<div class="ref" id="B1">Range F, Horn L. Dogs and wolves. Anim Cogn. 2012;15:1-9.</div>'
        '<div class="ref" id="B2">Range F, Horn L, Huber L. Dogs wait. Anim Cogn. 2012;15:10-19.</div>'
        '<div class="ref" id="B3">Marshall-Pescini S. Dogs watch. Behav Processes. 2014;3:4-5.</div>'
    )
    page = f"""<html><body><article><h1>Dogs</h1>{_MORE}
<p>Dogs wait for a partner (<a href="#B2">Range et al., 2012</a>; <a href="#B3">Marshall-Pescini,
2014</a>). Wolves do not (<a href="#B1">Range et al., 2012</a>).</p>
<h2>References</h2>{entries}</article></body></html>"""
    article = parse_article(html_main_text(page), name="dogs", path="dogs.html")
    keys = [ref.key for ref in article.references]
    by_start = {s.text.split()[0]: s for s in article.sentences if s.refs}
    assert by_start["Dogs"].refs == (keys[1], keys[2])
    assert by_start["Wolves"].refs == (keys[0],)  # names and year alone fit two entries
    assert "Range et al., 2012" in by_start["Dogs"].text


def test_back_links_and_affiliation_numbers_are_not_reference_entries():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p class="authors">Ann Smith<a href="#aff1">1</a></p>
<ol class="affiliations"><li class="aff" id="aff1">Pain Unit, 1620 Tremont St, Boston, MA 02120, USA</li></ol>
<p id="p1">Rest helped most patients.<a id="x1" href="#R1">1</a> Heat helped some.<a id="x2"
href="#R2">2</a> Ice was tried once.<a id="x3" href="#R3">3</a></p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert len(keys) == 5 and not any("Tremont" in k for k in keys)
    assert cited["Rest"] == (keys[0],) and cited["Ice"] == (keys[2],)


def test_a_list_no_in_page_link_points_at_is_found_under_its_heading_and_cleaned():
    entries = "".join(
        f'<li><span class="name">{name} A</span>, Lee B. {topic} and pain. <i>Pain</i> {2000 + n};'
        f'{n}:1-9. <a href="https://doi.org/10.1000/pain.{n}">CrossRef Full Text</a> | '
        f'<a href="https://scholar.example/{n}">Google Scholar</a></li>'
        for n, (name, topic) in enumerate(
            [("Baker", "Rest"), ("Chen", "Heat"), ("Dunn", "Ice"), ("Ellis", "Yoga")], start=1
        )
    )
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients (<a href="https://doi.org/10.1000/pain.1">Baker et al., 2001</a>).
Ice was tried once (<a href="http://dx.doi.org/10.1000/pain.3">Dunn &amp; Lee, 2003</a>).</p>
<section class="references"><h2>Literature Cited</h2><ul class="refs">{entries}</ul></section>
</article></body></html>"""
    text = html_main_text(page)
    assert "3. Dunn A, Lee B. Ice and pain. Pain 2003;3:1-9. doi:10.1000/pain.3" in text
    assert "Google Scholar" not in text
    cited, keys = _cited(page)
    assert cited["Rest"] == (keys[0],) and cited["Ice"] == (keys[2],)


def test_an_xhtml_page_with_an_encoding_declaration_is_read_like_any_other():
    page = f"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients [<a href="#R1">1</a>]. Heat helped some [<a href="#R2">2</a>].
Ice was tried once [<a href="#R3">3</a>].</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Ice"] == (keys[2],)


def test_one_link_for_a_whole_group_cites_every_number_the_group_shows():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Many treatments were compared.<a href="#R2">[2-4]</a> Rest came first.<a href="#R1">[1, 5]</a>
Yoga was last.<a href="#R4">[4]</a></p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Many"] == tuple(keys[1:4])
    assert cited["Rest"] == (keys[0], keys[4])


def test_a_link_on_the_year_alone_keeps_the_year_in_the_sentence_and_cites_its_entry():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped (Baker et al. <a href="#R1">2001</a>; Chen et al. <a href="#R2">2002</a>).
Ice was tried by Dunn et al. (<a href="#R3">2003</a>).</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    by_start = {s.text.split()[0]: s for s in article.sentences if s.refs}
    assert by_start["Rest"].refs == (keys[0], keys[1])
    assert "Chen et al. 2002" in by_start["Rest"].text
    assert by_start["Ice"].refs == (keys[2],)


def test_an_authors_affiliation_number_is_not_read_as_a_citation():
    page = f"""<html><body><article><h1>Back pain</h1>
<p class="authors">Ann Smith<sup><a href="#Aff1">1</a></sup>, Bo Lee<sup><a href="#Aff1">1</a></sup></p>
<p class="aff" id="Aff1">Pain Unit, 1620 Tremont St, Boston, MA 02120, USA</p>{_MORE}
<p>Rest helped most patients [<a href="#R1">1</a>]. Heat helped some [<a href="#R2">2</a>].
Ice was tried once [<a href="#R3">3</a>].</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    assert not [s for s in article.sentences if "Smith" in s.text and s.refs]
    assert len(article.references) == 5


def test_a_web_page_entry_without_a_year_is_still_an_entry_of_the_list():
    entries = _ENTRIES.replace(
        '<li id="R3">',
        '<li id="R3">ICF Browser [<a href="http://apps.who.int/icf/">http://apps.who.int/icf/</a>]</li><li id="R3x">',
    )
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients [<a href="#R1">1</a>]. Heat helped some [<a href="#R2">2</a>].
Function was described with a classification [<a href="#R3">3</a>].</p>
<h2>References</h2><ol>{entries}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Function"] == (keys[2],)
    assert len(keys) == 6


def test_links_to_a_dois_address_that_name_their_entry_by_jats_rid_cite_that_entry():
    entries = "".join(
        f'<li class="ref"><div class="citation" id="ref-{n}">{name} A, Lee B. {2000 + n}. {topic} and'
        f' pain. Pain {n}:1-9. <a href="https://doi.org/10.1000/p.{n}">doi</a></div></li>'
        for n, (name, topic) in enumerate([("Baker", "Rest"), ("Chen", "Heat"), ("Dunn", "Ice")], 1)
    )
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped (<a href="https://doi.org/10.1000/p.1" data-jats-rid="ref-1">Baker &amp; Lee, 2001</a>).
<a href="https://doi.org/10.1000/p.3" data-jats-rid="ref-3">Dunn &amp; Lee (2003)</a> tried ice.
Heat helped some (<a href="https://doi.org/10.1000/p.2" data-jats-rid="ref-2">Chen &amp; Lee, 2002</a>).</p>
<h2>References</h2><ul class="ref-list">{entries}</ul></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Rest"] == (keys[0],)
    assert cited["Dunn"] == (keys[2],)  # a narrative link opening a sentence stays with it
    assert cited["Heat"] == (keys[1],)


def test_a_link_to_the_pages_own_address_and_an_entry_id_is_an_in_page_link():
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients (Baker &amp; Lee, <a href="/article/10.1000/x#R1">2001</a>). Heat
helped some (Chen &amp; Lee, <a href="/article/10.1000/x#R2">2002</a>). Ice was tried once
(Dunn &amp; Lee, <a href="/article/10.1000/x#R3">2003</a>).</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Heat"] == (keys[1],) and cited["Ice"] == (keys[2],)


def test_numbered_notes_beside_an_unlinked_reference_list_are_not_the_list():
    notes = "".join(
        f'<p><a name="{n}"></a><a href="#{n}a">{n}.</a> Baker, 2001, p. {n}.</p>' for n in (1, 2, 3)
    )
    refs = "".join(
        f"<p>{given} {name}, {year}. <em>{topic} and pain</em>. Pain, volume {n}, pp. 1-9.</p>"
        for n, (given, name, year, topic) in enumerate(
            [
                ("Ann", "Baker", 2001, "Rest"),
                ("Bo", "Chen", 2002, "Heat"),
                ("Cy", "Dunn", 2003, "Ice"),
                ("Di", "Ellis", 2004, "Yoga"),
                ("Ed", "Ford", 2005, "Tai chi"),
                ("Flo", "Gray", 2006, "Walking"),
                ("Gus", "Hale", 2007, "Swimming"),
            ],
            start=1,
        )
    )
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p><a name="1a"></a>Rest helped most patients (Baker, 2001; Chen, 2002).[<a href="#1">1</a>] Ice
was tried once (Dunn, 2003).[<a href="#2">2</a>] Walking helped too (Gray, 2006).[<a href="#3">3</a>]</p>
<p><strong>Notes</strong></p>{notes}<p><strong>References</strong></p>{refs}
</article></body></html>"""
    cited, keys = _cited(page)
    assert len(keys) == 7  # the seven references, not the three notes
    assert cited["Rest"] == (keys[0], keys[1])
    # each note cites "Baker, 2001, p. n": its sentence cites Baker too, before its full stop
    assert cited["Ice"] == (keys[2], keys[0]) and cited["Walking"] == (keys[5], keys[0])


def test_a_group_link_naming_every_entry_cites_them_and_its_hover_copy_is_not_text():
    """Taylor & Francis: one link per group whose href names every entry, after the full
    stop, each followed by a hidden "dropDown" holding a copy of the entry."""
    drop = '<span class="dropDown"><b>{n}.</b> A copy of entry {n}. View all references</span>'
    page = f"""<html><body><article><h1>Cathodes</h1>{_MORE}
<p>Layered oxides have a high capacity.<span><a class="dropDownLabel" href="#C1 C2"><sup>1, 2</sup></a>
{drop.format(n=1)}</span> Thus they are used in commercial cells.<span><a href="#C3"><sup>3</sup></a>
{drop.format(n=3)}</span> Cobalt is costly.<span><a href="#C4"><sup>4</sup></a>
{drop.format(n=4)}</span> Figure <a href="#F1">1</a> shows the patterns.</p>
<div class="figure" id="F1">Figure 1. X-ray patterns of the powders calcined in 2015 at 700 C.</div>
<h2>References</h2><ul>
<li id="C1">M. S. Whittingham: Chem. Rev., 2004, 104, 4271-4302.</li>
<li id="C2">J. M. Tarascon and M. Armand: Nature, 2001, 414, 359-367.</li>
<li id="C3">M. Winter and R. J. Brodd: Chem. Rev., 2004, 104, 4245-4270.</li>
<li id="C4">P. G. Bruce, B. Scrosati: Angew. Chem. Int. Ed., 2008, 47, 2930-2946.</li>
</ul></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    assert len(keys) == 4  # the figure is no entry
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    assert set(cited["Layered"]) == {keys[0], keys[1]}
    assert cited["Thus"] == (keys[2],)
    assert not any("copy of entry" in s.text or "View all" in s.text for s in article.sentences)


def test_on_a_page_that_links_its_citations_a_genes_digits_and_exponents_cite_nothing():
    page = f"""<html><body><article><h1>Cichlids</h1>{_MORE}
<p>The markers for <em>enc1</em> and <em>snx3</em> were taken from
<a href="#b1">Li et al. (2007)</a>. The orbital d<sup>2</sup> hybridises
(<a href="#b2">Yang et al., 2012</a>). Other markers followed <a href="#b3">Koch et al. (2007)</a>.</p>
<h2>References</h2><ol>
<li id="b1">Li et al., 2007 C. Li, G. Orti, G. Zhang, G. Lu. A practical approach to phylogenomics. BMC Evol. Biol., 7 (2007), p. 44</li>
<li id="b2">Yang et al., 2012 J. Yang, K. Lee. Gold sheets. Nano Lett., 12 (2012), pp. 1-9</li>
<li id="b3">Koch et al., 2007 M. Koch, N. Ruiz. Primers for fishes. Mol. Ecol., 16 (2007), pp. 5-9</li>
</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    assert [ref.first_author_surname for ref in article.references] == ["Li", "Yang", "Koch"]
    cited = {" ".join(s.text.split()[:2]): s.refs for s in article.sentences if s.refs}
    assert cited["The markers"] == (keys[0],)  # not also entries 1 and 3 for "enc1", "snx3"
    assert cited["The orbital"] == (keys[1],)  # not also entry 2 for the exponent


def test_on_a_linked_page_an_unlinked_author_year_citation_of_an_entry_cites_it_too():
    page = f"""<html><body><article><h1>Sharks</h1>{_MORE}
<p>Fatty acids were extracted as described by Sasser (1990) and
<a href="#b2">Boschker (2004)</a>. The blacknose shark (Bonnaterre, 1788) was aged by
band counts (<a href="#b3">Frazier et al., 2014</a>). Sharks were caught on
longlines (<a href="#b4">Ulrich et al., 2007</a>).</p>
<h2>References</h2><ol>
<li id="b1">Sasser M. Identification of bacteria by gas chromatography of cellular fatty acids. MIDI Technical Note 101. 1990.</li>
<li id="b2">Boschker HTS. Linking microbial community structure and functioning. Mol Microb Ecol Manual. 2004;1:1673-88.</li>
<li id="b3">Frazier BS, Driggers WB. Age and growth of the blacknose shark. Mar Freshw Res. 2014;65:1-9.</li>
<li id="b4">Ulrich GF, Jones CM. Longline surveys of sharks. Fish Bull. 2007;105:1-12.</li>
</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    cited = {s.text.split()[0]: s for s in article.sentences if s.refs}
    assert len(keys) == 4
    assert set(cited["Fatty"].refs) == {keys[0], keys[1]}
    # a species' authority fits no entry: it stays the article's words, and no problem
    assert cited["The"].refs == (keys[2],) and "(Bonnaterre, 1788)" in cited["The"].text
    assert not [p for p in article.citation_problems if "Bonnaterre" in p.marker]


# A Springer-like reference list, linked from the paragraphs of the two tests below.
_PEPTIDASE_REFERENCES = """<h2>References</h2><ol>
<li id="CR1">Ichishima E (1972) Purification of an acid carboxypeptidase. Biochim Biophys Acta 258:274-288</li>
<li id="CR2">Fu J, Li L, Yang XQ (2011) Specificity of carboxypeptidases from Actinomucor. Appl Biochem Biotech 165:1-9</li>
<li id="CR3">Yokoyama S, Oobayashi A, Tanabe O (1974) Production of acid carboxypeptidase. Appl Microbiol 27:953-960</li>
</ol></article></body></html>"""


def test_a_paragraph_written_as_a_div_around_its_figure_keeps_its_words_and_citations():
    page = f"""<html><body><article><h1>Peptidases</h1>{_MORE}
<section><h2>Results</h2>
<div class="Para">The enzyme was stable at pH 7. Unlike the carboxypeptidases of several fungi,
such as <em>Aspergillus</em> (Ichishima <span class="CitationRef"><a href="#CR1">1972</a></span>)
and <em>Penicillium</em> (Yokoyama et al. <span class="CitationRef"><a href="#CR3">1974</a></span>),
its optimum pH was close to 7 (Fu et al. <span class="CitationRef"><a href="#CR2">2011</a></span>).
<figure class="Figure"><div class="MediaObject"><img src="f1.png"></div>
<figcaption><div class="CaptionContent"><p>Effect of pH on activity.</p></div></figcaption></figure>
</div></section>
{_PEPTIDASE_REFERENCES}"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    cited = {s.text.split()[0]: s for s in article.sentences if s.refs}
    assert set(cited["Unlike"].refs) == set(keys)
    assert "such as *Aspergillus*" in cited["Unlike"].text


def test_a_paragraph_div_whose_first_words_are_few_is_still_a_paragraph():
    page = f"""<html><body><article><h1>Peptidases</h1>{_MORE}
<section><h2>Results</h2>
<div class="Para">As shown in <span>Fig. 3</span>a, the optimum pH was 7; unlike the fungal
carboxypeptidases of <em>Aspergillus</em> (Ichishima <span class="CitationRef"><a href="#CR1">1972</a></span>)
and <em>Penicillium</em> (Yokoyama et al. <span class="CitationRef"><a href="#CR3">1974</a></span>),
it resembled that of <em>Actinomucor</em> (Fu et al. <span class="CitationRef"><a href="#CR2">2011</a></span>).
<figure class="Figure"><figcaption><div><p>Effect of pH on activity.</p></div></figcaption></figure>
</div></section>
{_PEPTIDASE_REFERENCES}"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    cited = {s.text.split()[0]: s for s in article.sentences if s.refs}
    assert set(cited["As"].refs) == {ref.key for ref in article.references}


# A page laid out as pubs.acs.org lays out a JACS article: paragraphs are <div>s with
# subscripts, markers are script links naming their entry in `onclick`, works grouped
# under one number are lettered, each entry carries a hidden SciFinder record, and the
# entries' titles are namespaced tags. (Made up for the test; the shapes are ACS's.)
_ACS_PAGE = """<html><body><div class="hlFld-Fulltext">
<h2>Introduction</h2>
<div class="NLM_p">Metal-organic frameworks built from [Cu<sub>2</sub>(COO)<sub>4</sub>] units
store H<sub>2</sub> well.<a href="JavaScript:void(0);" onclick="showRef(event, 'ref1'); return false;">(1)</a>
Longer linkers raise the porosity.<a href="JavaScript:void(0);" onclick="showRef(event, 'cit2b'); return false;">(2b)</a>
But the networks interpenetrate.<a href="JavaScript:void(0);" onclick="showRef(event, 'ref2 ref3'); return false;">(2, 3)</a>
Methyl groups block the windows.<a href="JavaScript:void(0);" onclick="showRef(event, 'cit1b'); return false;">(1b, 3)</a>
Nets were described first in a review.<a href="JavaScript:void(0);" onclick="showRef(event, 'ref3'); return false;">(3)</a></div>
<h2>References</h2>
<ol>
<li id="ref1"><div class="reference"><a href="JavaScript:void(0);" onclick="showRef(event, 'ref1')">1. </a>
<div class="NLM_citation" id="cit1a">(a) Lin, X.; Jia, J. <cas:atitle>Cages of copper</cas:atitle> CrystEngComm 2007, 9, 438-448</div>
<div class="NLM_citation" id="cit1b">(b) Dinca, M.; Long, J. R. Angew. Chem., Int. Ed. 2008, 47, 6766-6779</div>
<div class="casRecord">Hydrogen storage in microporous metal-organic frameworks with exposed metal sites. A review of everything.</div></div></li>
<li id="ref2"><div class="reference"><a href="JavaScript:void(0);" onclick="showRef(event, 'ref2')">2. </a>
<div class="NLM_citation" id="cit2a">(a) Zhao, D.; Yuan, D. Acc. Chem. Res. 2011, 44, 123-133</div>
<div class="NLM_citation" id="cit2b">(b) Lu, W.; Wei, Z. Chem. Soc. Rev. 2014, 43, 5561-5593</div></div></li>
<li id="ref3"><div class="reference"><a href="JavaScript:void(0);" onclick="showRef(event, 'ref3')">3. </a>
<div class="NLM_citation" id="cit3">Okeeffe, M.; Yaghi, O. M. Chem. Rev. 2012, 112, 675-702</div></div></li>
</ol></div></body></html>"""


def test_a_page_with_namespaced_tags_and_paragraph_divs_is_read_whole():
    """trafilatura cannot copy a tag named `cas:atitle` and dropped the whole page; and
    a paragraph <div> with subscripts came out cut at each subscript."""
    article = parse_article(html_main_text(_ACS_PAGE), name="acs", path="acs.html")
    first = next(s for s in article.sentences if s.text.startswith("Metal-organic"))
    assert "[Cu2(COO)4] units store H2 well" in first.text.replace("<sub>", "")
    assert len(article.references) == 3


def test_a_list_holding_a_namespaced_tag_does_not_lose_the_page():
    """trafilatura cannot copy an element named `cas:atitle` inside a list, and gave up
    on the whole page ("no article text found"); such a tag is read as its words."""
    page = """<html><body><article><h1>Frameworks</h1>
<p>Copper frameworks store hydrogen well, as several groups have shown in the last decade.</p>
<ul><li>Cages: <cas:atitle>cages of copper</cas:atitle> hold gas at low pressure in every sample.</li>
<li>Windows: methyl groups block them in the second framework we made for this study.</li></ul>
<p>Both frameworks were made from the same copper salt and were stable in air for weeks.</p>
</article></body></html>"""
    text = html_main_text(page)
    assert "Cages: cages of copper hold gas" in text
    assert "stable in air for weeks" in text


def test_script_links_cite_the_entry_their_onclick_names_and_a_lettered_part_its_entry():
    article = parse_article(html_main_text(_ACS_PAGE), name="acs", path="acs.html")
    keys = [ref.key for ref in article.references]
    cited = {s.text.split()[0]: set(s.refs) for s in article.sentences if s.refs}
    assert cited["Metal-organic"] == {keys[0]}
    assert cited["Longer"] == {keys[1]}  # "(2b)": part b of entry 2
    assert cited["But"] == {keys[1], keys[2]}  # one link for "(2, 3)"
    assert cited["Methyl"] == {keys[0], keys[2]}  # "(1b, 3)"
    assert cited["Nets"] == {keys[2]}


def test_an_entrys_hidden_registry_record_is_not_part_of_the_entry():
    text = html_main_text(_ACS_PAGE)
    assert "A review of everything" not in text
    assert "Lin, X.; Jia, J. Cages of copper" in " ".join(text.split())


def test_an_entry_whose_back_link_points_at_a_short_dated_paragraph_is_still_cited():
    """IOP: each entry links back to its marker ("[2]" to the marker's id), and a short
    paragraph with a year in it reads like an entry; the entry was dropped as one that
    "cites" that paragraph, and the paragraph's marker cited nothing."""

    def entry(n: int, text: str) -> str:
        return (
            f'<li class="indices-list"><a class="indices-id" id="bib{n}" '
            f'href="#fnref-bib{n}">[{n}]</a><div><cite>{text}</cite></div></li>'
        )

    def marker(n: int) -> str:
        return f'<a class="cite" href="#bib{n}" id="fnref-bib{n}">{n}</a>'

    page = (
        "<html><body><article><h1>Plasmonics</h1>"
        f"<p>Gold is used in biosensors [{marker(1)}] and in antennas [{marker(3)}], as a long "
        "run of words in this paragraph says at some length to make it read as prose and "
        "not as a reference entry of the list at the end of the page; it goes on and on "
        "about gold, silver and copper films and their optical constants in the near "
        "infrared, which is where the devices of this paper work best.</p>"
        f"<p>In 2010 gold films were found unstable [{marker(2)}].</p>"
        f"<p>Oxides are stable [{marker(4)}], a finding confirmed many times over in the "
        "years since then by groups working on tin oxide films and on other transparent "
        "conducting oxides, whose losses are smaller than those of the noble metals in "
        "the near infrared, and whose properties can be tuned by their doping.</p>"
        "<h2>References</h2><ul>"
        + entry(1, "Lee A and Park J 2011 J. Phys. 12 1-9")
        + entry(2, "Ito K and Chen L 2003 Appl. Opt. 104 1-9")
        + entry(3, "Ruiz M 2005 Opt. Lett. 30 2-8")
        + entry(4, "Mills K 2008 Nano Lett. 8 3-9")
        + "</ul></article></body></html>"
    )
    article = parse_article(html_main_text(page), name="iop", path="iop.html")
    keys = [ref.key for ref in article.references]
    assert len(keys) == 4
    cited = {s.text.split()[0]: set(s.refs) for s in article.sentences if s.refs}
    assert cited["In"] == {keys[1]}


def test_a_year_suffix_linked_alone_cites_its_own_entry():
    """Springer links each year of "Liu et al. 2004a, b": the "b" cites 2004b."""
    page = f"""<html><body><article><h1>Peptidases</h1>{_MORE}
<p>Several were described (Liu et al. <a href="#CR4">2004a</a>, <a href="#CR5">b</a>;
Fu et al. <a href="#CR2">2011</a>).</p>
<h2>References</h2><ol class="BibliographyWrapper">
<li class="Citation" id="CR2">Fu J, Li L. Peptidase. Food Chem 2011;124:1-9.</li>
<li class="Citation" id="CR4">Liu X, Wang Y. A first enzyme. J Biol Chem 2004;279:100-9.</li>
<li class="Citation" id="CR5">Liu X, Wang Y. A second enzyme. J Biol Chem 2004;279:200-9.</li>
</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="sp", path="sp.html")
    cited = next(s for s in article.sentences if s.text.startswith("Several"))
    assert set(cited.refs) == {ref.key for ref in article.references}


def test_works_lettered_under_one_number_are_that_numbers_entry():
    """Wiley lists the works of entry 2 as items "2a", "2b" after an (empty) item "2":
    the markers count numbers, not items, so "[3]" must still cite the third entry."""

    def item(ident: str, text: str) -> str:
        return (
            f'<li id="bib-{ident}"><span class="bullet">{ident.lstrip("0")}</span>'
            f'<div class="text"><cite>{text}</cite></div></li>'
        )

    def marker(first: str, *numbers: int) -> str:
        return f'<a href="#bib-{first}" class="referenceLink">[{", ".join(map(str, numbers))}]</a>'

    page = (
        "<html><body><article><h1>Gold</h1>"
        f"<p>Gold catalysis has grown fast.{marker('0001', 1, 2)} Silanes transmetalate"
        f" to gold.{marker('0003', 3)} Fluoride is not needed.{marker('0004', 4)}</p>"
        '<h2>References</h2><ul class="references">'
        + item("0001", "S. P. Nolan, Nature 2007, 445, 496-497.")
        + item("0002", " ")
        + item("0002a", "A. La Porta, M. Grzelczak, ChemistryOpen 2014, 3, 146-151;")
        + item("0002b", "M. Joost, A. Amgoune, Angew. Chem. 2013, 52, 7160-7163.")
        + item("0003", "H. Schmidbaur, Gold Bull. 1999, 32, 3-9.")
        + item("0004", "S. E. Denmark, J. Org. Chem. 2003, 68, 5153-5159.")
        + "</ul></article></body></html>"
    )
    article = parse_article(html_main_text(page), name="wiley", path="wiley.html")
    assert len(article.references) == 4
    keys = [ref.key for ref in article.references]
    cited = {s.text.split()[0]: set(s.refs) for s in article.sentences if s.refs}
    assert cited["Gold"] == {keys[0], keys[1]}
    assert cited["Silanes"] == {keys[2]}
    assert "Schmidbaur" in article.references[2].raw
    assert cited["Fluoride"] == {keys[3]}


def test_author_year_words_linked_to_another_years_entry_cite_the_entry_they_name():
    page = """<html><body><article><h1>Dark carbon fixation</h1>
<p>High fixation rates were found in the Baltic Sea
(<a href="#r1">Grote et al., 2008</a>; <a href="#r3">Jost et al., 2008</a>).</p>
<p>Rates peak below the halocline (<a href="#r3">Jost et al., 2010</a>).</p>
<p>Sulfide oxidation was measured (<a href="#r1">Grote et al., 2011</a>).</p>
<p>Chemoautotrophs were counted (<a href="#r4">Labrenz et al., 2007</a>).</p>
<h2>References</h2><ol>
<li id="r1">Grote, J., Jost, G. (2008). Epsilonproteobacteria in redox zones. Appl Environ Microbiol 74, 7546-7551.</li>
<li id="r2">Jost, G., Zubkov, M. V. (2008). High abundance of chemolithoautotrophs. Environ Microbiol 10, 2033-2045.</li>
<li id="r3">Jost, G., Martens, W. (2010). Anaerobic sulfur oxidation in the Baltic. Limnol Oceanogr 55, 1-9.</li>
<li id="r4">Labrenz, M., Jost, G. (2007). Distribution of abundant prokaryotes. Aquat Microb Ecol 46, 177-190.</li>
</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="baltic", path="baltic.html")
    keys = [ref.key for ref in article.references]
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    assert set(cited["High"]) == {keys[0], keys[1]}  # the words' Jost 2008, not the link's 2010
    assert cited["Rates"] == (keys[2],)
    # words that name no other entry (no Grote 2011 is listed): the link's target stands
    assert cited["Sulfide"] == (keys[0],)


def test_a_run_of_database_links_closing_an_entry_is_not_part_of_the_reference():
    entries = "".join(
        f'<li id="b{n}">{n} {text} <a href="#">CrossRef</a>, <a href="#">PubMed</a>, '
        f'<a href="#">CAS</a>, <a href="#">Web of Science® Times Cited: {n}7</a>, '
        f'<a href="#">ADS</a></li>'
        for n, text in enumerate(
            ["S. Iijima, Nature 1991, 354, 56.", "H. Kroto, Nature 1985, 318, 162.",
             "A. Gupta, PubMed searches by clinicians, BMJ 2004, 328, 1.", "K. Lee, Small 2010, 6, 9."],
            start=1,
        )
    )  # fmt: skip
    page = (
        "<html><body><article><h1>Gold</h1><p>Carbon nanotubes<sup>[<a href='#b1'>1</a>]</sup>,"
        " fullerenes<sup>[<a href='#b2'>2</a>]</sup>, searches<sup>[<a href='#b3'>3</a>]</sup>"
        f" and clusters<sup>[<a href='#b4'>4</a>]</sup> were made.</p><h2>References</h2><ol>{entries}"
        "</ol></article></body></html>"
    )
    article = parse_article(html_main_text(page), name="gold", path="gold.html")
    raws = [ref.raw for ref in article.references]
    assert raws[0].endswith("Nature 1991, 354, 56.") and "Times Cited" not in raws[0]
    assert "PubMed searches by clinicians" in raws[2]  # a title's own word stays
    assert not any(word in raw for raw in raws for word in ("CrossRef", "ADS", "CAS"))


def test_an_entry_whose_year_runs_into_the_next_element_is_still_an_entry():
    def entry(n: int, title: str, names: str, year: int) -> str:
        return (
            f'<article id="ref-{n}"><span>{n}</span><cite><a href="/lookup/{n}">{title}</a></cite>'
            f"<div>{names}</div><div><span>Development</span>, <span>12{n}</span>, "
            f"<span>{n}1-{n}9</span>, <span>{year}</span><div>cited 1 time in paper</div></div>"
            "</article>"
        )  # no DOI, and "2001" runs into "cited": "2001cited"

    page = (
        "<html><body><main><h1>Brain rewiring</h1><p>Neuroblasts are specified in turn"
        ' (<a href="#ref-1">Deshpande et al., 2001</a>). The mushroom body has four units'
        ' (<a href="#ref-2">Ito et al., 1997</a>). Lineages wire the brain'
        ' (<a href="#ref-3">Lee et al., 2004</a>).</p><h2>References</h2><section>'
        + entry(1, "Successive specification of neuroblasts", "N Deshpande, R Dittrich", 2001)
        + entry(2, "The mushroom body is a quadruple structure", "K Ito, W Awano", 1997)
        + entry(3, "Lineages and wiring of the fly brain", "T Lee, L Luo", 2004)
        + "</section></main></body></html>"
    )
    article = parse_article(html_main_text(page), name="brain", path="brain.html")
    assert [ref.year for ref in article.references] == [2001, 1997, 2004]
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    assert cited["Neuroblasts"] == (article.references[0].key,)


def test_an_entry_with_a_long_indented_author_list_is_still_an_entry():
    indent = "\n" + " " * 40
    authors = "".join(
        f'{indent}<li><span class="surname">Author{n}</span>  <span>CL</span>, </li>'
        for n in range(60)
    )  # as OUP's pages print it: 60 names, each on an indented line of its own
    long_entry = (
        f'<li><a class="rev-xref-ref" href="#xref-55" id="ref-55">↵</a><div class="cit">'
        f"<ol>{authors}</ol> Plant-symbiotic fungi as chemical engineers. PLoS Genetics"
        " 2013;9:e1003323.</div></li>"
    )
    page = (
        '<html><body><main><h1>Endophytes</h1><p>Alkaloid loci vary (<a href="#ref-55">'
        'Author0 et al. 2013</a>). Niches differ (<a href="#ref-56">Lee et al. 2010</a>).'
        ' Grasses host them (<a href="#ref-57">Ito et al. 2012</a>).</p><h2>References</h2><ol>'
        + long_entry
        + '<li id="ref-56">Lee K. Niches of endophytes. Oecologia 2010;12:1-9.</li>'
        '<li id="ref-57">Ito K. Grasses and their fungi. New Phytol 2012;3:4-5.</li></ol>'
        "</main></body></html>"
    )
    assert len(long_entry) > 3000  # longer than any one entry, until its indentation goes
    article = parse_article(html_main_text(page), name="fungi", path="fungi.html")
    assert len(article.references) == 3
    assert "Plant-symbiotic fungi" in article.references[0].raw


NOTES_PAGE = """<html><body><article><h1>HIV disclosure</h1>
<p>Responses center on criminal and tort law <a name="1a"></a>[<a href="#1">1</a>].
Disclosure and consent is an affirmative defense <a name="2a"></a>[<a href="#2">2</a>].
Platforms shape disclosure <a name="3a"></a>[<a href="#3">3</a>].
Stigma persists (Adam et al., 2014).</p>
<h2>Notes</h2>
<p><a name="1"></a><a href="#1a">1.</a> Fan, 2011, p. 36.</p>
<p><a name="2"></a><a href="#2a">2.</a> See FLA. STAT. ANN. 775.0877 (2017) ("it is an affirmative
defense to a charge of violating this section that the person exposed knew that the offender
was infected, knew that the action being taken could result in transmission of the infection,
and consented to the action voluntarily with that knowledge"); the statute is cited in full
because courts read it narrowly, and several states copied its words into their own laws.</p>
<p><a name="3"></a><a href="#3a">3.</a> Hutson, Taft, Barocas and Levy, 2018, p. 4.</p>
<h2>References</h2>
<p>Barry D. Adam, Richard Elliott and Ken English, 2014. "Impacts of criminalization," Sexuality Research and Social Policy, volume 11, number 1, pp. 39-48.</p>
<p>Philip E. Agre, 1997. "Beyond the mirror world," In: Technology and privacy. Cambridge, Mass.: MIT Press, pp. 29-61.</p>
<p>Mary D. Fan, 2011. "Sex, privacy, and public health in a casual encounters culture," U.C. Davis Law Review, volume 45, pp. 531-596.</p>
<p>Jevan A. Hutson, Jessie G. Taft, Solon Barocas and Karen Levy, 2018. "Debiasing desire," Proceedings of the ACM on Human-Computer Interaction, volume 2, article 73.</p>
</article></body></html>"""


def test_a_numbered_note_that_only_cites_a_work_makes_its_sentence_cite_that_work():
    article = parse_article(html_main_text(NOTES_PAGE), name="hiv", path="hiv.html")
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    by_year = {ref.year: ref.key for ref in article.references}
    assert cited["Responses"] == (by_year[2011],)  # note 1: "Fan, 2011, p. 36."
    assert cited["Platforms"] == (by_year[2018],)  # note 3: four authors and a year
    assert cited["Stigma"] == (by_year[2014],)


def test_a_numbered_note_that_explains_cites_nothing_not_the_list_entry_of_its_number():
    article = parse_article(html_main_text(NOTES_PAGE), name="hiv", path="hiv.html")
    [defence] = [s for s in article.sentences if s.text.startswith("Disclosure")]
    assert defence.refs == ()  # never entry 2 of the list (Agre, 1997)
    assert "[2]" not in defence.text


def test_a_section_under_a_list_of_links_to_the_pages_own_sections_keeps_its_text():
    """Wiley repeats a "jump list" under every section heading; the extractor took the
    section for navigation and dropped it, and its citing sentences with it."""
    jump = (
        '<ol class="jumpList"><li><a href="#top">Top of page</a></li>'
        '<li><a href="#s1">Introduction</a></li><li><a href="#s2">Methods</a></li>'
        '<li><a href="#s3">Conclusions</a></li></ol>'
    )
    texts = [
        ("Introduction", 'Knee pain limits walking in older adults.<a href="#B2">[2]</a>'),
        ("Methods", 'We pooled the trials that compared walking with rest.<a href="#B3">[3]</a>'),
        (
            "Conclusions",
            'Walking relieved knee pain as much as exercise classes did.<a href="#B1">[1]</a>'
            " Both are cheap to offer in primary care.",
        ),
    ]
    sections = "".join(
        f'<div class="section" id="s{n}"><div class="headingCont"><h3>{name}</h3></div>{jump}'
        f'<div class="para"><p>{text}</p></div></div>'
        for n, (name, text) in enumerate(texts, start=1)
    )
    page = (
        f"<html><body><article><h1>Knee pain</h1>{sections}<h2>References</h2><ol>"
        '<li id="B1">Lee AB, Mills K. Walking and knee pain. BMJ. 2011;342:d1234.</li>'
        '<li id="B2">Park J, Ruiz M. Exercise for knee osteoarthritis. Lancet. 2015;12:55-71.</li>'
        '<li id="B3">Ito K, Chen L. Massage in older adults. Pain. 2003;104:1-9.</li>'
        "</ol></article></body></html>"
    )
    text = html_main_text(page)
    assert "Top of page" not in text
    article = parse_article(text, name="knee", path="knee.html")
    cited = {s.text: s.refs for s in article.sentences}
    assert cited["Walking relieved knee pain as much as exercise classes did."] == (
        article.references[0].key,
    )


def test_a_range_whose_dash_is_a_superscript_of_its_own_cites_every_entry_in_it():
    """Europe PMC: "<sup>1</sup><sup>–</sup><sup>4</sup>", only the ends linked; and a
    year's full stop before two markers still ends its sentence."""
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest and heat were compared in several trials.<sup><a id="x1" href="#R1">1</a></sup><sup>–</sup><sup><a
id="x4" href="#R4">4</a></sup> Tai chi was studied from 2004.<sup><a id="x5"
href="#R5">5</a></sup> <sup><a id="x3" href="#R3">3</a></sup> Yoga was not studied.</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited["Rest"] == tuple(keys[:4])
    assert cited["Tai"] == (keys[4], keys[2])
    assert "Yoga" not in cited


def test_a_link_to_the_pages_own_doi_is_no_citation():
    page = f"""<html><head><meta name="citation_doi" content="10.5555/this.article"></head>
<body><article><h1>Back pain</h1><p>doi: <a href="https://doi.org/10.5555/this.article">10.5555/this.article</a></p>{_MORE}
<p>Rest helped most patients.<sup><a id="x1" href="#R1">[1]</a></sup> Heat helped
some.<sup><a id="x2" href="#R2">[2]</a></sup> Ice helped a few.<sup><a id="x3"
href="#R3">[3]</a></sup></p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    assert article.citation_problems == []
    keys = [ref.key for ref in article.references]
    assert [s.refs for s in article.sentences if s.refs] == [(k,) for k in keys[:3]]


def test_an_article_laid_out_in_a_table_cell_keeps_its_paragraphs_and_their_citations():
    """Europe PMC puts the whole article in one layout table cell: the extractor ran the
    abstract, the keywords, a heading and the first paragraph into one line, and the
    first citing sentence was lost in it. A data table inside the cell stays a table."""
    page = f"""<html><body><table width="100%"><tr><td valign="top"><div class="article">
<h1>Back pain</h1><div class="sec"><h3>Conclusions</h3><p>Simple treatments helped.</p></div>
<div class="sec"><strong>Keywords: </strong><span>back pain, rest, heat</span></div>
<div class="sec"><h2>Background</h2><p>Rest helped most patients
[<a id="x1" href="#R1">1</a>]. Heat helped some [<a id="x2" href="#R2">2</a>]. Ice helped
a few [<a id="x3" href="#R3">3</a>].</p>{_MORE}
<table><tr><th>Treatment</th><th>Patients</th></tr><tr><td>Rest</td><td>40</td></tr></table>
</div><h2>References</h2><ol>{_ENTRIES}</ol></div></td></tr></table></body></html>"""
    text = html_main_text(page)
    article = parse_article(text, name="page", path="page.html")
    keys = [ref.key for ref in article.references]
    cited = {s.text: s.refs for s in article.sentences if s.refs}
    assert cited["Rest helped most patients."] == (keys[0],)
    assert cited["Heat helped some."] == (keys[1],)
    assert "| Rest | 40 |" in text


def test_a_short_piece_linking_only_two_works_of_its_list_cites_them():
    """Fewer than three linked works looked like footnotes beside a list, and both
    markers were dropped with no word; links into the list under its heading cite."""
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest helped most patients [<a id="x1" href="#R1">1</a>]. Tai chi was studied once
[<a id="x5" href="#R5">5</a>]. Nothing else was tried.</p>
<h2>References</h2><ol>{_ENTRIES}</ol></article></body></html>"""
    cited, keys = _cited(page)
    assert cited == {"Rest": (keys[0],), "Tai": (keys[4],)}


def _wiki_note(n: int, text: str) -> str:
    return (
        f'<li id="cite_note-{n}"><span class="mw-cite-backlink"><b><a href="#cite_ref-{n}">^</a>'
        f'</b></span> <span class="reference-text">{text}</span></li>'
    )


def _wiki_marker(n: int) -> str:
    return f'<sup id="cite_ref-{n}" class="reference"><a href="#cite_note-{n}">[{n}]</a></sup>'


def test_a_shortened_footnote_cites_the_work_it_names_in_the_sources_list():
    """Wikipedia's shortened footnotes ("Kear 2005, p. 448.") link on to the full work in a
    "Sources" list: the sentence cites that work. Such notes were dropped with their
    markers when short, and read as works of their own (which no registry knows) when
    longer; a note's number may pass the length of the list of works."""
    notes = [
        'Lee, Ann (2011). "Duck calls". <i>Journal of Sound</i>. <b>4</b>: 1–9.',
        '<a href="#CITEREFKear2005">Kear 2005</a>, p.&#160;448.',
        '<a href="#CITEREFThorpe1996">Thorpe 1996</a>, p.&#160;68.',
        '<a href="#CITEREFKear2005">Kear 2005</a>, pp.&#160;622–623, 686–690, and the plates.',
        *(f"Park, Jo ({1990 + n}). <i>Ponds {n}</i>. London: Reed." for n in range(5, 9)),
        '<a href="#CITEREFThorpe1996">Thorpe 1996</a>, p.&#160;70.',
    ]
    sources = (
        '<li><cite id="CITEREFKear2005">Kear, Janet, ed. (2005). <i>Ducks, Geese and Swans</i>. '
        "Oxford: Oxford University Press.</cite></li>"
        '<li><cite id="CITEREFThorpe1996">Thorpe, I. J. (1996). <i>The Origins of Agriculture '
        "in Europe</i>. New York: Routledge.</cite></li>"
    )
    page = f"""<html><body><main><h1>Duck</h1>{_MORE}
<p>Ducks call loudly.{_wiki_marker(1)} Diving ducks make up the tribe Aythyini.{_wiki_marker(2)}
Hunters in Scandinavia ate ducks,{_wiki_marker(3)} and in Egypt.{_wiki_marker(4)} Ponds hold
ducks.{_wiki_marker(5)}{_wiki_marker(6)}{_wiki_marker(7)}{_wiki_marker(8)} Farmers kept
them too.{_wiki_marker(9)}</p>
<h2>References</h2><div class="mw-references-wrap"><ol class="references">
{"".join(_wiki_note(n, text) for n, text in enumerate(notes, start=1))}</ol></div>
<h2>Sources</h2><div class="refbegin"><ul>{sources}</ul></div></main></body></html>"""
    article = parse_article(html_main_text(page), name="duck", path="duck.html")
    by_raw = {ref.raw.split(".", 1)[1].strip()[:10]: ref.key for ref in article.references}
    assert not any(raw.startswith(("Kear 2005", "Thorpe 199")) for raw in by_raw)
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    assert cited["Diving"] == (by_raw["Kear, Jane"],)
    assert set(cited["Hunters"]) == {by_raw["Thorpe, I."], by_raw["Kear, Jane"]}
    assert cited["Farmers"] == (by_raw["Thorpe, I."],)  # note 9; the list has 7 works
    assert article.citation_problems == []


def test_a_dated_footnote_beside_the_reference_list_is_no_work_the_sentence_cites():
    """PeerJ links its footnotes like its references; a note that names a year ("Based on
    a dataset released in 2016") was read as a work of the list."""
    notes = "".join(
        f'<div class="fn article-footnote" id="fn-{n}"><span class="p">{text}</span></div>'
        for n, text in enumerate(
            [
                "Based on a survey released in 2016 (the most recent data available).",
                "DOIs are short, unique identifiers for scholarly papers.",
            ],
            start=1,
        )
    )
    entries = "".join(
        f'<li class="ref" id="ref-{n}">{name} A, Lee B. {topic} and pain. Pain. {2000 + n};'
        f"{n}:1-9.</li>"
        for n, (name, topic) in enumerate(
            [("Baker", "Rest"), ("Chen", "Heat"), ("Dunn", "Ice")], start=1
        )
    )
    page = f"""<html><body><article><h1>Back pain</h1>{_MORE}
<p>Rest is used twice as often as heat<a class="xref xref-fn" href="#fn-1"><sup>1</sup></a>
(<a href="#ref-1">Baker &amp; Lee, 2001</a>). Heat helped some
(<a href="#ref-2">Chen &amp; Lee, 2002</a>). Ice helped a few
(<a href="#ref-3">Dunn &amp; Lee, 2003</a>), as DOIs show<a href="#fn-2"><sup>2</sup></a>.</p>
{notes}<h2>References</h2><ul>{entries}</ul></article></body></html>"""
    article = parse_article(html_main_text(page), name="page", path="page.html")
    assert [ref.year for ref in article.references] == [2001, 2002, 2003]
    cited = {s.text.split()[0]: s.refs for s in article.sentences if s.refs}
    keys = [ref.key for ref in article.references]
    assert cited == {"Rest": (keys[0],), "Heat": (keys[1],), "Ice": (keys[2],)}
