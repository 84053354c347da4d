"""Comparing cited fields with registry fields: strict on errors, tolerant of style."""

from __future__ import annotations

from citeaudit.models import Reference, Work
from citeaudit.verification.matching import (
    abbreviation_matches,
    accept_candidate,
    compare_fields,
    expand_pages,
    journal_matches,
    pick_candidate,
)


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
    [mismatch] = compare_fields(_ref(authors=["Hong, C. Z.", "Travell, J."]), _work())
    assert mismatch.severity == "error" and "Travell" in mismatch.explanation


def test_misspelled_author_is_a_warning_naming_both_spellings():
    [mismatch] = compare_fields(_ref(authors=["Hung, C. Z."]), _work())
    assert mismatch.severity == "warning"
    assert "'Hung' is spelled 'Hong'" in mismatch.explanation


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


def test_journal_abbreviations_with_full_stops_and_contractions_match():
    pnas = _work(
        container="Proceedings of the National Academy of Sciences of the United States of America"
    )
    assert journal_matches("Proc Natl Acad Sci U S A", pnas)
    assert journal_matches("Proc. Natl. Acad. Sci. U.S.A.", pnas)
    assert journal_matches(
        "Frontiers in Ecol & Environ", _work(container="Frontiers in Ecology and the Environment")
    )
    assert journal_matches(
        "Int J Clin Pract", _work(container="X", container_short=["Int J Clin Pract"])
    )
    assert not journal_matches("Am J Med", _work())


def test_a_journal_that_is_not_the_registrys_is_an_error():
    [mismatch] = compare_fields(
        _ref(container="Journal of Bodywork and Movement Therapies"), _work()
    )
    assert (mismatch.field, mismatch.severity) == ("journal", "error")


def test_author_name_forms_are_style_not_errors():
    work = _work(
        authors=["de Koning, Harry P.", "Müller, Jörg", "Borg-Stein, Joanne", "Ving Ching, Chong"]
    )
    ref = _ref(authors=["de Koning, H. P.", "Muller, J.", "Borg Stein, J.", "Ving Ching, C."])
    assert compare_fields(ref, work) == []
    assert (
        compare_fields(
            _ref(authors=["Koning, HP", "Muller, J"], raw="Koning HP, Muller J, et al."), work
        )
        == []
    )


def test_a_list_cut_short_without_et_al_is_a_warning_naming_who_is_left_out():
    work = _work(authors=["Hong, Chang-Zern", "Simons, David", "Travell, Janet"])
    [mismatch] = compare_fields(_ref(authors=["Hong, C. Z.", "Simons, D."]), work)
    assert mismatch.severity == "warning" and "left out: Travell" in mismatch.explanation
    assert (
        compare_fields(_ref(authors=["Hong, C. Z."], raw="Hong, C. Z., et al. (1994)"), work) == []
    )


def test_a_changed_title_word_is_an_error_and_a_dropped_subtitle_is_not():
    [changed] = compare_fields(
        _ref(title="Procaine injection versus dry needling to myofascial trigger point"), _work()
    )
    assert changed.severity == "error" and "'procaine' for 'lidocaine'" in changed.explanation
    assert (
        compare_fields(
            _ref(title="LIDOCAINE INJECTION VERSUS DRY-NEEDLING TO MYOFASCIAL TRIGGER POINT"),
            _work(),
        )
        == []
    )


def test_a_year_matching_the_online_date_is_not_flagged():
    work = _work(year=1995, years=[1994, 1995])
    assert compare_fields(_ref(year=1994), work) == []


def test_page_ranges_are_compared_by_first_page_then_last():
    assert [m.severity for m in compare_fields(_ref(pages="256-70"), _work())] == ["warning"]
    assert compare_fields(_ref(pages="256"), _work()) == []
    assert compare_fields(_ref(pages="S40-7"), _work(pages="S40-S47")) == []


def test_a_doi_cited_for_another_work_is_an_error_naming_the_right_one():
    [mismatch] = compare_fields(_ref(doi="10.1097/00002060-199407000-00007"), _work())
    assert (mismatch.field, mismatch.registry) == ("doi", "10.1097/00002060-199407000-00006")


def test_wrong_year_is_accepted_only_when_journal_volume_and_pages_vouch_for_the_record():
    assert accept_candidate(_ref(year=1999), _work()).accepted
    bare = _ref(year=1999, container=None, volume=None, issue=None, pages=None,
                title="Lidocaine versus needling")  # fmt: skip
    assert not accept_candidate(bare, _work(title="Lidocaine versus needling")).accepted


def test_a_misspelled_first_author_still_finds_the_work():
    assert accept_candidate(_ref(authors=["Hnog, C. Z."]), _work()).accepted


def test_a_generic_title_needs_more_than_the_title():
    editorial = _work(title="Editorial", authors=["Smith, John"])
    assert not accept_candidate(_ref(title="Editorial", authors=["Jones, A."], container=None,
                                     volume=None, issue=None, pages=None), editorial).accepted  # fmt: skip
    assert accept_candidate(_ref(title="Editorial", authors=["Smith, J."]), editorial).accepted


def test_a_journal_citation_prefers_the_journal_version_over_its_preprint():
    preprint = _work(doi="10.1101/2024.01.01.1", type="posted-content", container=None,
                     publisher="Cold Spring Harbor Laboratory", volume=None, issue=None, pages=None,
                     title="Lidocaine injection versus dry needling to myofascial trigger point")  # fmt: skip
    status, work, _ = pick_candidate(_ref(), [preprint, _work()])
    assert (status, work.doi) == ("matched", "10.1097/00002060-199407000-00006")
