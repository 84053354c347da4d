"""The README's work-pool recipe runs as written: `prefect.yaml`, a process work pool,
`prefect deploy --all`, a worker, and runs of the deployment that complete one at a time
(the deployment's concurrency limit), with results that another process can read.

The recipe failed before (``ValueError: Either an image or remote storage location must
be provided``: no prefect.yaml, no source). Here it runs against a real server from a
checkout in miniature (the flows, prefect.yaml, the seed article, claims.csv and
sources/), so what the README tells an operator to type is what this test types.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import prefect_env
from prefect_server import PREFECT, api, running_server, stop, tail

REPO_ROOT = prefect_env.REPO_ROOT
POOL = "citeaudit"
DEPLOYMENT = "citeaudit-audit-site/citeaudit-nightly-pool"
RECIPE = (
    f"prefect work-pool create {POOL} --type process",
    "prefect deploy --all",
    f"prefect worker start --pool {POOL}",
)


def test_the_readme_and_prefect_yaml_give_the_same_recipe() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    recipe = (REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8")
    for command in RECIPE:
        assert f"uv run {command}" in readme, command
        assert f"uv run {command}" in recipe, command


def _prefect(command: str, checkout: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(PREFECT), *command.removeprefix("prefect ").split()],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
READ_RESULT = """
import json, sys
from prefect.client.orchestration import get_client

with get_client(sync_client=True) as client:
    run = client.read_flow_run(sys.argv[1])
    print(json.dumps(run.state.result()))
"""


def _run_id(said: str) -> str:
    """The flow run id that `prefect deployment run` printed."""
    found = UUID.search(said)
    assert found, said
    return found.group(0)


def _wait_until_finished(
    url: str, ids: list[str], worker: subprocess.Popen[bytes], log_path: Path
) -> list[dict]:
    """The runs `ids` (and only those: the cron schedule adds runs of its own), once
    each has ended or four minutes have passed."""
    runs: list[dict] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert worker.poll() is None, tail(log_path)
        found = api(f"{url}/flow_runs/filter", {"flow_runs": {"id": {"any_": ids}}})
        assert isinstance(found, list)
        runs = found
        if len(runs) == len(ids) and all(
            r["state_type"] in ("COMPLETED", "FAILED", "CRASHED") for r in runs
        ):
            break
        time.sleep(3)
    return runs


def _persisted_result(run_id: str, checkout: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READ_RESULT, run_id],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_deployment_from_prefect_yaml_runs_on_a_process_worker(
    workspace: Path, tmp_path: Path
) -> None:
    checkout = workspace
    shutil.copytree(
        REPO_ROOT / "flows", checkout / "flows", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO_ROOT / "prefect.yaml", checkout / "prefect.yaml")
    with running_server(tmp_path) as (url, env):
        env = {**env, "PWD": str(checkout)}  # as the operator's shell sets it in the checkout
        create, deploy, worker = RECIPE
        _prefect(create, checkout, env)
        said = " ".join(_prefect(deploy, checkout, env).replace("│", " ").split())
        assert "successfully created" in said, said
        log_path = tmp_path / "worker.log"
        with log_path.open("wb") as log:
            working = subprocess.Popen(
                [str(PREFECT), *worker.removeprefix("prefect ").split()],
                cwd=tmp_path,  # the worker may start anywhere: the pull step sets the directory
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # Offline: the snapshots in sources/, so no registry is needed here. Two
                # runs asked for at once: the deployment's limit must make one wait.
                run = f"prefect deployment run {DEPLOYMENT} --param offline=true"
                ids = [_run_id(_prefect(run, checkout, env)) for _ in range(2)]
                runs = _wait_until_finished(url, ids, working, log_path)
            finally:
                stop(working)
        assert [r["state_type"] for r in runs] == ["COMPLETED", "COMPLETED"], tail(log_path)
        first, second = sorted(runs, key=lambda r: r["start_time"])
        assert first["end_time"] <= second["start_time"], "the two runs overlapped"
        assert runs[0]["parameters"]["articles"] == ["articles"]
        deployment = api(f"{url}/deployments/{runs[0]['deployment_id']}")
        assert isinstance(deployment, dict)
        assert deployment["global_concurrency_limit"]["limit"] == 1  # one run at a time
        # the result was persisted by the worker's process and is read back by another
        summary = _persisted_result(ids[0], checkout, env)
        assert summary["health"]["outcome"] == "completed", summary
        assert summary["articles"] == ["back-muscle-pain"], summary
    report = json.loads((checkout / "reports" / "back-muscle-pain.json").read_text())
    assert report["summary"]["claims"] == 45
    assert (checkout / "reports" / "index.html").is_file()
