"""Resolving references through the real habanero and pyalex clients against the local
registry server, which answers with recorded Crossref/OpenAlex responses."""

from __future__ import annotations

from citeaudit.models import Reference
from citeaudit.reading.references import parse_reference
from citeaudit.verification.lookup import Registries, resolve_reference
from citeaudit.verification.reference_check import check_reference


def _ref(text: str) -> Reference:
    ref = parse_reference(text, line_number=1)
    ref.key = "r1"
    return ref


PNAS = (
    "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
    '"Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced '
    'collagen cross-linking." Proc Natl Acad Sci U S A, 111(45), E4832-E4841. '
    "https://doi.org/10.1073/pnas.1414271111"
)


def test_doi_found_in_crossref_resolves_and_matches_with_openalex_abstract(settings):
    snapshot = resolve_reference(_ref(PNAS), Registries(settings))
    assert snapshot["doi_status"] == "resolves"
    assert snapshot["match"] == "matched"
    assert snapshot["answers"]["crossref"]["status"] == "found"
    assert snapshot["work"]["abstract"], "the abstract comes from Crossref JATS or OpenAlex"
    assert snapshot["work"]["pmid"], "OpenAlex contributes the PMID"
    assert "doi.org" not in snapshot["answers"], "no handle call for a DOI that Crossref has"


def test_correction_notice_is_reported_as_information_not_failure(settings):
    ref = _ref(PNAS)
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert check.retraction == "corrected"
    assert check.notices[0]["doi"] == "10.1073/pnas.1507001112"
    assert check.doi_status == "resolves"


def test_journal_abbreviation_is_not_a_mismatch(settings):
    ref = _ref(PNAS)
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert [m.field for m in check.mismatches if m.severity == "error"] == []


def test_doi_absent_from_crossref_but_registered_elsewhere_resolves(settings, registry):
    ref = _ref(
        'Doe, J. (2023). "A preprint on arXiv." arXiv. https://doi.org/10.48550/arXiv.2312.07559'
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["answers"]["crossref"]["status"] == "not_found"
    assert snapshot["answers"]["doi.org"]["status"] == "found"
    assert snapshot["doi_status"] == "resolves"
    check = check_reference(ref, snapshot)
    assert not any("does not resolve" in p for p in check.problems)


def test_doi_that_resolves_nowhere_is_not_found(settings):
    ref = _ref('Nobody, A. (2012). "Not a real paper." PLoS ONE, 7(3), e1. doi:10.1371/notarealdoi')
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["doi_status"] == "not_found"
    check = check_reference(ref, snapshot)
    assert "DOI 10.1371/notarealdoi does not resolve" in check.problems


def test_malformed_doi_is_invalid_without_asking_a_registry(settings, registry):
    before = len(registry.requests)
    ref = _ref('Nobody, A. (2012). "Title here." Journal, 7(3), 1-2.')
    ref.doi = "10.12/x"
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["doi_status"] == "invalid"
    assert not any("/crossref/works/10.12" in r.path for r in registry.requests[before:])


def test_reference_without_doi_is_matched_by_bibliographic_search(settings):
    ref = _ref(
        "Ali, N. M., Khan, H. A., Then, A. Y.-H., Ving Ching, C., Gaur, M., & Dhillon, S. K. (2017). "
        '"Fish Ontology framework for taxonomy-based fish recognition." PeerJ, 5, e3811.'
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["match"] == "matched"
    assert snapshot["doi"] == "10.7717/peerj.3811"
    assert snapshot["doi_status"] == "resolves"


def test_search_without_an_acceptable_candidate_is_not_found(settings):
    ref = _ref('Fishman, Q. (2016). "Fish counting with sonar in alpine lakes." PeerJ, 4, e1000.')
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["match"] == "not_found"
    assert check_reference(ref, snapshot).problems == ["no registry record matches this reference"]


def test_retracted_work_is_flagged_with_its_notice(settings):
    ref = _ref(
        'Testperson, A., & Example, B. (2019). "Ambient light exposure and circadian enzyme kinetics '
        'in cultured fibroblasts." Journal of Constructed Test Data, 12, 301-309. '
        "doi:10.5555/citeaudit.2019.0042"
    )
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert check.retraction == "retracted"
    assert check.notices[0]["doi"] == "10.5555/notice.retraction"
    assert check.notices[0]["date"] == "2021-03-01"


def test_work_without_abstract_leaves_abstract_empty(settings):
    ref = _ref(
        'Lee, H. J., Lee, J. K., Lee, H., Carter, J. E., et al. (2012). "Human umbilical cord '
        "blood-derived mesenchymal stem cells improve neuropathology and cognitive impairment in an "
        "Alzheimer's disease mouse model through modulation of neuroinflammation.\" Neurobiology of "
        "Aging, 33(3), 588-602. doi:10.1016/j.neurobiolaging.2010.03.024"
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["match"] == "matched"
    assert snapshot["work"]["abstract"] is None


def test_transient_5xx_ends_as_unverified_never_broken(settings, registry):
    registry.add_fault("/crossref/", status=504)
    registry.add_fault("/doi/", status=503)
    registry.add_fault("/openalex/", status=502)
    ref = _ref(PNAS)
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["doi_status"] == "unverified"
    assert snapshot["match"] == "unverified"
    check = check_reference(ref, snapshot)
    assert not any("does not resolve" in p or "no registry record" in p for p in check.problems)


def test_transient_fault_during_search_is_unverified_not_not_found(settings, registry):
    registry.add_fault("/crossref/works?", status=500)
    registry.add_fault("/openalex/", status=503)
    ref = _ref('Fishman, Q. (2016). "Fish counting with sonar in alpine lakes." PeerJ, 4, e1000.')
    assert resolve_reference(ref, Registries(settings))["match"] == "unverified"


def test_one_transient_fault_is_retried_and_the_answer_used(settings, registry):
    registry.add_fault("/crossref/works/10.1073", status=503, times=1)
    snapshot = resolve_reference(_ref(PNAS), Registries(settings))
    assert snapshot["doi_status"] == "resolves"


def test_contact_email_reaches_crossref_in_the_user_agent(settings, registry):
    before = len(registry.requests)
    resolve_reference(_ref(PNAS), Registries(settings))
    crossref = [r for r in registry.requests[before:] if r.path.startswith("/crossref")]
    assert crossref and "editor@example.org" in crossref[0].headers.get("user-agent", "")


FISH = (
    "Ali, N. M., Khan, H. A., Then, A. Y.-H., Ving Ching, C., Gaur, M., & Dhillon, S. K. (2017). "
    '"Fish Ontology framework for taxonomy-based fish recognition." PeerJ, 5, e3811.'
)


def test_doi_with_a_typo_is_broken_but_the_reference_still_finds_its_work(settings):
    ref = _ref(FISH + " https://doi.org/10.7717/peerj.3812")
    snapshot = resolve_reference(ref, Registries(settings))
    assert (snapshot["doi_status"], snapshot["match"]) == ("not_found", "matched")
    assert snapshot["work"]["doi"] == "10.7717/peerj.3811"
    check = check_reference(ref, snapshot)
    [doi] = [m for m in check.mismatches if m.field == "doi"]
    assert (doi.cited, doi.registry, doi.severity) == (
        "10.7717/peerj.3812",
        "10.7717/peerj.3811",
        "error",
    )
    assert "DOI 10.7717/peerj.3812 does not resolve" in check.problems


def test_malformed_doi_is_invalid_and_the_reference_is_still_matched(settings):
    ref = _ref(FISH)
    ref.doi = "10.12/x"
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["doi_status"] == "invalid"
    assert (snapshot["match"], snapshot["work"]["doi"]) == ("matched", "10.7717/peerj.3811")


def test_a_wrong_year_with_everything_else_right_is_matched_and_flagged(settings):
    ref = _ref(FISH.replace("(2017)", "(2014)"))
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert check.match == "matched"
    assert [(m.field, m.severity) for m in check.mismatches if m.severity != "info"] == [
        ("year", "error")
    ]


def test_doi_registered_with_datacite_names_the_agency(settings):
    ref = _ref(
        'Doe, J. (2023). "A preprint on arXiv." arXiv. https://doi.org/10.48550/arXiv.2312.07559'
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["answers"]["doi.org_ra"]["record"][0]["RA"] == "DataCite"
    assert (
        "registered with DataCite, not in Crossref's API (not an error)" in snapshot["match_notes"]
    )


def test_registry_title_marking_a_work_retracted_is_a_retraction(settings):
    ref = _ref(
        'Gastroenterology Research and Practice. (2020). "Retracted: Influence of Gastrectomy on '
        'Cortical and Cancellous Bones in Rats." Gastroenterology Research and Practice, 2020, 1. '
        "https://doi.org/10.1155/2020/5109831"
    )
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert check.retraction == "retracted"
    assert check.notices[0]["source"] == "crossref (title)"


def test_citing_the_retraction_notice_itself_is_reported(settings):
    ref = _ref(
        '(2021). "Retraction notice to: Ambient light exposure and circadian enzyme kinetics in '
        'cultured fibroblasts." Journal of Constructed Test Data, 14. doi:10.5555/notice.retraction'
    )
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert (
        "the DOI cited is a retraction notice for 10.5555/citeaudit.2019.0042, not the work itself"
        in check.problems
    )


def test_a_book_missing_from_the_registries_is_unverified_not_broken(settings):
    ref = _ref(
        "Simons, D. G., Travell, J. G., & Simons, L. S. (1999). Myofascial Pain and Dysfunction: "
        "The Trigger Point Manual. 2nd ed., Vol. 1. Baltimore, MD: Lippincott Williams & Wilkins."
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["match"] == "unverified"
    assert "absence there does not show that the book does not exist" in snapshot["match_notes"][-1]


def test_a_book_found_by_search_keeps_edition_and_publisher_checks(settings):
    ref = _ref("Hepher, B. (1988). Nutrition of Pond Fishes (2nd ed.). Cambridge University Press.")
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert check.match == "matched" and check.doi == "10.1017/cbo9780511735455"
    assert [(m.field, m.severity) for m in check.mismatches] == [("edition", "warning")]


def test_journal_version_is_preferred_over_its_preprint_through_openalex(settings):
    ref = _ref(
        "Herger, M., Kajba, C. M., Buckley, M., Cunha, A., Strom, M., & Findlay, G. M. (2025). "
        "High-throughput screening of human genetic variants by pooled prime editing. "
        "Cell Genomics, 5(1), 100814."
    )
    snapshot = resolve_reference(ref, Registries(settings))
    assert (snapshot["match"], snapshot["doi"]) == ("matched", "10.1016/j.xgen.2025.100814")


def test_standing_is_unknown_until_a_record_of_the_cited_work_is_read(settings, registry):
    """No snapshot, or registries that did not answer: nothing is known about a retraction,
    and the report must not say "no retraction notice" for it."""
    ref = _ref(PNAS)
    assert check_reference(ref, None).retraction == "unknown"
    registry.add_fault("/crossref/", status=503)
    registry.add_fault("/openalex/", status=503)
    registry.add_fault("/doi/", status=503)
    faulted = resolve_reference(ref, Registries(settings))
    assert faulted["match"] == "unverified"
    assert check_reference(ref, faulted).retraction == "unknown"


def test_a_registry_fault_is_no_change_of_standing_but_a_first_retraction_is():
    from citeaudit.pipeline.resolution import source_changes

    ref = _ref(PNAS)
    unread = {"doi_status": "unverified", "match": "unverified", "work": None}
    read = {
        "doi_status": "resolves",
        "match": "matched",
        "work": {"doi": "10.1073/pnas.1414271111", "title": "T", "is_retracted": True},
    }
    assert source_changes(ref, unread, unread) == []
    (change,) = [c for c in source_changes(ref, unread, read) if c.kind == "standing"]
    assert (change.before, change.after) == ("unknown", "retracted")
    assert [c for c in source_changes(ref, read, unread) if c.kind == "standing"] == []


def test_with_crossref_down_a_correction_is_not_hidden_behind_no_notice(settings, registry):
    """OpenAlex knows retractions only; Crossref carries corrections and expressions of
    concern. With Crossref failing, the PNAS paper's correction cannot be seen, so its
    standing is unknown, not "none" (the fault matrix found this)."""
    ref = _ref(PNAS)
    registry.add_fault("/crossref/", status=503)
    snapshot = resolve_reference(ref, Registries(settings))
    assert snapshot["answers"]["openalex"]["status"] == "found"
    assert check_reference(ref, snapshot).retraction == "unknown"
