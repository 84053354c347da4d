"""Bibliography files in: a .bib, a .ris or a CSL-JSON file is checked like an article's
reference list, and gets the same verdicts as the article that lists the same works.

The bibliographies under tests/fixtures/bibliographies/ were written by hand from the
reference lists of the seed article and of `recorded.md` (whose works the local
registry server has recorded records of); they are constructed inputs, not registry
answers. `recorded.*` keep that article's deliberate faults (a DOI with a typo, a wrong
year) and cite a retracted (constructed) work, so the verdicts compared are not all alike.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citeaudit.errors import InputError
from citeaudit.reading.inputs import read_any_article
from cli_run import citeaudit

BIBLIOGRAPHIES = Path(__file__).resolve().parent.parent / "fixtures" / "bibliographies"
FORMATS = ("bib", "ris", "json")


def _verdicts(report_path: Path) -> list[tuple]:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return [
        (
            r["key"],
            r["doi_status"],
            r["match"],
            r["retraction"],
            sorted((m["field"], m["severity"]) for m in r["mismatches"]),
            sorted(r["problems"]),
            (r.get("registry") or {}).get("doi"),
        )
        for r in report["references"]
    ]


def _failures(stderr: str) -> list[str]:
    """Failure lines without their `file:line:` prefix (the files differ)."""
    return sorted(line.split(": ", 1)[1] for line in stderr.splitlines() if ": " in line)


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_bibliography_gets_the_same_reference_verdicts_as_the_article_against_the_registries(
    suffix: str, workspace: Path, settings
) -> None:
    env = {
        "CITEAUDIT_CROSSREF_URL": settings.crossref_url,
        "CITEAUDIT_OPENALEX_URL": settings.openalex_url,
        "CITEAUDIT_DOI_URL": settings.doi_url,
        "CITEAUDIT_BACKOFF": "0.01",
    }
    runs = {}
    for name in ("recorded.md", f"recorded.{suffix}"):
        place = workspace / name.replace(".", "-")
        place.mkdir()
        shutil.copy(BIBLIOGRAPHIES / name, place / name)
        runs[name] = citeaudit(place, "check", name, env=env)
        assert runs[name].returncode == 1, runs[name].stderr  # the retraction, the bad DOI
    article = _verdicts(workspace / "recorded-md" / "reports" / "recorded.json")
    listed = _verdicts(workspace / f"recorded-{suffix}" / "reports" / "recorded.json")
    assert listed == article
    assert [v[3] for v in article] == ["none", "retracted", "none", "corrected"]
    assert [v[4] for v in article][2:] == [[("doi", "error")], [("year", "error")]]
    assert _failures(runs[f"recorded.{suffix}"].stderr) == _failures(runs["recorded.md"].stderr)
    assert f"recorded.{suffix}: 4 references (1 not_found, 3 resolves); no claims" in (
        runs[f"recorded.{suffix}"].stdout
    )


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_seeds_references_as_a_bibliography_get_the_articles_verdicts(
    suffix: str, workspace: Path
) -> None:
    shutil.copy(BIBLIOGRAPHIES / f"back-muscle-pain.{suffix}", workspace / f"seed.{suffix}")
    assert (
        citeaudit(workspace, "check", "articles/back-muscle-pain.md", "--offline").returncode == 0
    )
    article = _verdicts(workspace / "reports" / "back-muscle-pain.json")
    listed_run = citeaudit(workspace, "check", f"seed.{suffix}", "--offline")
    assert listed_run.returncode == 0, listed_run.stderr
    assert _verdicts(workspace / "reports" / "seed.json") == article
    assert [v[2] for v in article].count("matched") == 5


def test_a_bibliography_has_no_claims_even_when_claims_csv_names_an_article_like_it(
    workspace: Path,
) -> None:
    shutil.copy(BIBLIOGRAPHIES / "back-muscle-pain.bib", workspace / "back-muscle-pain.bib")
    result = citeaudit(workspace, "check", "back-muscle-pain.bib", "--offline")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert report["claims"] == []
    assert report["summary"]["references"] == 6


def test_bibtex_names_keep_particles_organisations_and_et_al(tmp_path: Path) -> None:
    path = tmp_path / "names.bib"
    path.write_text(
        "@article{one,\n"
        '  author = {van der Berg, Jan and {World Health Organization} and M{\\"u}ller, K. and others},\n'
        "  title = {A {DNA} study}, journal = {J}, year = {2020}, doi = {https://doi.org/10.1/ABC}\n"
        "}\n",
        encoding="utf-8",
    )
    [ref] = read_any_article(path).references
    assert ref.authors == ["van der Berg, Jan", "World Health Organization", "Müller, K."]
    assert ref.raw.startswith(
        "van der Berg, Jan, World Health Organization, Müller, K., et al. (2020)."
    )
    assert (ref.title, ref.doi, ref.line, ref.key) == ("A DNA study", "10.1/abc", 1, "one")


def test_repeated_or_missing_keys_are_named_as_an_articles_references_are(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    item = {"type": "article-journal", "title": "T", "author": [{"family": "Hong"}]}
    path.write_text(
        json.dumps(
            [
                {**item, "id": "x", "issued": {"date-parts": [[1994]]}},
                {**item, "id": "x", "issued": {"date-parts": [[1995]]}},
                {**item, "issued": {"raw": "Spring 1996"}},
            ]
        ),
        encoding="utf-8",
    )
    assert [r.key for r in read_any_article(path).references] == [
        "hong1994",
        "hong1995",
        "hong1996",
    ]


def test_ris_pages_and_book_types(tmp_path: Path) -> None:
    path = tmp_path / "list.ris"
    path.write_text(
        "TY  - CHAP\nAU  - Doe, Jane\nTI  - A chapter\nT2  - A book\nPY  - 2003///\n"
        "SP  - 5\nEP  - 9\nPB  - Press\nCY  - Oslo\nER  - \n",
        encoding="utf-8",
    )
    [ref] = read_any_article(path).references
    assert (ref.kind, ref.pages, ref.year, ref.container, ref.place) == (
        "book",
        "5-9",
        2003,
        "A book",
        "Oslo",
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "broken.bib",
            "@article{ok, title={Fine}, year={2001}}\n\n@article{bad, title = {oops\n",
            "broken.bib: row 3: not a BibTeX entry",
        ),
        ("plain.ris", "Just some text\n", "plain.ris: row 1: not a RIS file"),
        ("broken.json", '[\n  {"title": "A"},\n  {"title": \n', "broken.json: row 3: not JSON"),
        ("other.json", '{"name": "a package.json"}', "other.json: row 1: not a CSL-JSON item"),
        ("empty.bib", "% nothing here\n", "empty.bib: bibliography has no entries"),
    ],
)
def test_a_bad_bibliography_is_one_line_naming_the_file_and_row_and_exit_2(
    name: str, content: str, said: str, workspace: Path
) -> None:
    (workspace / name).write_text(content, encoding="utf-8")
    result = citeaudit(workspace, "check", name, "--offline")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"citeaudit: {said}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (workspace / "reports" / f"{Path(name).stem}.json").exists()


def test_reading_a_bad_bibliography_raises_input_error_not_a_parser_exception(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="not a CSL-JSON item"):
        read_any_article(path)
