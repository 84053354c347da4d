"""DOIs of another agency checked, not just found: a DataCite DOI gets the same field
checks as a Crossref one, from DataCite's own record.

The real client (requests) asks the local registry server, which answers DataCite's
`GET /dois/{doi}` with bodies recorded by commonmeta-py's test suite (Dryad dataset
10.5061/dryad.8515, Zenodo software 10.5281/zenodo.48440; see
tests/fixtures/PROVENANCE.md), doi.org's "Which RA?" with DataCite for them, and Crossref
with its recorded 404.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from citeaudit.config import Settings
from citeaudit.models import Reference
from citeaudit.reading.references import parse_reference
from citeaudit.registries.datacite import DataCiteClient
from citeaudit.registries.works import datacite_work
from citeaudit.verification.lookup import Registries, resolve_reference
from citeaudit.verification.reference_check import check_reference
from cli_run import citeaudit
from registry_server import RegistryServer

DRYAD = (
    "Ollomo, B., Durand, P., Prugnolle, F., Douzery, E. J. P., Arnathau, C., Nkoghe, D., "
    "Leroy, E., & Renaud, F. ({year}). {title} Dryad. https://doi.org/10.5061/dryad.8515"
)
DRYAD_TITLE = "Data from: A new malaria agent in African hominids."


def _ref(text: str) -> Reference:
    ref = parse_reference(text, line_number=1)
    ref.key = "ollomo2011"
    return ref


@pytest.fixture
def with_datacite(settings: Settings, registry: RegistryServer) -> Settings:
    return replace(settings, datacite_url=registry.datacite_url)


def test_a_datacite_record_is_read_as_a_work_like_any_other() -> None:
    """The normaliser on the recorded record: people as "Family, Given", the year, the
    publisher, and the type citeproc would give it."""
    with RegistryServer() as registry:
        answer = DataCiteClient(
            Settings(datacite_url=registry.datacite_url, timeout=5, retries=0)
        ).work("10.5061/DRYAD.8515")
    work = datacite_work(answer.record)
    assert (work.doi, work.title, work.year, work.publisher, work.type) == (
        "10.5061/dryad.8515", DRYAD_TITLE, 2011, "Dryad", "dataset"
    )  # fmt: skip
    assert work.authors[:2] == ["Ollomo, Benjamin", "Durand, Patrick"] and len(work.authors) == 8


def test_a_datacite_doi_cited_right_is_matched_against_datacites_record(with_datacite) -> None:
    ref = _ref(DRYAD.format(year=2011, title=DRYAD_TITLE))
    snapshot = resolve_reference(ref, Registries(with_datacite))
    assert snapshot["answers"]["crossref"]["status"] == "not_found"
    assert snapshot["answers"]["datacite"]["status"] == "found"
    check = check_reference(ref, snapshot)
    assert (check.doi_status, check.match) == ("resolves", "matched")
    assert [m for m in check.mismatches if m.severity != "info"] == []
    assert snapshot["work"]["publisher"] == "Dryad"


def test_a_wrong_year_on_a_datacite_doi_is_a_mismatch(with_datacite) -> None:
    ref = _ref(DRYAD.format(year=2013, title=DRYAD_TITLE))
    check = check_reference(ref, resolve_reference(ref, Registries(with_datacite)))
    assert check.match == "matched"
    assert [(m.field, m.cited, m.registry, m.severity) for m in check.mismatches] == [
        ("year", "2013", "2011", "error")
    ]


def test_a_datacite_doi_on_another_work_is_not_this_reference(with_datacite) -> None:
    ref = _ref(DRYAD.format(year=2011, title="Sleep duration and low back pain in adolescents."))
    snapshot = resolve_reference(ref, Registries(with_datacite))
    check = check_reference(ref, snapshot)
    assert (check.doi_status, check.match) == ("resolves", "not_found")
    assert any("the DOI resolves to a different work" in n for n in snapshot["match_notes"])


def test_datacite_down_leaves_the_reference_unverified_never_broken(
    with_datacite, registry: RegistryServer
) -> None:
    registry.add_fault("/datacite/", status=503)
    ref = _ref(DRYAD.format(year=2013, title=DRYAD_TITLE))
    check = check_reference(ref, resolve_reference(ref, Registries(with_datacite)))
    assert (check.doi_status, check.match) == ("resolves", "unverified")
    assert check.mismatches == []
    assert any("DataCite, which did not answer" in p for p in check.problems)


def test_a_doi_datacite_does_not_know_stays_unverified_with_the_agency_named(
    with_datacite,
) -> None:
    ref = _ref(
        'Doe, J. (2023). "A preprint on arXiv." arXiv. https://doi.org/10.48550/arXiv.2312.07559'
    )
    snapshot = resolve_reference(ref, Registries(with_datacite))
    assert snapshot["answers"]["datacite"]["status"] == "not_found"
    assert (snapshot["doi_status"], snapshot["match"]) == ("resolves", "unverified")


def test_the_cli_checks_a_datacite_reference_and_names_the_wrong_year(
    workspace: Path, registry: RegistryServer
) -> None:
    article = workspace / "dataset.md"
    article.write_text(
        "# A dataset cited\n\nA new malaria agent was found in African hominids (Ollomo et al., "
        "2013).\n\n## References\n\n" + DRYAD.format(year=2013, title=DRYAD_TITLE) + "\n",
        encoding="utf-8",
    )
    env = {
        "CITEAUDIT_CROSSREF_URL": registry.crossref_url,
        "CITEAUDIT_OPENALEX_URL": registry.openalex_url,
        "CITEAUDIT_DOI_URL": registry.doi_url,
        "CITEAUDIT_DATACITE_URL": registry.datacite_url,
        "CITEAUDIT_BACKOFF": "0.01",
    }
    result = citeaudit(workspace, "check", "dataset.md", "--fail-on", "mismatch", env=env)
    assert result.returncode == 1, result.stderr
    assert "year: cited '2013', registry '2011'" in result.stderr
    report = json.loads((workspace / "reports" / "dataset.json").read_text(encoding="utf-8"))
    [reference] = report["references"]
    assert reference["registry"]["publisher"] == "Dryad"
    assert "2011" in reference["suggestion"]["text"]

    # Unset, DataCite is not asked when the other registries are redirected: as before.
    shutil.rmtree(workspace / "reports")
    unset = {k: v for k, v in env.items() if k != "CITEAUDIT_DATACITE_URL"}
    unset["CITEAUDIT_CACHE"] = "off"  # and no snapshot of the first run: ask again
    asked = len(registry.requests_for("datacite"))
    assert asked > 0
    again = citeaudit(workspace, "check", "dataset.md", "--sources", "fresh", env=unset)
    assert again.returncode == 0, again.stderr
    report = json.loads((workspace / "reports" / "dataset.json").read_text(encoding="utf-8"))
    assert report["references"][0]["match"] == "unverified"
    assert len(registry.requests_for("datacite")) == asked
