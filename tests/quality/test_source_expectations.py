"""great-expectations checks of the resolved sources, shown in the report they affect.

Every verdict rests on the source snapshots, fresh from the registries or edited by
hand in sources/, so their fields are validated; a failure names the file and the
field, and appears in the report's `validation` list and at the top of the HTML page,
not only in a log.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from citeaudit.quality.expectations import EARLIEST_YEAR, sources_validation, validate_sources
from citeaudit.reporting.html_report import render_html
from citeaudit.reporting.json_report import report_schema
from cli_run import ARTICLE, citeaudit
from report_samples import Page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_sources() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "sources").glob("*.json"))
    }


def test_seed_sources_pass(seed_sources: dict[str, dict[str, Any]]) -> None:
    problems = validate_sources(seed_sources)
    assert set(problems) == set(seed_sources)
    assert not any(problems.values())


def test_each_broken_field_is_named_with_its_file(seed_sources: dict[str, dict[str, Any]]) -> None:
    bad = copy.deepcopy(seed_sources)
    hong = "hong-1994-lidocaine-injection-versus-dry-needling-to"
    shah = "shah-2008-uncovering-the-biochemical-milieu-of-myofascial"
    gerwin = "gerwin-2005-a-review-of-myofascial-pain-and"
    simons = "simons-1999-myofascial-pain-and-dysfunction-the-trigger"
    cummings = "cummings-2001-needling-therapies-in-the-management-of"
    bad[hong].update(doi_status="resolved", doi="doi:10.1097/x y")
    bad[hong]["work"]["year"] = 2994
    bad[shah].update(match="maybe", checked_at="yesterday", schema="citeaudit.source/0")
    bad[shah]["work"]["year"] = "2008"
    bad[gerwin]["work"] = None  # "matched", yet no record
    bad[simons].update(doi_status="resolves", doi=None)
    bad[simons]["work"]["doi"] = None
    bad[cummings]["work"]["doi"] = "not-a-doi"
    bad[simons]["work"]["year"] = EARLIEST_YEAR - 1

    problems = validate_sources(bad, sources_dir="sources")
    assert problems[hong] == [
        f"sources/{hong}.json: doi_status 'resolved' is not one of: resolves, not_found, invalid, unverified",
        f"sources/{hong}.json: DOI 'doi:10.1097/x y' is not a DOI (10.<prefix>/<suffix>)",
        f"sources/{hong}.json: year 2994 is implausible (expected {EARLIEST_YEAR} to "
        + problems[hong][2].rsplit(" to ", 1)[1],
    ]
    assert problems[shah] == [
        f"sources/{shah}.json: schema is 'citeaudit.source/0', expected 'citeaudit.source/1'",
        f"sources/{shah}.json: match 'maybe' is not one of: matched, ambiguous, not_found, unverified",
        f"sources/{shah}.json: the record's year is not a whole number",
        f"sources/{shah}.json: checked_at 'yesterday' is not an ISO date and time",
    ]
    assert problems[gerwin] == [
        f"sources/{gerwin}.json: match is 'matched' but the snapshot holds no record with a title"
    ]
    assert problems[cummings] == [
        f"sources/{cummings}.json: the record's DOI 'not-a-doi' is not a DOI (10.<prefix>/<suffix>)",
    ]
    assert problems[simons] == [
        f"sources/{simons}.json: year {EARLIEST_YEAR - 1} is implausible (expected {EARLIEST_YEAR} to "
        + problems[simons][0].rsplit(" to ", 1)[1],
        f"sources/{simons}.json: doi_status is 'resolves' but the snapshot has no DOI",
    ]
    article = sources_validation(problems, [hong, "cited-but-never-resolved"], name="sources")
    assert not article.success and article.details == problems[hong]


def test_a_bad_snapshot_fails_the_check_in_the_report_not_the_run(workspace: Path) -> None:
    snapshot = workspace / "sources" / "hong-1994-lidocaine-injection-versus-dry-needling-to.json"
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    data["checked_at"] = "last Tuesday"
    snapshot.write_text(json.dumps(data), encoding="utf-8")

    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text("utf-8"))
    jsonschema.validate(report, report_schema())
    (check,) = [v for v in report["validation"] if v["name"] == "sources"]
    assert check == {
        "name": "sources",
        "success": False,
        "details": [
            "sources/hong-1994-lidocaine-injection-versus-dry-needling-to.json: "
            "checked_at 'last Tuesday' is not an ISO date and time"
        ],
    }
    html = render_html(report)
    page = Page(html)
    assert page.find("tr", data_testid="validation", data_success="false")
    headline = html.split('data-testid="headline-more">')[1].split("</p>")[0]
    assert "Input checks failed: sources (see Input checks)." in headline


def test_every_report_lists_the_sources_check(workspace: Path) -> None:
    result = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text("utf-8"))
    names = [v["name"] for v in report["validation"]]
    assert names == ["claims.csv", "sources"]
    assert all(v["success"] for v in report["validation"])
