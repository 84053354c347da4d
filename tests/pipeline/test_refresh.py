"""`citeaudit refresh` and online checks write snapshots, and an outage never erases one."""

from __future__ import annotations

import json
from pathlib import Path

from citeaudit.config import Settings
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import resolve_sources
from citeaudit.reading.inputs import load_articles
from citeaudit.verification.snapshots import snapshot_path

ARTICLE = """Collagen cross-linking matters for engineered tissue [1].

References

1. Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced collagen cross-linking." Proc Natl Acad Sci U S A, 111(45), E4832-E4841. doi:10.1073/pnas.1414271111
"""


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "collagen.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_online_resolution_writes_a_reviewable_snapshot_per_source(
    tmp_path: Path, settings: Settings
):
    articles = load_articles([_article(tmp_path)])
    options = RunOptions(sources_dir=tmp_path / "sources", offline=False)
    snapshots = resolve_sources(articles, options, settings)
    [snapshot] = snapshots.values()
    path = snapshot_path(options.sources_dir, articles[0].references[0])
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == snapshot
    assert stored["provenance"]["kind"] == "registry"
    assert {"crossref", "openalex"} <= set(stored["answers"])
    assert "reference" not in stored["answers"]["crossref"]["record"], (
        "bulky reference lists are trimmed"
    )
    assert "test-key-123" not in path.read_text() and "editor@example.org" not in path.read_text()


def test_an_outage_keeps_the_last_good_snapshot(tmp_path: Path, settings: Settings, registry):
    articles = load_articles([_article(tmp_path)])
    options = RunOptions(sources_dir=tmp_path / "sources", offline=False)
    resolve_sources(articles, options, settings)
    path = snapshot_path(options.sources_dir, articles[0].references[0])
    before = path.read_text(encoding="utf-8")
    for prefix in ("/crossref/", "/openalex/", "/doi/"):
        registry.add_fault(prefix, status=503)
    [snapshot] = resolve_sources(articles, options, settings).values()
    assert path.read_text(encoding="utf-8") == before
    assert snapshot["doi_status"] == "resolves"
    assert "registries unreachable" in snapshot["match_notes"][-1]


def test_offline_mode_asks_no_registry(tmp_path: Path, settings: Settings, registry):
    articles = load_articles([_article(tmp_path)])
    before = len(registry.requests)
    snapshots = resolve_sources(
        articles, RunOptions(sources_dir=tmp_path / "none", offline=True), settings
    )
    assert snapshots == {} and len(registry.requests) == before


def test_registry_urls_and_secrets_come_from_the_environment():
    settings = Settings.from_env(
        {
            "CITEAUDIT_CROSSREF_URL": "http://127.0.0.1:9/cr/",
            "CITEAUDIT_OPENALEX_URL": "http://127.0.0.1:9/oa",
            "CITEAUDIT_DOI_URL": "http://127.0.0.1:9/doi",
            "CITEAUDIT_MAILTO": "desk@example.org",
            "OPENALEX_API_KEY": "secret-key",
        }
    )
    assert settings.crossref_url == "http://127.0.0.1:9/cr"
    assert (settings.mailto, settings.openalex_api_key) == ("desk@example.org", "secret-key")
    assert "secret-key" not in repr(settings) and "desk@example.org" not in repr(settings)
    assert Settings.from_env({}).crossref_url == "https://api.crossref.org"
