"""A real `prefect server start` on loopback for the tests that need one.

Cron schedules and work pools only work against a long-lived server (the ephemeral one
of plain flow runs runs no scheduler), so those tests start the real thing, in a
PREFECT_HOME of their own, and talk to it over its REST API.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PREFECT = Path(sys.executable).with_name("prefect")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(url: str, body: dict | None = None) -> object:
    """GET (or POST `body` as JSON to) the server's REST API."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running_server(home: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Prefect server: (API URL, the environment a client or worker needs)."""
    url = f"http://127.0.0.1:{free_port()}/api"
    port = url.split(":")[2].split("/")[0]
    env = {
        **os.environ,
        "PREFECT_HOME": str(home / "prefect-home"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
        # the scheduler's pass and the runners' polls, short so tests wait seconds
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "5",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
    }
    log_path = home / "server.log"
    log = log_path.open("wb")
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
                api(f"{url}/health")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"prefect server did not start:\n{tail(log_path)}")
                time.sleep(1)
        yield url, env
    finally:
        stop(process)
        log.close()
