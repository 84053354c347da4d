"""The README's work-pool recipe runs as written: `prefect.yaml`, a process work pool,
`prefect deploy --all`, a worker, and a run of the deployment that completes.

The recipe failed before (``ValueError: Either an image or remote storage location must
be provided``: no prefect.yaml, no source). Here it runs against a real server from a
checkout in miniature (the flows, prefect.yaml, the seed article, claims.csv and
sources/), so what the README tells an operator to type is what this test types.
"""

from __future__ import annotations

import json
import shutil
import subprocess
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
                # Offline: the snapshots in sources/, so no registry is needed here.
                _prefect(f"prefect deployment run {DEPLOYMENT} --param offline=true", checkout, env)
                state = None
                deadline = time.monotonic() + 240
                while time.monotonic() < deadline:
                    assert working.poll() is None, tail(log_path)
                    runs = api(f"{url}/flow_runs/filter", {})
                    assert isinstance(runs, list)
                    state = runs[0]["state_type"] if runs else None
                    if state in ("COMPLETED", "FAILED", "CRASHED"):
                        break
                    time.sleep(3)
            finally:
                stop(working)
        assert state == "COMPLETED", tail(log_path)
        run = runs[0]
        assert run["parameters"]["articles"] == ["articles"]
        deployment = api(f"{url}/deployments/{run['deployment_id']}")
        assert isinstance(deployment, dict)
        assert deployment["global_concurrency_limit"]["limit"] == 1  # one run at a time
    report = json.loads((checkout / "reports" / "back-muscle-pain.json").read_text())
    assert report["summary"]["claims"] == 45
    assert (checkout / "reports" / "index.html").is_file()
