"""Great Expectations results, remembered for inputs that have not changed.

Why: importing great-expectations takes about five seconds, far more than the rest
of `citeaudit check --offline` on an article. Its checks are deterministic: the same
claims and reference keys, or the same snapshot, give the same outcome. So the
outcome is kept in the source cache (registries/cache.py, `memo` table), keyed by a hash of
exactly what the check reads plus the version of the checks (expectations.py's text
and the great-expectations version), and GE runs only for what is new or changed:

* claims.csv: one entry for the claims of the articles in the run and their keys;
* sources: one entry per snapshot, so a nightly run over 100,000 sources validates
  only the few snapshots that changed (the expectations are all row by row).

The same outcomes are also kept in `validated.json` beside claims.csv (`ledger.py`),
which is committed with the inputs, so a fresh clone does not run the checks again
for inputs nobody changed.

Nothing is remembered when caching is off (CITEAUDIT_CACHE=off), and a check that
could not run (a problem under the "" key) is never remembered.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeaudit.quality.ledger import Ledger
from citeaudit.registries.cache import SourceCache, fingerprint

if TYPE_CHECKING:
    from citeaudit.models import Claim
    from citeaudit.quality.expectations import ValidationResult

CLAIMS_KIND = "validation:claims"
SOURCES_KIND = "validation:source"


@functools.cache
def _checks_version() -> str:
    """Changes whenever the expectations (or the GE that runs them) change."""
    text = Path(__file__).with_name("expectations.py").read_bytes()
    try:
        gx = importlib.metadata.version("great-expectations")
    except importlib.metadata.PackageNotFoundError:
        gx = "?"
    return fingerprint(text.decode("utf-8", "replace"), gx)


def _open() -> SourceCache | None:
    """The run's cache, from CITEAUDIT_CACHE only (an offline check reads no other setting)."""
    from citeaudit.config import _cache_path

    path = _cache_path(os.environ.get("CITEAUDIT_CACHE"))
    if path is None:
        return None
    try:
        return SourceCache(path)
    except OSError:  # a read-only checkout: validate every time, as without a cache
        return None


def _ledger(path: Path | None) -> Ledger | None:
    """The committed record at `path`, unless caching is off (then nothing is kept)."""
    off = (os.environ.get("CITEAUDIT_CACHE") or "").strip().lower() in ("off", "none", "0")
    return None if path is None or off else Ledger(path, _checks_version())


def validate_claims(
    claims: Sequence[Claim],
    known_refs: Mapping[str, set[str]],
    *,
    name: str,
    ledger: Path | None = None,
) -> ValidationResult:
    """`expectations.validate_claims`, remembered for the same claims and reference keys
    (in the cache, and in the committed `ledger` file when one is named)."""
    from citeaudit.quality.expectations import ValidationResult

    cache = _open()
    record = _ledger(ledger)
    key = fingerprint(
        _checks_version(),
        name,
        [asdict(c) for c in claims],
        sorted((article, sorted(keys)) for article, keys in known_refs.items()),
    )
    try:
        hit = record.claims_outcome(key) if record is not None else None
        if hit is None and cache is not None:
            hit = cache.memo(CLAIMS_KIND, key)
        if hit is not None:
            result = ValidationResult(**hit)
        else:
            from citeaudit.quality.expectations import validate_claims as run_checks

            result = run_checks(claims, known_refs, name=name)
            if cache is not None:
                cache.put_memo(CLAIMS_KIND, key, asdict(result))
        if record is not None:
            record.record_claims(key, asdict(result))
            record.save()
        return result
    finally:
        if cache is not None:
            cache.close()


def validate_sources(
    snapshots: Mapping[str, Mapping[str, Any]],
    *,
    sources_dir: str,
    ledger: Path | None = None,
) -> dict[str, list[str]]:
    """`expectations.validate_sources`, run only on snapshots not validated before (in
    the cache, or in the committed `ledger` file when one is named)."""
    cache = _open()
    record = _ledger(ledger)
    year = datetime.now(UTC).year  # the plausible-year check depends on it
    keys = {
        sid: fingerprint(_checks_version(), year, sources_dir, sid, snapshot)
        for sid, snapshot in snapshots.items()
    }
    try:
        problems: dict[str, list[str]] = {}
        if record is not None:
            for sid, key in keys.items():
                if (found_before := record.source_problems(sid, key)) is not None:
                    problems[sid] = found_before
        rest = [key for sid, key in keys.items() if sid not in problems]
        known = cache.memos(SOURCES_KIND, rest) if cache is not None and rest else {}
        problems.update(
            {
                sid: list(known[key])
                for sid, key in keys.items()
                if sid not in problems and key in known
            }
        )
        todo = {sid: snapshots[sid] for sid in snapshots if sid not in problems}
        if todo:
            from citeaudit.quality.expectations import validate_sources as run_checks

            found = run_checks(todo, sources_dir=sources_dir)
            problems.update(found)
            if cache is not None and not found.get(""):
                cache.put_memos(SOURCES_KIND, {keys[sid]: found.get(sid, []) for sid in todo})
        if record is not None and not problems.get(""):
            for sid, key in keys.items():
                record.record_source(sid, key, problems.get(sid, []))
            record.save()
        return {sid: problems.get(sid, []) for sid in snapshots} | (
            {"": problems[""]} if problems.get("") else {}
        )
    finally:
        if cache is not None:
            cache.close()
