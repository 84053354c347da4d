"""Parsing the article's reference list: fields exactly as the article wrote them."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.reading.article import read_article
from citeaudit.reading.references import looks_like_reference, parse_reference

SEED = Path(__file__).resolve().parents[2] / "articles" / "back-muscle-pain.md"


@pytest.fixture(scope="module")
def seed_refs():
    return {r.key: r for r in read_article(SEED).references}


def test_seed_has_six_references_with_readable_keys(seed_refs):
    assert list(seed_refs) == [
        "simons1999", "cummings2001", "hong1994", "shah2008", "gerwin2005", "borgstein2002",
    ]  # fmt: skip


def test_book_reference_keeps_edition_volume_place_and_publisher(seed_refs):
    book = seed_refs["simons1999"]
    assert book.kind == "book"
    assert book.authors == ["Simons, D. G.", "Travell, J. G.", "Simons, L. S."]
    assert book.title == "Myofascial Pain and Dysfunction: The Trigger Point Manual"
    assert (book.edition, book.volume) == ("2nd", "1")
    assert (book.place, book.publisher) == ("Baltimore, MD", "Lippincott Williams & Wilkins")


@pytest.mark.parametrize(
    ("key", "authors", "year", "container", "volume", "issue", "pages"),
    [
        ("cummings2001", ["Cummings, T. M.", "White, A. R."], 2001,
         "Archives of Physical Medicine and Rehabilitation", "82", "7", "986-992"),
        ("hong1994", ["Hong, C. Z."], 1994,
         "American Journal of Physical Medicine & Rehabilitation", "73", "4", "256-263"),
        ("shah2008", ["Shah, J. P.", "Gilliams, E. A."], 2008,
         "Journal of Bodywork and Movement Therapies", "12", "4", "371-384"),
        ("gerwin2005", ["Gerwin, R. D."], 2005, "Acupuncture in Medicine", "23", "3", "121-134"),
        ("borgstein2002", ["Borg-Stein, J.", "Simons, D. G."], 2002,
         "Archives of Physical Medicine and Rehabilitation", "83", None, "S40-S47"),
    ],
)  # fmt: skip
def test_journal_references_are_parsed_field_for_field(
    seed_refs, key, authors, year, container, volume, issue, pages
):
    ref = seed_refs[key]
    assert (ref.authors, ref.year, ref.container, ref.volume, ref.issue, ref.pages) == (
        authors, year, container, volume, issue, pages,
    )  # fmt: skip
    assert ref.kind == "article" and ref.doi is None


def test_each_reference_carries_the_articles_description_of_it(seed_refs):
    assert seed_refs["hong1994"].description.startswith(
        "This study discusses the role of trigger point"
    )
    assert seed_refs["hong1994"].description_line == seed_refs["hong1994"].line + 1


def test_titles_are_kept_as_written_including_dashes(seed_refs):
    assert seed_refs["gerwin2005"].title == (
        "A review of myofascial pain and fibromyalgia—factors that promote their persistence"
    )


def test_vancouver_reference_with_nlm_abbreviation_is_parsed():
    ref = parse_reference(
        "Hong CZ. Lidocaine injection versus dry needling to myofascial trigger point. "
        "Am J Phys Med Rehabil. 1994 Jul-Aug;73(4):256-63. doi: 10.1097/00002060-199407000-00006. "
        "PMID: 8043247.",
        line_number=3,
    )
    assert ref.authors == ["Hong, CZ"]
    assert ref.year == 1994
    assert (ref.container, ref.volume, ref.issue, ref.pages) == (
        "Am J Phys Med Rehabil",
        "73",
        "4",
        "256-63",
    )
    assert ref.doi == "10.1097/00002060-199407000-00006"
    assert ref.pmid == "8043247"


def test_identifiers_are_found_anywhere_in_the_reference():
    ref = parse_reference(
        "Smith, J. (2020). Book title. London: Press. ISBN 978-0-306-40615-7 https://doi.org/10.1000/XYZ123.",
        line_number=1,
    )
    assert ref.isbn == "9780306406157"
    assert ref.doi == "10.1000/xyz123"


STYLE_CASES = [
    # (style, reference string, authors, year, title, container, volume, issue, pages)
    ("APA 7", "Messeder, S. J., Chetty, M., Thomson, M. C., & Currie, G. P. (2018). The changing "
     "vista of pleural effusion management: Indwelling pleural catheters (IPC). International "
     "Journal of Clinical Practice, 72(4), e13076. https://doi.org/10.1111/ijcp.13076",
     ["Messeder, S. J.", "Chetty, M.", "Thomson, M. C.", "Currie, G. P."], 2018,
     "The changing vista of pleural effusion management: Indwelling pleural catheters (IPC)",
     "International Journal of Clinical Practice", "72", "4", "e13076"),
    ("Vancouver (NLM)", "1. Messeder SJ, Chetty M, Thomson MC, Currie GP. The changing vista of "
     "pleural effusion management: Indwelling pleural catheters (IPC). Int J Clin Pract. "
     "2018 Apr;72(4):e13076. doi: 10.1111/ijcp.13076. PMID: 29569806.",
     ["Messeder, SJ", "Chetty, M", "Thomson, MC", "Currie, GP"], 2018,
     "The changing vista of pleural effusion management: Indwelling pleural catheters (IPC)",
     "Int J Clin Pract", "72", "4", "e13076"),
    ("AMA", "12.Pascal L, Memarzadeh M, Boettiger C, et al. A Shiny r app to solve the problem of "
     "when to stop managing or surveying species under imperfect detection. Methods Ecol Evol. "
     "2020;11(12):1707-1715. doi:10.1111/2041-210x.13501",
     ["Pascal, L", "Memarzadeh, M", "Boettiger, C"], 2020,
     "A Shiny r app to solve the problem of when to stop managing or surveying species under "
     "imperfect detection", "Methods Ecol Evol", "11", "12", "1707-1715"),
    ("Harvard", "Lieber, R.L. et al. (1997) ‘Growth hormone secretagogue increases muscle "
     "strength during remobilization after canine hindlimb immobilization’, Journal of "
     "Orthopaedic Research, 15(4), pp. 519–527. doi:10.1002/jor.1100150407.",
     ["Lieber, R.L."], 1997, "Growth hormone secretagogue increases muscle strength during "
     "remobilization after canine hindlimb immobilization", "Journal of Orthopaedic Research",
     "15", "4", "519-527"),
    ("Chicago author-date", "Cummings, T. M., and A. R. White. 2001. “Needling Therapies in the "
     "Management of Myofascial Trigger Point Pain: A Systematic Review”. Archives of Physical "
     "Medicine and Rehabilitation 82 (7): 986–92.",
     ["Cummings, T. M.", "White, A. R."], 2001, "Needling Therapies in the Management of "
     "Myofascial Trigger Point Pain: A Systematic Review",
     "Archives of Physical Medicine and Rehabilitation", "82", "7", "986-92"),
    ("IEEE", "[3] C. Z. Hong, “Lidocaine injection versus dry needling to myofascial trigger "
     "point”, Am. J. Phys. Med. Rehabil., vol. 73, no. 4, pp. 256–263, Jul. 1994.",
     ["Hong, C. Z."], 1994, "Lidocaine injection versus dry needling to myofascial trigger point",
     "Am. J. Phys. Med. Rehabil", "73", "4", "256-263"),
    ("Vancouver with a supplement", "Borg-Stein J, Simons DG. Focused review: myofascial pain. "
     "Arch Phys Med Rehabil. 2002 Mar;83(3 Suppl 1):S40-7, S48-9.",
     ["Borg-Stein, J", "Simons, DG"], 2002, "Focused review: myofascial pain",
     "Arch Phys Med Rehabil", "83", "3 Suppl 1", "S40-7"),
    ("Vancouver, abbreviation with full stops", "Makris EA, Hu JC, Athanasiou KA. Developing "
     "functional musculoskeletal tissues. Proc. Natl. Acad. Sci. U. S. A. 2014;111(45):E4832-41.",
     ["Makris, EA", "Hu, JC", "Athanasiou, KA"], 2014,
     "Developing functional musculoskeletal tissues", "Proc. Natl. Acad. Sci. U. S. A", "111",
     "45", "E4832-41"),
]  # fmt: skip


@pytest.mark.parametrize("case", STYLE_CASES, ids=[c[0] for c in STYLE_CASES])
def test_each_citation_style_is_parsed_field_for_field(case):
    _, text, authors, year, title, container, volume, issue, pages = case
    ref = parse_reference(text, line_number=1)
    assert (ref.authors, ref.year, ref.title) == (authors, year, title)
    assert (ref.container, ref.volume, ref.issue, ref.pages) == (container, volume, issue, pages)


def test_numbered_lists_keep_their_numbers():
    assert parse_reference("[12] C. Z. Hong, “Title here”, J, vol. 1, 1994.", 1).number == 12
    assert parse_reference("7. Hong CZ. Title here. J Abbr. 1994;1:2-3.", 1).number == 7


@pytest.mark.parametrize(
    ("text", "kind", "title", "container", "edition", "place", "publisher", "pages"),
    [
        ("Hepher, B. (1988). Nutrition of Pond Fishes (1st ed.). Cambridge University Press.",
         "book", "Nutrition of Pond Fishes", None, "1st", None, "Cambridge University Press", None),
        ("3. Hepher B. Nutrition of Pond Fishes. 2nd ed. Cambridge: Cambridge University Press; 1988.",
         "book", "Nutrition of Pond Fishes", None, "2nd", "Cambridge", "Cambridge University Press", None),
        ("Panigrahi, S., & Vakati, S. (2015). Quality improvement of poultry feed. In Next "
         "Generation DNA Led Technologies (pp. 135–140). Springer Singapore.",
         "book", "Quality improvement of poultry feed", "Next Generation DNA Led Technologies",
         None, None, "Springer Singapore", "135-140"),
        ("3. Panigrahi S, Vakati S. Quality improvement of poultry feed. In: Next Generation DNA "
         "Led Technologies. Singapore: Springer Singapore; 2015. p. 135–40.",
         "book", "Quality improvement of poultry feed", "Next Generation DNA Led Technologies",
         None, "Singapore", "Springer Singapore", "135-40"),
    ],
)  # fmt: skip
def test_books_and_chapters_keep_edition_place_publisher_and_pages(
    text, kind, title, container, edition, place, publisher, pages
):
    ref = parse_reference(text, line_number=1)
    assert (ref.kind, ref.title, ref.container) == (kind, title, container)
    assert (ref.edition, ref.place, ref.publisher, ref.pages) == (edition, place, publisher, pages)


@pytest.mark.parametrize(
    ("text", "doi", "pmid", "isbn"),
    [
        ("Hong CZ. Title. J. 1994;1:2. https://pubmed.ncbi.nlm.nih.gov/8043247/", None, "8043247", None),
        ("Hong CZ. Title. J. 1994;1:2. DOI: 10.1097/00002060-199407000-00006.",
         "10.1097/00002060-199407000-00006", None, None),
        ("Hong CZ. Title. J. 1994;1:2. https://dx.doi.org/10.1097%2F00002060-199407000-00006",
         "10.1097/00002060-199407000-00006", None, None),
        ("Smith J. A book. London: Press; 2020. ISBN-13: 978-0-306-40615-7.", None, None, "9780306406157"),
        ("Smith J. A book. London: Press; 2020. ISBN 0-306-40615-2", None, None, "0306406152"),
    ],
)  # fmt: skip
def test_identifiers_in_every_spelling_are_found_and_normalised(text, doi, pmid, isbn):
    ref = parse_reference(text, line_number=1)
    assert (ref.doi, ref.pmid, ref.isbn) == (doi, pmid, isbn)
    assert "doi" not in (ref.title or "").lower() and "pubmed" not in (ref.container or "")


def test_an_author_named_like_an_access_note_is_still_an_author():
    """ "[cited 2021 Jan 5]" and "Accessed March 3, 2020" are dropped as access notes, but
    a surname such as Cited or Viewed is not one (found by hypothesis)."""
    ref = parse_reference("Cited, A. (1900). Aaa aaa. Journal of Studies, 12(3), 45-67.", 1)
    assert (ref.year, ref.first_author_surname, ref.container) == (
        1900,
        "Cited",
        "Journal of Studies",
    )
    noted = parse_reference(
        "Smith, J. (2019). Back pain. Spine, 3(2), 1-9. Accessed March 3, 2020.", 1
    )
    assert (noted.year, noted.container, noted.volume) == (2019, "Spine", "3")


# MLA (9th edition) entries, written for these tests in the shape MLA prescribes.
MLA_ARTICLE = (
    'Cummings, T. Michael, and Adrian R. White. "Needling Therapies in the Management of '
    'Myofascial Trigger Point Pain: A Systematic Review." Archives of Physical Medicine and '
    "Rehabilitation, vol. 82, no. 7, 2001, pp. 986-92."
)
MLA_BOOK = (
    "Simons, David G., et al. Myofascial Pain and Dysfunction: The Trigger Point Manual. "
    "2nd ed., Williams & Wilkins, 1999."
)


def test_an_mla_journal_entry_is_parsed_field_for_field():
    assert looks_like_reference(MLA_ARTICLE)
    ref = parse_reference(MLA_ARTICLE, line_number=1)
    assert ref.authors == ["Cummings, T. Michael", "White, Adrian R."]
    assert ref.title == (
        "Needling Therapies in the Management of Myofascial Trigger Point Pain: A Systematic Review"
    )
    assert ref.container == "Archives of Physical Medicine and Rehabilitation"
    assert (ref.year, ref.volume, ref.issue, ref.pages) == (2001, "82", "7", "986-92")


def test_an_mla_book_entry_is_parsed_with_its_publisher():
    assert looks_like_reference(MLA_BOOK)
    ref = parse_reference(MLA_BOOK, line_number=1)
    assert ref.authors == ["Simons, David G."]
    assert ref.title == "Myofascial Pain and Dysfunction: The Trigger Point Manual"
    assert (ref.year, ref.kind, ref.publisher) == (1999, "book", "Williams & Wilkins")


def test_a_sentence_that_starts_like_a_name_is_not_an_mla_entry():
    assert not looks_like_reference("However, Smith found that pain eased in trials from 1994.")


@pytest.mark.parametrize(
    "line",
    [
        "47. Smith E , Haustein S , Mongeon P , Fei S . Knowledge sharing in global health "
        "research. BMC Health Research Policy and Systems In Press",
        "Dienes Z. (in press). How Bayesian statistics are needed. Psychol Conscious.",
    ],
)
def test_a_work_in_press_is_a_reference_though_it_has_no_year(line):
    assert looks_like_reference(line)


def test_a_numbered_note_under_the_references_is_not_one():
    assert not looks_like_reference(
        "5. Citations were normalized using the population of WoS articles and reviews."
    )
