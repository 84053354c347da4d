"""Articles from anywhere, and great-expectations results remembered for unchanged input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citeaudit.errors import InputError
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import load_claims
from citeaudit.quality.memo import CLAIMS_KIND, SOURCES_KIND, validate_sources
from citeaudit.reading.inputs import load_articles
from citeaudit.registries.cache import SourceCache
from html_article import PAGE

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "articles" / "back-muscle-pain.md"


def test_a_folder_stands_for_the_articles_in_it_markdown_and_html(tmp_path: Path):
    site = tmp_path / "site"
    (site / "health").mkdir(parents=True)
    (site / ".drafts").mkdir()
    shutil.copy(SEED, site / "health" / SEED.name)
    (site / "health" / "trigger-points.html").write_text(PAGE, encoding="utf-8")
    shutil.copy(SEED, site / ".drafts" / "draft.md")  # hidden: not published
    (site / "notes.csv").write_text("not,an,article\n", encoding="utf-8")
    articles = load_articles([site])
    assert [a.name for a in articles] == ["back-muscle-pain", "trigger-points"]
    page = articles[1]
    assert [r.year for r in page.references] == [1994, 2001]
    assert page.references[0].doi == "10.1097/00002060-199407000-00006"
    text = " ".join(s.text for s in page.sentences)
    assert "Trigger point injection relieved" in text
    assert "Shop our massagers" not in text and "shipping" not in text


def test_a_folder_without_articles_is_bad_input_naming_it(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="a folder with no articles in it"):
        load_articles([tmp_path / "empty"])


def test_an_html_page_without_text_is_bad_input(tmp_path: Path):
    page = tmp_path / "blank.html"
    page.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"blank\.html: no article text"):
        load_articles([page])


def _workspace(tmp_path: Path) -> RunOptions:
    shutil.copy(SEED, tmp_path / SEED.name)
    shutil.copy(ROOT / "claims.csv", tmp_path / "claims.csv")
    return RunOptions(claims_csv=tmp_path / "claims.csv", sources_dir=ROOT / "sources")


def test_claims_validated_once_are_not_validated_again_until_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cache_path = tmp_path / "cache.sqlite"
    monkeypatch.setenv("CITEAUDIT_CACHE", str(cache_path))
    options = _workspace(tmp_path)
    articles = load_articles([tmp_path / SEED.name])
    first = load_claims(options, articles)
    assert first.validation[0]["success"]
    with SourceCache(cache_path) as cache:  # what is remembered is what is used
        [key] = cache.memo_keys(CLAIMS_KIND)
        cache.put_memo(CLAIMS_KIND, key, {"name": "claims.csv", "success": True,
                                          "details": ["remembered"]})  # fmt: skip
    # The committed record beside claims.csv is read first (tests/quality/test_ledger.py);
    # without it, the cache answers.
    (options.claims_csv.parent / "validated.json").unlink()
    assert load_claims(options, articles).validation[0]["details"] == ["remembered"]

    text = options.claims_csv.read_text(encoding="utf-8")
    options.claims_csv.write_text(text.replace(",hong1994,", ",hong1995,", 1), encoding="utf-8")
    with pytest.raises(InputError, match="hong1995"):
        load_claims(options, articles)  # changed: validated afresh


def test_without_a_cache_claims_are_validated_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CITEAUDIT_CACHE", "off")
    monkeypatch.chdir(tmp_path)
    options = _workspace(tmp_path)
    assert load_claims(options, load_articles([tmp_path / SEED.name])).validation[0]["success"]
    assert not (tmp_path / ".citeaudit").exists()


def test_only_new_or_changed_snapshots_are_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cache_path = tmp_path / "cache.sqlite"
    monkeypatch.setenv("CITEAUDIT_CACHE", str(cache_path))
    good = {"schema": "citeaudit.source/1", "doi_status": "resolves", "match": "matched",
            "doi": "10.1000/a", "work": {"title": "A", "doi": "10.1000/a", "year": 2001},
            "checked_at": "2024-01-01T00:00:00Z"}  # fmt: skip
    bad = dict(good, match="sort of")
    assert validate_sources({"a": good, "b": bad}, sources_dir="s") == {
        "a": [],
        "b": ["s/b.json: match 'sort of' is not one of: matched, ambiguous, not_found, unverified"],
    }
    with SourceCache(cache_path) as cache:
        assert len(cache.memos(SOURCES_KIND, cache.memo_keys(SOURCES_KIND))) == 2
    fixed = dict(bad, match="matched")
    assert validate_sources({"a": good, "b": fixed}, sources_dir="s") == {"a": [], "b": []}


def test_a_large_folder_is_read_in_parallel_exactly_as_one_by_one(tmp_path: Path):
    from citeaudit.reading import inputs

    seed = SEED.read_text(encoding="utf-8")
    for number in range(inputs.PARALLEL_FROM + 2):
        (tmp_path / f"page-{number:02d}.md").write_text(seed, encoding="utf-8")
    together = inputs.load_articles([tmp_path])
    alone = [inputs.read_any_article(p) for p in sorted(tmp_path.glob("*.md"))]
    assert [a.name for a in together] == [a.name for a in alone]
    assert together == alone


def test_a_bad_file_read_in_a_worker_is_reported_with_its_file_and_row(tmp_path: Path):
    from citeaudit.reading import inputs

    seed = SEED.read_text(encoding="utf-8")
    for number in range(inputs.PARALLEL_FROM + 2):
        (tmp_path / f"page-{number:02d}.md").write_text(seed, encoding="utf-8")
    (tmp_path / "page-07.md").write_bytes(b"# Title\n\nText.\n\n## References\n\n\xff\xfe\n")
    with pytest.raises(InputError) as raised:
        inputs.load_articles([tmp_path])
    assert raised.value.path == str(tmp_path / "page-07.md")
    assert str(raised.value).startswith(str(tmp_path / "page-07.md"))
