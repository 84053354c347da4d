"""Fixes out: a reference that differs from its registry record gets the record back as
a reference in the article's own style, and the resolved references can be taken away
as BibTeX and CSL-JSON.

`recorded.md` (tests/fixtures/bibliographies/, constructed) cites works the local
registry server has recorded records of, with a DOI typo and a wrong year among them.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest

from citeaudit.registries.works import crossref_work
from citeaudit.reporting.json_report import report_schema
from citeaudit.reporting.suggested_fixes import article_style, bibtex, csl_item, csl_json, render
from cli_run import ARTICLE, citeaudit
from registry_server import RegistryServer

BIBLIOGRAPHIES = Path(__file__).resolve().parent.parent / "fixtures" / "bibliographies"


@pytest.fixture
def online(settings) -> dict[str, str]:
    return {
        "CITEAUDIT_CROSSREF_URL": settings.crossref_url,
        "CITEAUDIT_OPENALEX_URL": settings.openalex_url,
        "CITEAUDIT_DOI_URL": settings.doi_url,
        "CITEAUDIT_BACKOFF": "0.01",
    }


@pytest.fixture
def recorded_report(workspace: Path, online: dict[str, str]) -> dict[str, Any]:
    shutil.copy(BIBLIOGRAPHIES / "recorded.md", workspace / "recorded.md")
    result = citeaudit(workspace, "check", "recorded.md", env=online)
    assert result.returncode == 1, result.stderr  # a retracted source and a broken DOI
    return json.loads((workspace / "reports" / "recorded.json").read_text(encoding="utf-8"))


def _parse_bibtex(text: str) -> bibtexparser.Library:
    return bibtexparser.parse_string(text)


def _by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in report["references"]}


def test_a_wrong_doi_and_a_wrong_year_get_the_registry_record_in_the_articles_style(
    recorded_report: dict[str, Any],
) -> None:
    refs = _by_key(recorded_report)
    jsonschema.validate(recorded_report, report_schema())

    typo = refs["ali2017"]["suggestion"]
    assert typo["fields"] == ["doi"]
    assert "https://doi.org/10.7717/peerj.3811" in typo["text"]  # the DOI the search found
    assert "peerj.3812" not in typo["text"]
    year = refs["makris2011"]["suggestion"]
    assert year["fields"] == ["year"]
    assert "(2014)" in year["text"] and "(2011)" not in year["text"]
    # The article writes APA-like entries, "Surname, I. I., ... (Year). Title. Journal"
    assert {typo["style"], year["style"]} == {"apa"} and typo["style_detected"]
    assert year["text"].startswith("Makris, E. A., Responte, D. J., Paschos, N. K.,")
    # As the article has it and as the registry has it: nothing to fix.
    assert "suggestion" not in refs["lee2012"]


def test_a_retracted_source_gets_no_rewritten_reference(recorded_report: dict[str, Any]) -> None:
    """Restyling the entry of a retracted work would not fix what is wrong with it."""
    retracted = _by_key(recorded_report)["testperson2019"]
    assert retracted["retraction"] == "retracted"
    assert "suggestion" not in retracted
    assert retracted["csl"]["DOI"] == "10.5555/citeaudit.2019.0042"


def test_records_built_from_stored_pages_are_never_offered_as_the_registrys_version(
    workspace: Path,
) -> None:
    """Offline, the seed's snapshots come from stored pages, not registry answers: its
    title mismatch is reported, but no "registry version" is made up from them."""
    assert citeaudit(workspace, "check", ARTICLE, "--offline").returncode == 0
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text("utf-8"))
    assert any(r["mismatches"] for r in report["references"])
    assert all("suggestion" not in r and r["csl"] is None for r in report["references"])


def test_the_bibtex_export_of_the_resolved_references_checks_clean(
    recorded_report: dict[str, Any], workspace: Path, online: dict[str, str]
) -> None:
    """What the export holds is the registries' own data: checked again, nothing in it
    differs from the records (the retraction stays, as it should)."""
    exported = workspace / "resolved.bib"
    exported.write_text(bibtex(recorded_report["references"]), encoding="utf-8")
    library = _parse_bibtex(exported.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == [
        "lee2012",
        "testperson2019",
        "ali2017",
        "makris2011",
    ]
    assert library.entries[2]["doi"] == "10.7717/peerj.3811"

    result = citeaudit(workspace, "check", "resolved.bib", env=online)
    report = json.loads((workspace / "reports" / "resolved.json").read_text(encoding="utf-8"))
    assert [(r["doi_status"], r["match"]) for r in report["references"]] == [
        ("resolves", "matched")
    ] * 4
    assert [r["key"] for r in report["references"] if r["mismatches"]] == []
    assert [r["retraction"] for r in report["references"]][1] == "retracted"
    assert result.returncode == 1  # only the retraction fails it

    items = csl_json(recorded_report["references"])
    (workspace / "resolved.json").write_text(json.dumps(items), encoding="utf-8")
    assert citeaudit(workspace, "check", "resolved.json", env=online).returncode == 1
    again = json.loads((workspace / "reports" / "resolved.json").read_text(encoding="utf-8"))
    assert [r["mismatches"] for r in again["references"]] == [[]] * 4


def _works(registry: RegistryServer, dois: list[str]) -> list[dict[str, Any]]:
    return [asdict(crossref_work(registry.crossref_record(doi))) for doi in dois]


def test_the_style_is_the_one_that_reads_like_the_list(registry: RegistryServer) -> None:
    """The same records, written once in Vancouver and once in APA (constructed entries,
    as a numbered medical list and an author-year list would give them), are told apart."""
    lee, makris = _works(
        registry, ["10.1016/j.neurobiolaging.2010.03.024", "10.1073/pnas.1414271111"]
    )
    vancouver = [
        "1. Lee HJ, Lee JK, Lee H, Carter JE, Chang JW, Oh W, et al. Human umbilical cord "
        "blood-derived mesenchymal stem cells improve neuropathology and cognitive impairment "
        "in an Alzheimer's disease mouse model through modulation of neuroinflammation. "
        "Neurobiol Aging 2012;33:588-602.",
        "2. Makris EA, Responte DJ, Paschos NK, Hu JC, Athanasiou KA. Developing functional "
        "musculoskeletal tissues through hypoxia and lysyl oxidase-induced collagen "
        "cross-linking. Proc Natl Acad Sci U S A 2014;111:E4832-41.",
    ]
    apa = [
        "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
        "Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced "
        "collagen cross-linking. Proceedings of the National Academy of Sciences, 111(45), "
        "E4832-E4841.",
    ]
    numbered = article_style(list(zip(vancouver, [lee, makris], strict=True)))
    assert numbered.detected and numbered.name == "vancouver"
    assert article_style(list(zip(apa, [makris], strict=True))).name == "apa"
    # A list like none of the styles (titles only) falls back to APA, and says so.
    bare = article_style([("Developing functional musculoskeletal tissues", makris)])
    assert (bare.name, bare.detected) == ("apa", False)

    text = render(csl_item(makris, "makris"), "vancouver")
    assert text.startswith("Makris EA, Responte DJ, Paschos NK, Hu JC, Athanasiou KA.")
    assert not text.startswith("1.")  # the list's number is the article's, not ours


def test_an_organisation_stays_one_author_in_every_export() -> None:
    record = {
        "title": "Global report on hypertension",
        "authors": ["World Health Organization"],
        "year": 2023,
        "publisher": "WHO",
        "type": "report",
    }
    item = csl_item(record, "who2023")
    assert item["author"] == [{"literal": "World Health Organization"}]
    assert render(item, "apa").startswith("World Health Organization. (2023).")
    exported = _parse_bibtex(bibtex([{"key": "who2023", "csl": item}]))
    assert exported.entries[0]["author"] == "{World Health Organization}"
