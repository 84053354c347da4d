"""Processes naming one CITEAUDIT_RATE_LIMIT_DB share one rate budget per registry.

Two real OS processes (as two `citeaudit refresh` runs from cron would be, or two
Prefect/Dask workers) ask the local registry server through the real Crossref client
at the same time. Each alone asks below the server's limit; the two together would
go over it. With the shared SQLite rate log they stay under it; without it (the
control) the server answers 429s, so the first test can fail.

The rates are small on purpose. Below 2/s a throttle lets one request through at a
time, about 0.58 s apart; at 5/s it lets bursts of 5 through 1.05 s apart, and if one
burst is held up 50 ms longer than the next on its way to the server (a thread
scheduled late on a busy machine, a process's slow first request), both bursts fall
in the server's one-second window, shared log or not. Single requests 0.58 s apart
would need 0.7 s of such delay before four fell in one window.

Run as a script, this file is one of those processes (see `_child`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citeaudit.config import Settings
from citeaudit.errors import InputError
from registry_server import SYNTHETIC_PREFIX, RegistryServer

SERVER_RPS = 3  # what the registry enforces (a sliding one-second window)
PROCESS_RPS = 1.9  # what each process allows itself: alone under SERVER_RPS, two over it
CALLS = 5  # per process: about 2.3 s alone, 5.2 s when the two share one budget


def _two_processes_at_once(tmp_path: Path, rate_limit_db: str) -> tuple[dict, list[dict], float]:
    """Start two processes, let them ask together; (server stats, their answers, seconds)."""
    limits: dict[str, tuple[float | None, int | None]] = {"crossref": (SERVER_RPS, None)}
    with RegistryServer(rate_limits=limits, synthetic=True) as server:
        env = {
            **os.environ,
            "CITEAUDIT_CROSSREF_URL": server.crossref_url,
            "CITEAUDIT_CROSSREF_RPS": str(PROCESS_RPS),
            "CITEAUDIT_RETRIES": "0",  # a 429 is counted once, not retried
            "CITEAUDIT_CACHE": "off",
            "CITEAUDIT_RATE_LIMIT_DB": rate_limit_db,
            # the child runs this file as a script: it needs tests/ for registry_server
            "PYTHONPATH": os.pathsep.join(
                [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]
            ),
        }
        processes = [
            subprocess.Popen(
                [sys.executable, __file__, str(CALLS), str(n * CALLS)],
                cwd=tmp_path,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        try:
            for process in processes:  # both have imported everything and built their client
                assert process.stdout is not None and process.stdin is not None
                line = process.stdout.readline()
                assert line.strip() == "ready", line + (
                    process.stderr.read() if process.stderr else ""
                )
            started = time.monotonic()
            for process in processes:
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
            outputs = [process.communicate(timeout=60) for process in processes]
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        for process, (_, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err
        return server.stats(), [json.loads(out) for out, _ in outputs], elapsed


def test_two_processes_naming_one_rate_limit_db_stay_within_the_registry_limit_together(
    tmp_path: Path,
):
    db = str(tmp_path / "shared" / "rate-limits.sqlite")
    stats, answers, elapsed = _two_processes_at_once(tmp_path, db)
    assert stats["limit_violations"].get("crossref", 0) == 0, stats
    assert stats["requests"]["crossref"] == 2 * CALLS
    assert answers == [{"found": CALLS}, {"found": CALLS}]
    # One budget: the 2 * CALLS requests went one after another, not two at a time.
    assert elapsed >= (2 * CALLS - 1) / PROCESS_RPS, elapsed


def test_the_same_two_processes_each_with_a_budget_of_its_own_go_over_the_limit(
    tmp_path: Path,
):
    """The control: without the shared file the first test would fail."""
    stats, _, _ = _two_processes_at_once(tmp_path, "")
    assert stats["limit_violations"].get("crossref", 0) > 0, stats


def test_the_rate_limit_db_setting_is_an_absolute_path_or_unset(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).rate_limit_db is None
    assert Settings.from_env({"CITEAUDIT_RATE_LIMIT_DB": "off"}).rate_limit_db is None
    relative = Settings.from_env({"CITEAUDIT_RATE_LIMIT_DB": "limits.sqlite"})
    assert relative.rate_limit_db == str(tmp_path / "limits.sqlite")
    with pytest.raises(InputError, match=r"CITEAUDIT_RATE_LIMIT_DB=.* is a directory"):
        Settings.from_env({"CITEAUDIT_RATE_LIMIT_DB": str(tmp_path)})


def _child(calls: int, first: int) -> None:
    """One process: build the real Crossref client, wait for "go", look up `calls` DOIs
    from as many threads as Crossref allows at once, print how the answers came out."""
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    import httpx2

    from citeaudit.registries.crossref import CrossrefClient

    # A breaker that never opens: every request is made, 429 or not.
    settings = replace(Settings.from_env(), breaker_threshold=10_000)
    client = CrossrefClient(settings)
    # The process's first HTTP request is some 300 ms slower (httpx2 sets itself up):
    # make it here, outside the rate limits, so it does not delay a throttled one.
    httpx2.get(settings.crossref_url.rsplit("/", 1)[0] + "/_stats")
    print("ready", flush=True)
    sys.stdin.readline()
    dois = [f"{SYNTHETIC_PREFIX}{first + i}" for i in range(calls)]
    with ThreadPoolExecutor(settings.crossref_concurrency) as pool:
        statuses = Counter(answer.status for answer in pool.map(client.work, dois))
    print(json.dumps(dict(statuses)), flush=True)


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
