"""Nightly re-check of the site's articles: a served Prefect 3 deployment.

Why a schedule: a citation that was fine when an article was published can break
later (a retraction, an expression of concern, a DOI that stops resolving), so the
articles are re-audited online every night at 03:00 UTC.

How to run it (cron schedules need a running Prefect server; the ephemeral server
that plain flow runs start is gone when the process exits):

    # terminal 1: the API, the scheduler and the UI at http://127.0.0.1:4200
    .venv/bin/prefect server start

    # terminal 2: point the client at that server and serve the deployment
    export PREFECT_API_URL=http://127.0.0.1:4200/api
    .venv/bin/python flows/deploy.py          # long-lived; Ctrl-C pauses the schedule

    # optional: run it now instead of waiting for 03:00 UTC
    .venv/bin/prefect deployment run 'citeaudit-audit-site/citeaudit-nightly'

The serving process executes the runs itself (no work pool or worker needed); it
needs network access to the registries and the same environment variables the CLI
reads for registry settings (those stay in the environment, never in parameters).
Online runs refresh the snapshots in sources/ as the CLI's online mode does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.settings import get_current_settings

if __package__ in (None, ""):  # run as a script (python flows/deploy.py): make `flows` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.audit_flow import audit_site

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENT_NAME = "citeaudit-nightly"
NIGHTLY_CRON = "0 3 * * *"
TIMEZONE = "UTC"
CONCURRENCY_LIMIT = 1


def default_parameters(root: Path = REPO_ROOT) -> dict[str, Any]:
    """Parameters for the nightly run, as absolute paths under the repository.

    Absolute so a run does not depend on the serving process's working directory. The
    articles are the folder, expanded by the library when each run starts, so an
    article added to it is audited the next night without a restart. ``offline=False``:
    a re-check exists to see registry changes, which the stored snapshots cannot show.
    """
    return {
        "articles": [str(root / "articles")],
        "claims_csv": str(root / "claims.csv"),
        "sources_dir": str(root / "sources"),
        "out_dir": str(root / "reports"),
        "offline": False,
        "fail_on": "broken",
        "batch_size": 50,
    }


def build_deployment(
    parameters: dict[str, Any] | None = None, cron: str = NIGHTLY_CRON
) -> RunnerDeployment:
    """Build (without contacting any server) the nightly deployment object.

    Kept separate from `main` so a test can serve it on a one-minute schedule.
    """
    return audit_site.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=TIMEZONE)],
        parameters=parameters if parameters is not None else default_parameters(),
        description="Nightly online re-audit of every article's citations and claims.",
        tags=["citeaudit", "nightly"],
        # One run at a time: two runs over the same reports, sources and site index
        # would race. A run due while one is still going waits (Prefect's default).
        concurrency_limit=CONCURRENCY_LIMIT,
    )


def main() -> None:
    """Register the deployment with the server at PREFECT_API_URL and serve it.

    Refuses to start without PREFECT_API_URL: Prefect would then serve against a
    throw-away ephemeral server, which runs no scheduler, so the cron would never fire.
    """
    if not get_current_settings().api.url:
        raise SystemExit(
            "PREFECT_API_URL is not set: start `prefect server start` and "
            "export PREFECT_API_URL=http://127.0.0.1:4200/api (see flows/deploy.py)."
        )
    serve(build_deployment())


if __name__ == "__main__":
    main()
