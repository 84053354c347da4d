"""The reference benchmark stays runnable and its injected errors are what they claim."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import references as bench  # benchmarks/references.py

ITEM = {
    "id": "10.1097/00002060-199407000-00006",
    "type": "article-journal",
    "title": "Lidocaine injection versus dry needling to myofascial trigger point",
    "author": [{"family": "Hong", "given": "Chang-Zern"}, {"family": "Simons", "given": "David"}],
    "issued": {"date-parts": [[1994]]},
    "container-title": "American Journal of Physical Medicine & Rehabilitation",
    "container-title-short": "Am J Phys Med Rehabil",
    "volume": "73",
    "issue": "4",
    "page": "256-263",
    "DOI": "10.1097/00002060-199407000-00006",
}


@pytest.mark.parametrize("style", list(bench.STYLES))
def test_each_csl_style_renders_the_record_with_its_fields(style):
    text = bench.render(ITEM, style, number=3, with_doi=False)
    assert "Hong" in text and "1994" in text and "73" in text
    assert "10.1097" not in text
    assert text.startswith(("3. ", "[3] ")) == (style in bench.NUMBERED)


def test_vancouver_pages_are_nlm_abbreviated():
    assert bench.nlm_pages("1707-1715") == "1707-15"
    assert bench.nlm_pages("256-263") == "256-63"
    assert bench.nlm_pages("e13076") == "e13076"


@pytest.mark.parametrize("error", ["year", "volume", "issue", "pages", "title", "doi_typo"])
def test_injected_errors_change_exactly_their_field(error):
    wrong = bench.inject(
        ITEM, error, random.Random(1), [ITEM, {**ITEM, "title": "Other words entirely here"}]
    )
    changed = {k for k in ITEM if ITEM[k] != wrong[k]}
    field = {"year": "issued", "pages": "page", "doi_typo": "DOI"}.get(error, error)
    assert changed == {field}
    if error == "year":
        assert abs(wrong["issued"]["date-parts"][0][0] - 1994) >= 2


def test_a_missing_author_leaves_the_first_in_place():
    wrong = bench.inject(ITEM, "author_missing", random.Random(1), [ITEM])
    assert [a["family"] for a in wrong["author"]] == ["Hong"]


def test_the_benchmark_runs_end_to_end_and_prints_one_json_object_last(capsys):
    assert bench.main(["--limit", "2", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    for key in (
        "match_f1",
        "match_precision",
        "match_recall",
        "field_error_f1",
        "false_broken",
        "references",
    ):
        assert key in result
    assert result["references"] > 20
    assert result["errors"]["fabricated"]["n"] >= 10
