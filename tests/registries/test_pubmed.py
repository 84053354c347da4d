"""Retraction from more than one source: PubMed's "Retracted Publication" reaches the
report when Crossref and OpenAlex say nothing.

The real client (requests) asks the local registry server, whose `/pubmed/esummary.fcgi`
answers with the esummary of PMID 9500320 (Wakefield et al., Lancet 1998, retracted)
recorded by the R package "retraction" (choxos/retraction; tests/fixtures/PROVENANCE.md).
To make the retraction PubMed-only, each test gives the server a **constructed** Crossref
record of that article without its `updated-by` (a registry that has not caught up), and
OpenAlex has no record of it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from citeaudit.config import DEFAULT_PUBMED_URL, Settings
from citeaudit.models import Reference
from citeaudit.reading.references import parse_reference
from citeaudit.registries.bulk import BulkRegistries
from citeaudit.registries.cache import SourceCache
from citeaudit.registries.pubmed import PubMedClient, pubmed_notices
from citeaudit.verification.lookup import Registries, resolve_reference
from citeaudit.verification.reference_check import check_reference
from cli_run import citeaudit
from registry_server import RegistryServer

WAKEFIELD_DOI = "10.1016/s0140-6736(97)11096-0"
WAKEFIELD = (
    "Wakefield, A. J., Murch, S. H., Anthony, A., Linnell, J., Casson, D. M., Malik, M., "
    "Berelowitz, M., Dhillon, A. P., Thomson, M. A., Harvey, P., Valentine, A., Davies, S. E., "
    "& Walker-Smith, J. A. (1998). Ileal-lymphoid-nodular hyperplasia, non-specific colitis, "
    "and pervasive developmental disorder in children. Lancet, 351(9103), 637-641. "
    "https://doi.org/10.1016/S0140-6736(97)11096-0. PMID: 9500320"
)
# Constructed, not recorded: the article's Crossref record as it would read without the
# retraction notices (names and pages from PubMed's recorded summary).
CROSSREF_WITHOUT_NOTICE = {
    "DOI": "10.1016/S0140-6736(97)11096-0",
    "type": "journal-article",
    "title": [
        "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
        "developmental disorder in children"
    ],
    "author": [
        {"family": family, "given": given}
        for family, given in (
            ("Wakefield", "A.J."),
            ("Murch", "S.H."),
            ("Anthony", "A."),
            ("Linnell", "J."),
            ("Casson", "D.M."),
            ("Malik", "M."),
            ("Berelowitz", "M."),
            ("Dhillon", "A.P."),
            ("Thomson", "M.A."),
            ("Harvey", "P."),
            ("Valentine", "A."),
            ("Davies", "S.E."),
            ("Walker-Smith", "J.A."),
        )
    ],
    "container-title": ["The Lancet"],
    "short-container-title": ["The Lancet"],
    "volume": "351",
    "issue": "9103",
    "page": "637-641",
    "issued": {"date-parts": [[1998, 2]]},
    "published-print": {"date-parts": [[1998, 2]]},
}


def _ref(text: str, key: str = "wakefield1998") -> Reference:
    ref = parse_reference(text, line_number=1)
    ref.key = key
    return ref


@pytest.fixture
def with_pubmed(settings: Settings, registry: RegistryServer) -> Settings:
    registry.add_crossref_work(CROSSREF_WITHOUT_NOTICE)
    return replace(settings, pubmed_url=registry.pubmed_url)


def test_pubmeds_retraction_links_become_notices_with_their_dois() -> None:
    with RegistryServer() as registry:
        answer = PubMedClient(Settings(pubmed_url=registry.pubmed_url, timeout=5)).summary(
            "9500320"
        )
    notices = pubmed_notices(answer.record)
    assert [(n["type"], n["doi"], n["pmid"]) for n in notices] == [
        ("retraction", "10.1016/s0140-6736(04)15715-2", "15016483"),
        ("retraction", "10.1016/s0140-6736(10)60175-4", "20137807"),
        ("expression_of_concern", "10.1097/meg.0b013e328349d184", "21971344"),
    ]


def test_a_retraction_only_pubmed_knows_is_reported(with_pubmed: Settings) -> None:
    ref = _ref(WAKEFIELD)
    assert ref.pmid == "9500320"
    snapshot = resolve_reference(ref, Registries(with_pubmed))
    check = check_reference(ref, snapshot)
    assert snapshot["answers"]["crossref"]["status"] == "found"
    assert snapshot["answers"]["pubmed"]["status"] == "found"
    assert (check.match, check.retraction) == ("matched", "retracted")
    assert {n["source"] for n in check.notices} == {"pubmed"}
    assert any("retraction (notice 10.1016/s0140-6736(10)60175-4" in p for p in check.problems)


def test_without_pubmed_the_same_reference_has_only_crossrefs_word(
    settings: Settings, registry: RegistryServer
) -> None:
    registry.add_crossref_work(CROSSREF_WITHOUT_NOTICE)
    ref = _ref(WAKEFIELD)
    check = check_reference(ref, resolve_reference(ref, Registries(settings)))
    assert (check.match, check.retraction) == ("matched", "none")


def test_pubmed_down_costs_nothing_but_its_own_word(
    with_pubmed: Settings, registry: RegistryServer
) -> None:
    """A fault is noted; the match and Crossref's standing stand (never `broken`)."""
    registry.add_fault("/pubmed/", status=503)
    ref = _ref(WAKEFIELD)
    snapshot = resolve_reference(ref, Registries(with_pubmed))
    check = check_reference(ref, snapshot)
    assert (check.doi_status, check.match, check.retraction) == ("resolves", "matched", "none")
    assert any("no answer from PubMed" in n for n in snapshot["match_notes"])


def test_a_pmid_pubmed_has_no_summary_for_adds_nothing(with_pubmed: Settings) -> None:
    ref = _ref(WAKEFIELD.replace("PMID: 9500320", "PMID: 1"))
    snapshot = resolve_reference(ref, Registries(with_pubmed))
    assert snapshot["answers"]["pubmed"]["status"] == "not_found"
    assert check_reference(ref, snapshot).retraction == "none"


def test_a_reference_found_by_search_gets_its_standing_from_the_record_found(
    settings: Settings,
) -> None:
    """No DOI in the article: the Crossref hit it matched carries `updated-by`, so its
    standing is known ("none" here, "retracted" for the constructed retracted work)."""
    clean = _ref(
        "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
        "Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced "
        "collagen cross-linking. Proc Natl Acad Sci U S A, 111(45), E4832-E4841.",
        "makris2014",
    )
    check = check_reference(clean, resolve_reference(clean, Registries(settings)))
    assert (check.match, check.retraction) == ("matched", "corrected")
    lee = _ref(
        "Lee, H. J., Lee, J. K., Lee, H., Carter, J. E., et al. (2012). Human umbilical cord "
        "blood-derived mesenchymal stem cells improve neuropathology and cognitive impairment in "
        "an Alzheimer's disease mouse model through modulation of neuroinflammation. "
        "Neurobiology of Aging, 33(3), 588-602.",
        "lee2012",
    )
    snapshot = resolve_reference(lee, Registries(settings))
    assert "crossref" not in snapshot["answers"]  # found by search alone
    assert check_reference(lee, snapshot).retraction == "none"


def test_the_cli_fails_on_a_pubmed_only_retraction(
    workspace: Path, registry: RegistryServer
) -> None:
    registry.add_crossref_work(CROSSREF_WITHOUT_NOTICE)
    (workspace / "mmr.md").write_text(
        "# An old claim\n\nThe study linked the vaccine to developmental disorders "
        "(Wakefield et al., 1998).\n\n## References\n\n" + WAKEFIELD + "\n",
        encoding="utf-8",
    )
    env = {
        "CITEAUDIT_CROSSREF_URL": registry.crossref_url,
        "CITEAUDIT_OPENALEX_URL": registry.openalex_url,
        "CITEAUDIT_DOI_URL": registry.doi_url,
        "CITEAUDIT_PUBMED_URL": registry.pubmed_url,
        "CITEAUDIT_BACKOFF": "0.01",
    }
    result = citeaudit(workspace, "check", "mmr.md", "--fail-on", "retracted", env=env)
    assert result.returncode == 1, result.stderr
    assert "retracted: [wakefield1998] the cited work is retracted" in result.stderr
    report = json.loads((workspace / "reports" / "mmr.json").read_text(encoding="utf-8"))
    [reference] = report["references"]
    assert reference["retraction"] == "retracted"
    assert {n["source"] for n in reference["notices"]} == {"pubmed"}


def test_pubmed_is_asked_only_when_turned_on() -> None:
    assert Settings.from_env({}).pubmed_url is None
    assert Settings.from_env({"CITEAUDIT_PUBMED_URL": "off"}).pubmed_url is None
    assert Settings.from_env({"CITEAUDIT_PUBMED_URL": "on"}).pubmed_url == DEFAULT_PUBMED_URL
    mirror = "http://127.0.0.1:8080/eutils"
    assert Settings.from_env({"CITEAUDIT_PUBMED_URL": mirror}).pubmed_url == mirror


def test_a_site_run_asks_pubmed_once_per_work_and_remembers_the_answer(
    with_pubmed: Settings, registry: RegistryServer, tmp_path: Path
) -> None:
    """Two articles citing the same work, and a second run: one esummary request."""
    asked_before = len(registry.requests_for("pubmed"))
    cache = SourceCache(str(tmp_path / "cache.sqlite"))
    try:
        for _ in range(2):
            bulk = BulkRegistries(Registries(with_pubmed), with_pubmed, cache)
            for key in ("first", "second"):
                ref = _ref(WAKEFIELD, key)
                assert check_reference(ref, resolve_reference(ref, bulk)).retraction == "retracted"
    finally:
        cache.close()
    assert len(registry.requests_for("pubmed")) - asked_before == 1
