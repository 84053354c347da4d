"""A whole site under the Prefect flow: wall time, time per stage, and the CLI's figure.

Why: a publisher runs the flow nightly over hundreds or thousands of pages, and the
flow must not cost much more than the library run it orchestrates, nor leave cores
idle while it judges. This builds a site of ``--articles`` pages (default 500) by
cycling through real articles (the seed and the other Markdown articles in
``articles/``, and the real publisher pages of ``benchmarks/data/articles/dev/``), each
under a name of its own, with the seed's ``claims.csv`` and ``sources/`` (so every
page but the seed's copies has its claims proposed, as a new page would), and runs it
offline three ways:

1. **CLI**: `citeaudit.pipeline.stages.run`, what ``citeaudit check`` runs, with the
   time of each stage (read, claims, resolve, audit, write);
2. **flow, threads**: `flows.audit_flow.audit_site` on its default task runner
   (Prefect's thread pool), in batches of ``--batch-size``;
3. **flow, processes**: the same flow on Prefect's ``ProcessPoolTaskRunner`` with one
   worker per core, so the batches are judged in parallel.

For the flows, the time of each stage is the sum of its task runs' run times, read back
from the Prefect API of a real ``prefect server start`` that the script starts in its own
process (as a nightly job runs; an ephemeral server would share this process's CPU).
Offline, so no registry is asked: the figures are the pipeline's own.

Usage: ``uv run python benchmarks/site_flow.py [--articles 500] [--batch-size 50] [--json]``;
with ``--json`` the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(  # before Prefect is imported (workers inherit it): a throw-away home
    "PREFECT_HOME", tempfile.mkdtemp(prefix="citeaudit-bench-prefect-")
)
_HOME = Path(os.environ["PREFECT_HOME"])
os.environ.update(  # no telemetry, quiet
    {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    }
)


def _start_server() -> subprocess.Popen[bytes]:
    """A real `prefect server start` in its own process, as a nightly job has: the
    ephemeral server would run inside this process and take its CPU from the flow."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{os.environ['PREFECT_API_URL']}/health", timeout=2)
            return server
        except OSError:
            time.sleep(1)
    server.kill()
    raise SystemExit("prefect server did not start within 120 s")


sys.path.insert(0, str(ROOT))

from prefect.client.orchestration import get_client  # noqa: E402
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId  # noqa: E402
from prefect.settings import PREFECT_API_URL, temporary_settings  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner  # noqa: E402

from citeaudit.pipeline import stages  # noqa: E402
from citeaudit.pipeline.options import RunOptions  # noqa: E402
from citeaudit.pipeline.resolution import resolve_all  # noqa: E402
from citeaudit.reading.inputs import load_site  # noqa: E402

from flows.audit_flow import audit_site  # noqa: E402  # isort: skip (needs ROOT on sys.path)

SOURCES = [
    *sorted(p for p in (ROOT / "articles").glob("*.md") if not p.stem.isupper()),
    *sorted((ROOT / "benchmarks" / "data" / "articles" / "dev").glob("*.html")),
]


def build_site(where: Path, count: int) -> list[str]:
    """`count` article files cycling through SOURCES, with claims.csv and sources/."""
    (where / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "claims.csv", where / "claims.csv")
    shutil.copytree(ROOT / "sources", where / "sources")
    names = []
    for number in range(count):
        source = SOURCES[number % len(SOURCES)]
        # the first copy of the seed keeps its name, so its reviewed claims.csv rows apply
        name = source.name if number < len(SOURCES) else f"{source.stem}-{number}{source.suffix}"
        shutil.copy(source, where / "articles" / name)
        names.append(f"articles/{name}")
    return names


def cli_run(paths: list[str], out_dir: str) -> dict[str, float]:
    """`stages.run`, stage by stage, timed."""
    options = RunOptions(out_dir=Path(out_dir), offline=True, progress=False)
    times: dict[str, float] = {}
    started = time.perf_counter()
    articles, _ = load_site(paths)
    times["read"] = time.perf_counter() - started
    mark = time.perf_counter()
    claims = stages.load_claims(options, articles)
    times["claims"] = time.perf_counter() - mark
    mark = time.perf_counter()
    resolution = resolve_all(articles, options, records=False, progress=False)
    times["resolve"] = time.perf_counter() - mark
    mark = time.perf_counter()
    audits = stages.audit_articles(articles, claims, resolution.snapshots, options)
    times["audit"] = time.perf_counter() - mark
    mark = time.perf_counter()
    stages.write_reports(audits, options)
    times["write"] = time.perf_counter() - mark
    times["wall"] = time.perf_counter() - started
    return times


_STAGE_OF_TASK = {
    "load-articles": "read",
    "load-claims": "claims",
    "resolve-sources-batch": "resolve",
    "audit-batch": "audit",
    "write-batch-reports": "write",
    "write-run-outputs": "write",
}


def flow_run(paths: list[str], out_dir: str, batch_size: int, runner: Any = None) -> dict[str, Any]:
    """The flow over the site: wall time and the summed run time of each stage's tasks."""
    flow = audit_site.with_options(task_runner=runner) if runner is not None else audit_site
    started = time.perf_counter()
    state = flow(articles=paths, out_dir=out_dir, batch_size=batch_size, return_state=True)
    wall = time.perf_counter() - started
    summary = state.result(raise_on_failure=False)
    # A Failed run's result is a SiteRunFailed carrying its summary: the figures stand,
    # and "state" says it failed.
    summary = getattr(summary, "summary", summary)
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    times: dict[str, float] = defaultdict(float)
    for run in task_runs:
        stage = _STAGE_OF_TASK.get(run.name.rsplit("-", 1)[0], "other")
        times[stage] += run.total_run_time.total_seconds()
    return {
        "wall": wall,
        "state": state.name,
        "articles": len(summary["articles"]),
        "tasks": len(task_runs),
        "stages": dict(times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="pages in the site")
    parser.add_argument("--batch-size", type=int, default=50, help="articles per batch")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    # started here, not at import: worker processes import this module again
    server = _start_server()
    with (
        temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}),
        tempfile.TemporaryDirectory(prefix="citeaudit-site-") as tmp,
    ):
        site = Path(tmp)
        paths = build_site(site, args.articles)
        os.chdir(site)
        audit_site(articles=paths[:1], out_dir="warm-up", return_state=True)  # imports, caches
        cli = cli_run(paths, "reports-cli")
        threads = flow_run(paths, "reports-threads", args.batch_size)
        processes = flow_run(
            paths, "reports-processes", args.batch_size, ProcessPoolTaskRunner(max_workers=cores)
        )
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    shutil.rmtree(_HOME, ignore_errors=True)

    print(f"A site of {args.articles} pages ({len(SOURCES)} real articles cycled), offline,")
    print(f"batches of {args.batch_size}, on {cores} core(s)\n")
    stages_shown = ("read", "claims", "resolve", "audit", "write")
    print(f"{'':<22}{'wall s':>8}  " + "  ".join(f"{s:>8}" for s in stages_shown))
    print(
        f"{'CLI (stages.run)':<22}{cli['wall']:>8.1f}  "
        + "  ".join(f"{cli[s]:>8.1f}" for s in stages_shown)
    )
    for label, run in (("flow, threads", threads), ("flow, processes", processes)):
        print(
            f"{label:<22}{run['wall']:>8.1f}  "
            + "  ".join(f"{run['stages'].get(s, 0.0):>8.1f}" for s in stages_shown)
            + f"   ({run['tasks']} task runs, {run['articles']} articles, {run['state']})"
        )
    print(
        f"\nflow / CLI wall time: threads {threads['wall'] / cli['wall']:.2f}, "
        f"processes {processes['wall'] / cli['wall']:.2f}"
    )
    print("(a flow's stage times are summed over its task runs, which may overlap)")
    if args.json:
        print(
            json.dumps(
                {
                    "articles": args.articles,
                    "batch_size": args.batch_size,
                    "cores": cores,
                    "cli": {k: round(v, 2) for k, v in cli.items()},
                    "flow_threads": {
                        **threads,
                        "wall": round(threads["wall"], 2),
                        "stages": {k: round(v, 2) for k, v in threads["stages"].items()},
                    },
                    "flow_processes": {
                        **processes,
                        "wall": round(processes["wall"], 2),
                        "stages": {k: round(v, 2) for k, v in processes["stages"].items()},
                    },
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
