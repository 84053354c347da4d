"""The nightly schedule really fires: a real `prefect server start`, the deployment of
flows/deploy.py served on a one-minute cron, and a scheduled run that completes.

Inspecting the deployment object shows its cron string, not that the server's
scheduler turns it into runs: with SQLAlchemy 2.1 it failed on every pass and no run
was ever created. Only a running server and a serving process show it. The run is
offline, on a copy of the seed workspace, so no registry is asked.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import prefect_env

REPO_ROOT = prefect_env.REPO_ROOT
PREFECT = Path(sys.executable).with_name("prefect")
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _api(url: str, body: dict | None = None) -> object:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Prefect server on loopback, in its own PREFECT_HOME: (API URL, environment)."""
    api = f"http://127.0.0.1:{_free_port()}/api"
    port = api.split(":")[2].split("/")[0]
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
        # the scheduler's pass and the runner's poll, short so the test waits one minute
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "5",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", port],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _api(f"{api}/health")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"prefect server did not start:\n{_tail(tmp_path / 'server.log')}")
                time.sleep(1)
        yield api, env
    finally:
        _stop(process)
        log.close()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def test_a_served_deployment_on_a_one_minute_cron_runs_on_schedule_and_completes(
    server: tuple[str, dict[str, str]], workspace: Path, tmp_path: Path
) -> None:
    api, env = server
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
            assert serving.poll() is None, _tail(tmp_path / "serve.log")
            time.sleep(5)
            runs = _api(
                f"{api}/flow_runs/filter",
                {"flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED"]}}}},
            )
            assert isinstance(runs, list)
            finished = [r for r in runs if r.get("auto_scheduled")]
            assert all(r["state_type"] == "COMPLETED" for r in finished), (
                finished,
                _tail(tmp_path / "serve.log"),
            )
            completed = finished
    finally:
        _stop(serving)
        log.close()
    assert completed, "no scheduled run completed:\n" + _tail(tmp_path / "serve.log")
    run = completed[0]
    assert run["deployment_id"] and run["auto_scheduled"] is True
    report = json.loads((workspace / "reports" / "back-muscle-pain.json").read_text())
    assert report["summary"]["claims"] == 45
