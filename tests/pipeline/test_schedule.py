"""The nightly schedule really fires: a real `prefect server start`, the deployment of
flows/deploy.py served on a one-minute cron, and a scheduled run that completes.

Inspecting the deployment object shows its cron string, not that the server's
scheduler turns it into runs: with SQLAlchemy 2.1 it failed on every pass and no run
was ever created. Only a running server and a serving process show it. The run is
offline, on a copy of the seed workspace, so no registry is asked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import prefect_env
from prefect_server import api, running_server, stop, tail

REPO_ROOT = prefect_env.REPO_ROOT
SERVE = """
import sys
from prefect import serve
from flows.deploy import build_deployment
workspace = sys.argv[1]
parameters = {
    "articles": [workspace + "/articles/back-muscle-pain.md"],
    "claims_csv": workspace + "/claims.csv",
    "sources_dir": workspace + "/sources",
    "out_dir": workspace + "/reports",
    "offline": True,
    "fail_on": "broken",
    "batch_size": 50,
}
serve(build_deployment(parameters, cron="* * * * *"))
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Prefect server on loopback, in its own PREFECT_HOME: (API URL, environment)."""
    with running_server(tmp_path) as found:
        yield found


def test_a_served_deployment_on_a_one_minute_cron_runs_on_schedule_and_completes(
    server: tuple[str, dict[str, str]], workspace: Path, tmp_path: Path
) -> None:
    url, env = server
    shutil.rmtree(workspace / "reports", ignore_errors=True)
    log = (tmp_path / "serve.log").open("wb")
    serving = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(workspace)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    completed: list[dict] = []
    try:
        deadline = time.monotonic() + 240  # the next minute, the run itself, and slack
        while time.monotonic() < deadline and not completed:
            assert serving.poll() is None, tail(tmp_path / "serve.log")
            time.sleep(5)
            runs = api(
                f"{url}/flow_runs/filter",
                {"flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED"]}}}},
            )
            assert isinstance(runs, list)
            finished = [r for r in runs if r.get("auto_scheduled")]
            assert all(r["state_type"] == "COMPLETED" for r in finished), (
                finished,
                tail(tmp_path / "serve.log"),
            )
            completed = finished
    finally:
        stop(serving)
        log.close()
    assert completed, "no scheduled run completed:\n" + tail(tmp_path / "serve.log")
    run = completed[0]
    assert run["deployment_id"] and run["auto_scheduled"] is True
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert report["summary"]["claims"] == 45
