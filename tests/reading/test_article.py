"""Reading article files: structure with line numbers, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.errors import InputError
from citeaudit.reading.article import parse_article, read_article

SEED = Path(__file__).resolve().parents[2] / "articles" / "back-muscle-pain.md"


def test_seed_sentences_keep_their_file_line_numbers():
    article = read_article(SEED)
    statistic = next(s for s in article.sentences if "80-90%" in s.text)
    assert statistic.line == 2
    assert SEED.read_text(encoding="utf-8").splitlines()[1].startswith("Approximately 80-90%")


def test_reference_section_and_page_furniture_are_not_body_sentences():
    article = read_article(SEED)
    assert not any(s.text.startswith(("Simons, D. G.", "Comments")) for s in article.sentences)
    assert article.references[0].line == 33


def test_wrapped_markdown_paragraphs_join_into_one_sentence(tmp_path: Path):
    path = tmp_path / "wrapped.md"
    path.write_text("# Title\n\nTrigger points are small\nnodules in muscle.\n", encoding="utf-8")
    article = read_article(path)
    assert [s.text for s in article.sentences] == [
        "Title",
        "Trigger points are small nodules in muscle.",
    ]
    assert article.sentences[1].line == 3


def test_article_without_references_section_has_no_references(tmp_path: Path):
    path = tmp_path / "plain.md"
    path.write_text("Massage relieves pain in 90% of people.\n", encoding="utf-8")
    assert read_article(path).references == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"  \n\n", "article is empty"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("latin1.md", "Caf\u00e9 au lait.\nNa\u00efve claim.\n".encode("latin-1"), "not UTF-8"),
        ("article.pdf", b"%PDF-1.4", "unsupported article format '.pdf'"),
    ],
)
def test_bad_article_files_raise_one_line_errors_naming_the_file(
    tmp_path: Path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_article(path)
    assert message in str(error.value) and str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_undecodable_byte_is_reported_with_its_row(tmp_path: Path):
    path = tmp_path / "mixed.md"
    path.write_bytes("First line.\nSecond line.\nCaf\u00e9.\n".encode("latin-1"))
    with pytest.raises(InputError) as error:
        read_article(path)
    assert error.value.row == 3


def test_huge_article_is_refused(tmp_path: Path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"word " * (1_100_000))
    with pytest.raises(InputError, match="over the 5120 KiB limit"):
        read_article(path)


def test_a_works_cited_list_in_mla_style_is_read_under_its_heading():
    text = (
        "# Trigger points and back pain\n\n"
        "Needling eased trigger point pain in a review (Cummings and White).\n\n"
        "## Works Cited\n\n"
        'Cummings, T. Michael, and Adrian R. White. "Needling Therapies in the Management of '
        'Myofascial Trigger Point Pain: A Systematic Review." Archives of Physical Medicine and '
        "Rehabilitation, vol. 82, no. 7, 2001, pp. 986-92.\n"
        'Hong, Chang-Zern. "Lidocaine Injection versus Dry Needling to Myofascial Trigger Point." '
        "American Journal of Physical Medicine & Rehabilitation, vol. 73, no. 4, 1994, pp. 256-63.\n"
    )
    article = parse_article(text, name="mla", path="mla.md")
    assert [r.first_author_surname for r in article.references] == ["Cummings", "Hong"]
    assert [r.line for r in article.references] == [7, 8]
    assert article.references_heading == 5


def test_the_markdown_h1_is_the_articles_title():
    article = parse_article(
        "# Back pain: what helps\n\nMassage relieved pain in a trial [1].\n\nReferences\n\n"
        "1. Smith J. Massage for pain. BMJ. 2001;1:1-2.\n",
        name="t",
        path="t.md",
    )
    assert article.title == "Back pain: what helps"


def test_invisible_characters_before_a_marker_do_not_move_it_to_the_next_sentence():
    """Web pages put a zero-width space (or a word joiner) before each [n]."""
    text = (
        "Massage eased neck pain in a trial.\u200b[1] Needling helped in another.\u2060[2]\n\n"
        "References\n\n"
        "1. Smith J. Massage for neck pain. BMJ. 2001;1:1-2.\n"
        "2. Jones K. Needling for pain. BMJ. 2002;2:3-4.\n"
    )
    article = parse_article(text, name="zw", path="zw.md")
    cited = {s.text: s.refs for s in article.sentences}
    assert cited == {
        "Massage eased neck pain in a trial.": ("smith2001",),
        "Needling helped in another.": ("jones2002",),
    }
    assert not any("\u200b" in s.text or "\u2060" in s.text for s in article.sentences)


def test_no_break_and_thin_spaces_around_markers_read_as_spaces():
    text = (
        "Massage eased neck pain in a trial.\u00a0[1]\u2009Needling helped (Jones,\u202f2002).\n\n"
        "References\n\n"
        "Smith, J. (2001). Massage for neck pain. BMJ, 1, 1-2.\n"
        "Jones, K. (2002). Needling for pain. BMJ, 2, 3-4.\n"
    )
    article = parse_article(text, name="nb", path="nb.md")
    assert [(s.text, s.refs) for s in article.sentences] == [
        ("Massage eased neck pain in a trial.", ("smith2001",)),
        ("Needling helped.", ("jones2002",)),
    ]
    assert article.citation_problems == []


EPIGRAPH_REFERENCES = """References

Dombrowski, L., Harmon, E. and Fox, S. (2016) Social justice-oriented interaction design. \
Proceedings of DIS 2016, 656-671.
"""


def test_a_quotation_set_apart_cites_the_source_named_on_the_line_below_it():
    article = parse_article(
        "“Design is about change, in the practices and habits it affords.”\n\n"
        "— Dombrowski et al. (2016).\n\nLiving with HIV is complicated.\n\n" + EPIGRAPH_REFERENCES,
        name="e",
        path="e.md",
    )
    quotation, attribution, after = article.sentences
    assert quotation.refs == ("dombrowski2016",)
    assert attribution.refs == ()  # a name and a year: no claim of its own
    assert after.refs == ()


def test_a_dash_line_after_a_sentence_that_is_no_quotation_keeps_its_citation():
    article = parse_article(
        "Design changes practices.\n\n— Dombrowski et al. (2016).\n\n" + EPIGRAPH_REFERENCES,
        name="e",
        path="e.md",
    )
    assert [s.refs for s in article.sentences] == [(), ("dombrowski2016",)]


def test_a_link_whose_address_holds_a_question_mark_does_not_end_its_sentence():
    """trafilatura writes an address with brackets in angle brackets; its "?" is no
    sentence end, and the link's words stay in the sentence."""
    text = (
        "# Duck\n\nIt was also tested in [one early episode](</wiki/MythBusters_(2003_season)"
        "#Does_a_Duck's_Quack_Echo?>) of *MythBusters*.[1] Ducks quack.\n\n## References\n\n"
        '1. "Mythbusters Episode 8". 12 December 2003.\n'
    )
    article = parse_article(text, name="duck", path="duck.md")
    [tested] = [s for s in article.sentences if s.refs]
    assert tested.text.startswith("It was also tested in one early episode of")
    assert tested.refs == (article.references[0].key,)


@pytest.mark.parametrize(
    ("body", "entries"),
    [
        (  # a web page cited by its quoted title and its site
            "Howard the Duck started as a comic character in 1973 [2].",
            "1. Sanderson, Peter (2008). Marvel Chronicle. London: DK. p. 161.\n"
            '2. "Howard the Duck (character)". Grand Comics Database.\n',
        ),
        (  # JATS rendered with no punctuation between fields, a book with no year
            "We followed the method of Tierling et al [2] with changes.",
            "1. Bird AP Wolffe AP Methylation-induced repression Cell 1999 99 451 454\n"
            "2. Tierling S Reither S Walter J Bisulfite sequencing of small DNA/cell samples\n",
        ),
    ],
)
def test_a_numbered_entry_with_no_date_is_still_an_entry_its_marker_cites(
    body: str, entries: str
) -> None:
    text = f"# Page\n\n{body}\n\n## References\n\n{entries}"
    article = parse_article(text, name="page", path="page.md")
    assert len(article.references) == 2
    [citing] = [s for s in article.sentences if s.refs]
    assert citing.refs == (article.references[1].key,)
    assert article.citation_problems == []
