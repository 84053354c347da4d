"""Judging is safe to run from several threads at once (Prefect and Dask task runners do).

The sentence splitter and the stemmer keep per-call state; shared between threads
they once produced different verdicts for the same claim.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import audit_articles, load_claims, resolve_sources
from citeaudit.reading.inputs import load_articles

ROOT = Path(__file__).resolve().parents[2]


def _verdicts(audits) -> list[tuple[str, str, str]]:
    return [(r.claim.claim_id, r.verdict, r.reason) for a in audits for r in a.claims]


def test_concurrent_audits_give_the_same_verdicts_as_one_at_a_time(tmp_path: Path):
    # A copy of claims.csv: a run records its input checks beside it (validated.json),
    # and a test must not write into the checkout.
    shutil.copy(ROOT / "claims.csv", tmp_path / "claims.csv")
    options = RunOptions(
        claims_csv=tmp_path / "claims.csv", sources_dir=ROOT / "sources", offline=True
    )
    articles = load_articles([ROOT / "articles" / "back-muscle-pain.md"])
    claims = load_claims(options, articles)
    sources = resolve_sources(articles, options)
    expected = _verdicts(audit_articles(articles, claims, sources, options))
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(
            pool.map(
                lambda _: _verdicts(audit_articles(articles, claims, sources, options)), range(8)
            )
        )
    assert all(run == expected for run in runs)
