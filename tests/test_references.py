"""Parsing the article's reference list: fields exactly as the article wrote them."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.article import read_article
from citeaudit.references import parse_reference

SEED = Path(__file__).resolve().parent.parent / "articles" / "back-muscle-pain.md"


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
