"""Resolution at scale: batched lookups, polite limits, the source cache, incremental runs.

Every test runs the real habanero and pyalex clients against the local registry server.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from citeaudit.config import Settings
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.resolution import _without_when, audit_view, refresh_site, resolve_all
from citeaudit.pipeline.stages import resolve_sources, run
from citeaudit.reading.inputs import load_articles
from citeaudit.registries.cache import SourceCache
from citeaudit.verification.lookup import Registries, resolve_reference
from citeaudit.verification.snapshots import snapshot_path, source_id
from fault_article import DOI_WORKS, apa_reference, write_fault_article
from registry_server import CONSTRUCTED_RETRACTED_DOI, RegistryServer

RETRACTION = {
    "updated": {"date-parts": [[2024, 5, 2]], "date-time": "2024-05-02T00:00:00Z"},
    "DOI": "10.5555/citeaudit.registries.bulk.notice",
    "type": "retraction",
    "source": "publisher",
    "label": "Retraction",
}


def _article(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "A claim (Someone, 2014).\n\n## References\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return path


def _batched(server: RegistryServer, service: str, since: int) -> list[str]:
    return [
        r.query
        for r in server.requests[since:]
        if r.service == service and r.path.endswith("/works") and "filter=doi" in r.query
    ]


def _singles(server: RegistryServer, service: str, since: int) -> list[str]:
    return [r.path for r in server.requests[since:] if r.service == service and "/works/" in r.path]


def _unscored(snapshot: dict) -> dict:
    """A snapshot without route details nor Crossref's `score` (search relevance, which a
    filter answer gives as 1.0 and a recorded single answer as it was recorded)."""
    data = _without_when(snapshot)
    for answer in data["answers"].values():
        if answer and isinstance(answer.get("record"), dict):
            answer["record"].pop("score", None)
    return data


def _constructed_work(registry: RegistryServer, doi: str, title: str) -> str:
    """A Crossref and OpenAlex work (constructed from the recorded retraction's shape)."""
    message = registry.crossref_record(CONSTRUCTED_RETRACTED_DOI)
    work = registry.openalex_record(CONSTRUCTED_RETRACTED_DOI)
    assert message is not None and work is not None
    message.pop("updated-by", None)
    message.update({"DOI": doi, "title": [title]})
    work.update(
        {
            "doi": f"https://doi.org/{doi}",
            "title": title,
            "display_name": title,
            "is_retracted": False,
        }
    )
    work["id"] = "https://openalex.org/W" + str(abs(hash(doi)) % 10**10)
    registry.add_crossref_work(message)
    registry.add_openalex_work(work)
    return apa_reference(message)


def test_a_run_asks_its_dois_in_batches_and_concludes_as_one_reference_at_a_time(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    article = write_fault_article(registry, tmp_path / "many.md")
    [parsed] = load_articles([article])
    one_by_one = {
        source_id(ref): resolve_reference(ref, Registries(settings)) for ref in parsed.references
    }
    before = len(registry.requests)
    snapshots = resolve_sources([parsed], RunOptions(sources_dir=tmp_path / "s"), settings)
    assert len(parsed.references) == len(snapshots) == len(one_by_one)
    for sid, snapshot in snapshots.items():
        assert _unscored(snapshot) == _unscored(one_by_one[sid]), sid
    assert len(_batched(registry, "crossref", before)) == 1
    assert len(_batched(registry, "openalex", before)) == 1
    asked_singly = _singles(registry, "crossref", before)
    assert not any(doi.lower() in path.lower() for doi in DOI_WORKS for path in asked_singly)


def test_chunks_asked_ahead_keep_their_records_until_they_are_resolved(
    registry: RegistryServer, settings: Settings, tmp_path: Path, monkeypatch
):
    """A long run asks the batches of the next chunks while one chunk resolves; no chunk
    may forget the records fetched for the chunks after it (each DOI is asked once, in a
    batch, and every reference concludes as when resolved alone)."""
    from citeaudit.pipeline import resolution

    monkeypatch.setattr(resolution, "CHUNK", 3)  # several chunks from one article,
    monkeypatch.setattr(resolution, "LOOKAHEAD", 3)  # more of them than are asked ahead
    article = write_fault_article(registry, tmp_path / "many.md")
    [parsed] = load_articles([article])
    with_doi = [ref for ref in parsed.references if ref.doi]
    assert len(with_doi) > resolution.CHUNK * (resolution.LOOKAHEAD + 1)
    one_by_one = {
        source_id(ref): resolve_reference(ref, Registries(settings)) for ref in parsed.references
    }
    before = len(registry.requests)
    snapshots = resolve_sources(
        [parsed], RunOptions(sources_dir=tmp_path / "s"), replace(settings, batch_size=2)
    )
    for sid, snapshot in snapshots.items():
        assert _unscored(snapshot) == _unscored(one_by_one[sid]), sid
    asked_singly = _singles(registry, "crossref", before) + _singles(registry, "openalex", before)
    assert not any(doi.lower() in path.lower() for doi in DOI_WORKS for path in asked_singly)
    batched = unquote(" ".join(_batched(registry, "crossref", before))).lower()
    assert {doi: batched.count(doi.lower()) for doi in DOI_WORKS} == dict.fromkeys(DOI_WORKS, 1)


def test_the_batches_of_the_chunk_resolved_next_are_asked_before_those_after_it(
    registry: RegistryServer, settings: Settings, tmp_path: Path, monkeypatch
):
    """Batches asked ahead queue behind those of the chunk being waited for: with one
    Crossref request at a time, Crossref is asked about the DOIs in the order the
    references are resolved, never a later chunk's before an earlier one's."""
    from urllib.parse import parse_qs

    from citeaudit.doi import normalize_doi
    from citeaudit.pipeline import resolution
    from citeaudit.registries.bulk import BATCHABLE_DOI

    monkeypatch.setattr(resolution, "CHUNK", 3)  # several chunks from one article,
    monkeypatch.setattr(resolution, "LOOKAHEAD", 3)  # more of them than are asked ahead
    article = write_fault_article(registry, tmp_path / "many.md")
    [parsed] = load_articles([article])
    expected = list(
        dict.fromkeys(
            normalize_doi(ref.doi)
            for ref in parsed.references
            if ref.doi and BATCHABLE_DOI.match(normalize_doi(ref.doi))
        )
    )
    assert len(expected) > resolution.CHUNK * (resolution.LOOKAHEAD + 1)
    before = len(registry.requests)
    one_at_a_time = replace(settings, batch_size=2, crossref_concurrency=1)
    resolve_sources([parsed], RunOptions(sources_dir=tmp_path / "s"), one_at_a_time)
    asked = [
        normalize_doi(value.removeprefix("doi:"))
        for query in _batched(registry, "crossref", before)
        for value in parse_qs(query)["filter"][0].split(",")
    ]
    assert asked == expected


def test_a_resolution_leaves_the_cycle_collector_as_it_found_it(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    """The collector is paused while snapshots pile up; the caller's setting comes back."""
    import gc

    article = write_fault_article(registry, tmp_path / "many.md")
    articles = load_articles([article])
    assert gc.isenabled()
    resolve_all(articles, RunOptions(sources_dir=tmp_path / "s"), settings, records=False)
    assert gc.isenabled()
    gc.disable()
    try:
        resolve_all(articles, RunOptions(sources_dir=tmp_path / "s"), settings, records=False)
        assert not gc.isenabled(), "a caller that turned it off keeps it off"
    finally:
        gc.enable()


def test_a_source_cited_by_many_articles_is_asked_once(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    line = apa_reference(registry.crossref_record("10.7717/peerj.5956") or {})
    paths = [_article(tmp_path / f"a{i}.md", [line]) for i in range(3)]
    before = len(registry.requests)
    snapshots = resolve_sources(
        load_articles(paths), RunOptions(sources_dir=tmp_path / "s"), settings
    )
    [query] = _batched(registry, "crossref", before)
    assert len(snapshots) == 1 and query.lower().count("peerj.5956") == 1


def test_a_failed_batch_leaves_its_dois_to_single_requests_with_the_same_conclusions(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    lines = [apa_reference(registry.crossref_record(doi) or {}) for doi in DOI_WORKS[:4]]
    articles = load_articles([_article(tmp_path / "a.md", lines)])
    clean = resolve_sources(articles, RunOptions(sources_dir=tmp_path / "clean"), settings)
    registry.add_fault("filter=doi", status=503)
    before = len(registry.requests)
    faulted = resolve_sources(articles, RunOptions(sources_dir=tmp_path / "faulted"), settings)
    assert len(_singles(registry, "crossref", before)) >= 4
    assert {sid: s["match"] for sid, s in faulted.items()} == {
        sid: s["match"] for sid, s in clean.items()
    }
    assert all(s["match"] == "matched" for s in faulted.values())


def test_requests_stay_within_the_polite_limits_even_with_many_small_batches(tmp_path: Path):
    limits = {"crossref": (10.0, 5), "openalex": (10.0, 5), "doi": (10.0, 5)}
    with RegistryServer(latency=0.05, rate_limits=limits) as server:
        lines = [apa_reference(server.crossref_record(doi) or {}) for doi in DOI_WORKS]
        settings = Settings(
            crossref_url=server.crossref_url,
            openalex_url=server.openalex_url,
            doi_url=server.doi_url,
            retries=1,
            backoff=0.01,
            batch_size=1,  # one request per DOI and registry: 20 requests in all
            openalex_rps=10.0,
            openalex_concurrency=5,
        )
        articles = load_articles([_article(tmp_path / "a.md", lines)])
        result = resolve_all(articles, RunOptions(sources_dir=tmp_path / "s"), settings)
        assert sum(server.limit_violations.values()) == 0, server.limit_violations
        assert result.requests["crossref"] >= len(DOI_WORKS)
        assert all(s["match"] != "unverified" for s in result.snapshots.values())


def test_a_warm_run_asks_nothing_and_rewrites_no_snapshot(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    cached = replace(settings, cache_path=str(tmp_path / "cache.sqlite"))
    articles = load_articles([write_fault_article(registry, tmp_path / "many.md")])
    options = RunOptions(sources_dir=tmp_path / "s")
    first = resolve_all(articles, options, cached)
    files = {p: p.stat().st_mtime_ns for p in options.sources_dir.glob("*.json")}
    before = len(registry.requests)
    second = resolve_all(articles, options, cached)
    assert len(registry.requests) == before, "nothing asked again within a day"
    assert second.counts["fresh"] == len(first.snapshots) - first.counts["kept"]
    assert second.counts["resolved"] == first.counts["kept"], "only faulted ones again"
    assert {p: p.stat().st_mtime_ns for p in options.sources_dir.glob("*.json")} == files
    for sid, snapshot in second.snapshots.items():
        assert _without_when(snapshot) == _without_when(first.snapshots[sid])
    lean = resolve_all(articles, options, cached, records=False)  # from the cache alone
    assert len(registry.requests) == before
    for sid, snapshot in lean.snapshots.items():
        assert _without_when(snapshot) == _without_when(audit_view(first.snapshots[sid]))


def test_an_edited_reference_is_resolved_again_even_when_its_source_is_fresh(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    cached = replace(settings, cache_path=str(tmp_path / "cache.sqlite"))
    record = registry.crossref_record("10.7717/peerj.3445") or {}
    options = RunOptions(sources_dir=tmp_path / "s")
    article = _article(tmp_path / "a.md", [apa_reference(record)])
    resolve_all(load_articles([article]), options, cached)
    _article(tmp_path / "a.md", [apa_reference(record, year_shift=2)])
    again = resolve_all(load_articles([article]), options, cached)
    assert again.counts["fresh"] == 0 and again.counts["resolved"] == 1
    [snapshot] = again.snapshots.values()
    assert snapshot["cited_as"]["year"] == record["issued"]["date-parts"][0][0] + 2


def test_stale_standing_is_rechecked_alone_and_a_new_retraction_is_reported(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    doi = "10.5555/citeaudit.registries.bulk.standing"
    line = _constructed_work(registry, doi, "Standing checks of cached metadata in bulk")
    # standing_ttl 0: every standing is due again; the metadata stays fresh for 30 days.
    cached = replace(settings, cache_path=str(tmp_path / "cache.sqlite"), standing_ttl=0.0)
    articles = load_articles([_article(tmp_path / "a.md", [line])])
    options = RunOptions(sources_dir=tmp_path / "s")
    first = resolve_all(articles, options, cached)
    assert [s["match"] for s in first.snapshots.values()] == ["matched"] and not first.changes

    retracted = registry.crossref_record(doi) or {}
    retracted["updated-by"] = [RETRACTION]
    registry.add_crossref_work(retracted)
    before = len(registry.requests)
    second = resolve_all(articles, options, cached)
    asked = [r.query for r in registry.requests[before:] if r.service in ("crossref", "openalex")]
    assert asked and all("select=" in q for q in asked), "standing fields only"
    [change] = second.changes
    assert (change.kind, change.before, change.after) == ("standing", "none", "retracted")
    assert change.articles == [str(tmp_path / "a.md")]
    stored = json.loads(snapshot_path(options.sources_dir, articles[0].references[0]).read_text())
    assert stored["work"]["updates"][0]["type"] == "retraction"
    assert stored["answers"]["crossref"]["cache"]["served_from"] == "citeaudit cache"


def _pointed_at(settings: Settings, server: RegistryServer, **changes: Any) -> Settings:
    """The same settings, asking another registry server."""
    return replace(
        settings,
        crossref_url=server.crossref_url,
        openalex_url=server.openalex_url,
        doi_url=server.doi_url,
        **changes,
    )


def test_a_doi_that_stops_resolving_is_reported_as_a_change(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    doi = "10.5555/citeaudit.registries.bulk.gone"
    line = _constructed_work(registry, doi, "A deposit that is later withdrawn from the registry")
    options = RunOptions(sources_dir=tmp_path / "s")
    cache = str(tmp_path / "cache.sqlite")
    articles = load_articles([_article(tmp_path / "a.md", [line])])
    resolve_all(articles, options, replace(settings, cache_path=cache, standing_ttl=0.0))
    with RegistryServer(load_fixtures=False) as empty:  # the same world without the DOI
        elsewhere = _pointed_at(settings, empty, cache_path=cache, standing_ttl=0.0)
        result = resolve_all(articles, options, elsewhere)
    kinds = {c.kind: (c.before, c.after) for c in result.changes}
    assert kinds["doi_status"] == ("resolves", "not_found")
    assert "stopped resolving" in next(c.message for c in result.changes if c.kind == "doi_status")


def test_answers_cached_from_one_set_of_registries_are_not_served_for_another(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    """A mirror or a test server is not the public API: pointed elsewhere with the same
    cache file, a run asks the registries it is pointed at, and the old answers still
    serve a run pointed back (they were kept apart, not overwritten)."""
    cache = str(tmp_path / "cache.sqlite")
    articles = load_articles([write_fault_article(registry, tmp_path / "many.md")])
    options = RunOptions(sources_dir=tmp_path / "s")
    here = replace(settings, cache_path=cache)
    start = len(registry.requests)
    resolve_all(articles, options, here)
    asked_first = len(registry.requests) - start
    with RegistryServer() as other:
        there = _pointed_at(settings, other, cache_path=cache)
        result = resolve_all(articles, options, there)
        assert result.counts["fresh"] == 0
        assert other.requests, "the registries pointed at were asked"
    before = len(registry.requests)
    back = resolve_all(articles, options, here)
    assert back.counts["fresh"] == 0  # the sources were last confirmed against the others
    assert len(registry.requests) - before < asked_first / 2  # its own answers, still cached


def test_the_run_result_carries_the_changes_since_the_previous_run(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    doi = "10.5555/citeaudit.registries.bulk.runchange"
    line = _constructed_work(registry, doi, "Run results that carry registry changes")
    article = _article(tmp_path / "a.md", [line])
    options = RunOptions(
        claims_csv=tmp_path / "claims.csv", sources_dir=tmp_path / "s", out_dir=tmp_path / "r"
    )
    cached = replace(settings, cache_path=str(tmp_path / "cache.sqlite"), standing_ttl=0.0)
    assert run([article], options, cached).source_changes == []
    retracted = registry.crossref_record(doi) or {}
    retracted["updated-by"] = [RETRACTION]
    registry.add_crossref_work(retracted)
    [change] = run([article], options, cached).source_changes
    assert change.to_dict()["after"] == "retracted"


def test_a_damaged_cache_file_is_set_aside_and_rebuilt(tmp_path: Path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with SourceCache(path) as cache:
        assert cache.stats() == {"answers": 0, "sources": 0, "memo": 0}
    assert list(tmp_path.glob("cache.sqlite.damaged-*"))


def test_faults_are_never_cached(registry: RegistryServer, settings: Settings, tmp_path: Path):
    cached = replace(settings, cache_path=str(tmp_path / "cache.sqlite"))
    lines = [apa_reference(registry.crossref_record("10.1111/ijcp.13076") or {})]
    articles = load_articles([_article(tmp_path / "a.md", lines)])
    options = RunOptions(sources_dir=tmp_path / "s")
    registry.add_fault("/openalex/", status=503)
    [faulted] = resolve_all(articles, options, cached).snapshots.values()
    assert faulted["answers"]["openalex"]["status"] == "error"
    registry.clear_faults()
    before = len(registry.requests)
    [answered] = resolve_all(articles, options, cached).snapshots.values()
    assert any(r.service == "openalex" for r in registry.requests[before:])
    assert answered["answers"]["openalex"]["status"] != "error"


def test_records_can_be_left_out_of_the_returned_snapshots_but_not_the_files(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    lines = [apa_reference(registry.crossref_record("10.1073/pnas.1414271111") or {})]
    articles = load_articles([_article(tmp_path / "a.md", lines)])
    options = RunOptions(sources_dir=tmp_path / "s")
    [slim] = resolve_sources(articles, options, settings, records=False).values()
    stored = json.loads(snapshot_path(options.sources_dir, articles[0].references[0]).read_text())
    assert all("record" not in answer for answer in slim["answers"].values())
    assert stored["answers"]["crossref"]["record"]["DOI"].lower() == "10.1073/pnas.1414271111"
    without = copy.deepcopy(stored)
    for answer in without["answers"].values():
        answer.pop("record")
    assert _without_when(slim) == _without_when(without)


def test_an_archive_is_refreshed_a_batch_of_articles_at_a_time_each_source_once(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    shared = apa_reference(registry.crossref_record("10.7717/peerj.5956") or {})
    own = [apa_reference(registry.crossref_record(doi) or {}) for doi in DOI_WORKS[3:6]]
    for i, line in enumerate(own):
        _article(tmp_path / "site" / f"a{i}.md", [shared, line])
    before = len(registry.requests)
    result = refresh_site(
        [tmp_path / "site"], RunOptions(sources_dir=tmp_path / "s"), settings, articles_per_batch=1
    )
    assert result.snapshots == {} and sum(result.states.values()) == 4
    assert result.states["resolves/matched"] == 4
    queries = _batched(registry, "crossref", before)
    assert sum(q.lower().count("peerj.5956") for q in queries) == 1
    assert len(list((tmp_path / "s").glob("*.json"))) == 4


def test_openalex_field_list_covers_everything_the_checks_read_from_a_recorded_work(
    registry: RegistryServer,
):
    """Asking OpenAlex for OPENALEX_FIELDS only must lose nothing: every recorded work
    reads as the same Work whole or cut down to those fields."""
    from citeaudit.registries.works import OPENALEX_FIELDS, openalex_work

    records = [registry.openalex_record(key) for key in registry.openalex_keys()]
    whole = [r for r in records if r and "authorships" in r and "biblio" in r]
    assert len(whole) >= 5
    for record in whole:
        cut = {k: record[k] for k in OPENALEX_FIELDS if k in record}
        assert openalex_work(cut) == openalex_work(record), record.get("id")


def test_a_batch_asks_openalex_for_the_checked_fields_only_and_snapshots_keep_only_them(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    from citeaudit.registries.works import OPENALEX_FIELDS

    doi = "10.5555/citeaudit.registries.bulk.select"
    line = _constructed_work(registry, doi, "Only the fields a check reads, asked in bulk")
    full = registry.openalex_record(doi) or {}
    assert set(full) - set(OPENALEX_FIELDS), "the recorded work has fields no check reads"
    before = len(registry.requests)
    options = RunOptions(sources_dir=tmp_path / "s")
    result = resolve_all(load_articles([_article(tmp_path / "a.md", [line])]), options, settings)
    [asked] = _batched(registry, "openalex", before)
    assert "select=" + ",".join(OPENALEX_FIELDS) in unquote(asked)
    [snapshot] = result.snapshots.values()
    assert snapshot["match"] == "matched"
    record = snapshot["answers"]["openalex"]["record"]
    assert set(record) <= set(OPENALEX_FIELDS) and record["authorships"] == full["authorships"]


def test_a_whole_openalex_work_asked_alone_is_stored_cut_down_to_the_checked_fields(
    registry: RegistryServer, settings: Settings, tmp_path: Path
):
    from citeaudit.registries.works import OPENALEX_FIELDS

    doi = "10.5555/citeaudit.registries.bulk.whole"
    _constructed_work(registry, doi, "A whole work asked for by its DOI alone")
    full = registry.openalex_record(doi) or {}
    ref = load_articles(
        [_article(tmp_path / "a.md", [apa_reference(registry.crossref_record(doi) or {})])]
    )[0].references[0]
    snapshot = resolve_reference(ref, Registries(settings))  # one work, no batch: all fields
    record = snapshot["answers"]["openalex"]["record"]
    assert set(record) == set(OPENALEX_FIELDS) & set(full)
    assert record["abstract_inverted_index"] == full["abstract_inverted_index"]
