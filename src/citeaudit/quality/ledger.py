"""`validated.json`: the input checks' outcomes, committed beside claims.csv.

Why: great-expectations takes six seconds to import here, five times the rest of
`citeaudit check --offline` on an article. The SQLite cache (`memo.py`) spares that
on a machine that ran the checks before, but a fresh clone (a CI job, a new
editor's checkout) has no cache, so every such run paid it for inputs nobody had
changed. The outcomes are deterministic for the exact inputs, so they can travel
with the inputs: each entry is keyed by a hash of exactly what its check reads (the
claims and reference keys, or one snapshot) and of the checks' own version, the same
keys as the cache's. An input that changed, new checks or another great-expectations
release miss the ledger, and the checks run.

The file is written only when an outcome it lacks was worked out, atomically, and in
a stable order, so a run that found nothing new leaves `git status` clean; deleting
it only makes the next run check everything again. Only outcomes are kept (a few
hundred bytes per claims file, one line per snapshot): what would pass or fail, never
the inputs themselves.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from citeaudit.files import write_text_if_changed

LEDGER_NAME = "validated.json"
# A claims file is checked for the articles of each run: a few recent sets are kept.
_CLAIMS_KEPT = 8
# One writer at a time in a process (a flow's batches run in threads).
_SAVING = threading.Lock()
_ABOUT = (
    "citeaudit: outcomes of the great-expectations input checks, keyed by a hash of exactly "
    "what each check read. Commit it with claims.csv and sources/ so a fresh clone need not "
    "run the checks again; delete it to run them all."
)


def ledger_path(claims_csv: Path) -> Path:
    """Beside claims.csv: the checks it records are about that file and its sources."""
    return claims_csv.parent / LEDGER_NAME


class Ledger:
    """The outcomes in one `validated.json`, for one version of the checks."""

    def __init__(self, path: Path, checks_version: str):
        self.path = path
        self.version = checks_version
        data = _read(path)
        same = data.get("checks") == checks_version
        self.claims: dict[str, Any] = dict(data.get("claims") or {}) if same else {}
        self.sources: dict[str, Any] = dict(data.get("sources") or {}) if same else {}
        self._ours: dict[str, Any] = {}  # claims outcomes this run recorded
        self._ours_sources: dict[str, Any] = {}
        self._changed = False

    def claims_outcome(self, key: str) -> Mapping[str, Any] | None:
        return self.claims.get(key)

    def record_claims(self, key: str, outcome: Mapping[str, Any]) -> None:
        if self.claims.get(key) == outcome:
            return
        self._ours[key] = dict(outcome)
        # Newest first; the oldest sets of articles drop out.
        self.claims = dict(list({key: dict(outcome), **self.claims}.items())[:_CLAIMS_KEPT])
        self._changed = True

    def source_problems(self, sid: str, key: str) -> list[str] | None:
        entry = self.sources.get(sid)
        if isinstance(entry, dict) and entry.get("key") == key:
            return list(entry.get("problems") or [])
        return None

    def record_source(self, sid: str, key: str, problems: list[str]) -> None:
        entry = {"key": key, "problems": list(problems)}
        if self.sources.get(sid) != entry:
            self.sources[sid] = entry
            self._ours_sources[sid] = entry
            self._changed = True

    def save(self) -> None:
        """Write the file if an outcome was added; a read-only checkout is left alone.

        The file is read again first and only what this run recorded is put into it,
        so what others recorded meanwhile is kept (the batches of a site run check
        their sources at the same time).
        """
        if not self._changed:
            return
        with _SAVING:
            current = _read(self.path)
            if current.get("checks") == self.version:
                claims = {**self._ours, **(current.get("claims") or {}), **self._ours}
                self.claims = dict(list(claims.items())[:_CLAIMS_KEPT])
                self.sources = {**(current.get("sources") or {}), **self._ours_sources}
            text = json.dumps(
                {
                    "about": _ABOUT,
                    "checks": self.version,
                    "claims": self.claims,
                    "sources": dict(sorted(self.sources.items())),
                },
                indent=1,
                ensure_ascii=False,
            )
            with contextlib.suppress(OSError):  # a read-only checkout: only time is lost
                write_text_if_changed(self.path, text + "\n")
        self._ours.clear()
        self._ours_sources.clear()
        self._changed = False


def _read(path: Path) -> dict[str, Any]:
    """The ledger's content; an absent, unreadable or hand-mangled file counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
