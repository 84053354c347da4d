"""Comparing cited fields with registry fields: strict on errors, tolerant of style."""

from __future__ import annotations

from citeaudit.matching import (
    abbreviation_matches,
    compare_fields,
    expand_pages,
    pick_candidate,
)
from citeaudit.models import Reference, Work


def _ref(**fields) -> Reference:
    base = dict(key="k", raw="", line=1, authors=["Hong, C. Z."], year=1994,
                title="Lidocaine injection versus dry needling to myofascial trigger point",
                container="Am J Phys Med Rehabil", volume="73", issue="4", pages="256-63")  # fmt: skip
    base.update(fields)
    return Reference(**base)


def _work(**fields) -> Work:
    base = dict(doi="10.1097/00002060-199407000-00006", authors=["Hong, Chang-Zern"], year=1994,
                title="Lidocaine injection versus dry needling to myofascial trigger point. "
                      "The importance of the local twitch response",
                container="American Journal of Physical Medicine & Rehabilitation",
                volume="73", issue="4", pages="256-263")  # fmt: skip
    base.update(fields)
    return Work(**base)


def test_nlm_abbreviation_matches_full_journal_title():
    assert abbreviation_matches(
        "Am J Phys Med Rehabil", "American Journal of Physical Medicine & Rehabilitation"
    )
    assert abbreviation_matches("Acupunct Med", "Acupuncture in Medicine")
    assert not abbreviation_matches(
        "Am J Med", "American Journal of Physical Medicine & Rehabilitation"
    )


def test_abbreviated_page_ranges_expand():
    assert expand_pages("986-92") == ("986", "992")
    assert expand_pages("S40-7") == ("S40", "S47")
    assert expand_pages("e3811") == ("E3811", "E3811")


def test_a_correct_reference_in_another_style_has_no_errors():
    mismatches = compare_fields(_ref(), _work())
    assert [m for m in mismatches if m.severity != "info"] == []


def test_year_off_by_one_is_information_not_error():
    [mismatch] = compare_fields(_ref(year=1995), _work())
    assert (mismatch.field, mismatch.severity) == ("year", "info")


def test_wrong_year_volume_and_pages_are_errors():
    found = {
        m.field: m.severity
        for m in compare_fields(_ref(year=1999, volume="37", pages="300-310"), _work())
    }
    assert found == {"year": "error", "volume": "error", "pages": "error"}


def test_author_missing_from_registry_is_an_error_naming_them():
    [mismatch] = compare_fields(_ref(authors=["Hung, C. Z."]), _work())
    assert mismatch.severity == "error" and "Hung" in mismatch.explanation


def test_supplement_issue_matches_its_number():
    assert compare_fields(_ref(issue="3 Suppl 1"), _work(issue="3")) == []


def test_unknown_registry_fields_are_not_compared():
    assert compare_fields(_ref(), _work(issue=None, pages=None, volume=None)) == []


def test_near_tie_between_two_works_is_ambiguous_not_a_guess():
    twin = _work(doi="10.9999/twin")
    status, work, _ = pick_candidate(_ref(), [_work(), twin])
    assert (status, work) == ("ambiguous", None)


def test_candidate_with_another_first_author_is_rejected():
    status, work, notes = pick_candidate(_ref(), [_work(authors=["Simons, David"])])
    assert (status, work) == ("not_found", None)
    assert "not among the registry's authors" in notes[0]
