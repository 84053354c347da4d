"""Throughput: how fast citeaudit resolves references at the registries' polite limits.

Why: a publisher re-checks its whole archive (10,000 articles, 100,000 references)
every night, and one article in CI must take seconds. This script measures the real
resolution stage (`citeaudit.pipeline.resolution.resolve_all`, what `citeaudit check`/`refresh`
and the Prefect flow run) against tests/registry_server.py started in a *separate
process* (its memory is not ours) with

* 150 ms of latency on every answer (``--latency``), like a registry across the
  Atlantic;
* the polite limits enforced: Crossref 10 requests/s with 5 at once, OpenAlex 100/s
  (with an API key) and doi.org 10/s; a request over a limit is answered 429 and
  counted as a limit violation;
* synthetic works: every DOI ``10.5555/bench.<n>`` is answered with a constructed
  record (the recorded PNAS record with its own DOI and title), so any number of
  distinct references resolve.

It prints, in one run:

1. **naive**: one habanero call and one pyalex call per reference, one reference after
   another (what a simple script does), on a sample (``--naive-sample``), as refs/s;
2. **batched** (cold): ``--refs`` references (default 1,000), in articles of 10, with
   an empty cache: refs/s, requests per registry, limit violations;
3. **warm**: the same on ``--warm-refs`` references (default 10,000) with everything
   cached: the wall time of a nightly re-run where nothing changed;
4. **memory**: the peak RSS of this process (and, with ``--memory-refs N``, of a child
   process resolving N references cold, e.g. 100,000);
5. **cold start**: wall time of ``citeaudit check --offline`` on the seed article in a
   fresh process, the first time (no cache) and again; and the README's main command
   (``uv run citeaudit check ... --offline``) in a fresh ``git clone`` of HEAD, whose
   first run includes creating the clone's environment from uv's cache.

Usage: ``uv run python benchmarks/throughput.py [--refs 1000] [--json]``; with
``--json`` the last line is one JSON object with at least ``refs_per_s``,
``naive_refs_per_s``, ``speedup``, ``limit_violations``, ``peak_rss_mb`` and ``warm_s``.
Only 127.0.0.1 is contacted; every loop is bounded by the counts given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from citeaudit.config import Settings  # noqa: E402
from citeaudit.pipeline.options import RunOptions  # noqa: E402
from citeaudit.pipeline.resolution import refresh_site, resolve_all  # noqa: E402
from citeaudit.reading.inputs import load_articles  # noqa: E402
from fault_article import apa_reference  # noqa: E402
from registry_server import (  # noqa: E402
    SYNTHETIC_PREFIX,
    synthetic_crossref_record,
)

LIMITS = "crossref=10:5,openalex=100:10,doi=10:5"
REFS_PER_ARTICLE = 10
SERVER_START_TIMEOUT = 60.0


# -- the server, in its own process --------------------------------------------------------


class Server:
    """tests/registry_server.py in a child process, stopped on exit."""

    def __init__(self, latency: float):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "registry_server.py"),
                "--port", "0",
                "--latency", str(latency),
                "--rate-limits", LIMITS,
                "--synthetic",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        self.base = ""
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("listening "):
                self.base = line.split(" ", 1)[1].strip()
                break
        if not self.base:
            self.stop()
            raise RuntimeError("the registry server did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far; 0.0 where /proc
        is not there to say."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/_stats", timeout=10) as response:
            return json.loads(response.read())

    def settings(self, cache: Path | None) -> Settings:
        return Settings(
            crossref_url=f"{self.base}/crossref",
            openalex_url=f"{self.base}/openalex",
            doi_url=f"{self.base}/doi",
            mailto="bench@example.org",
            openalex_api_key="bench-key",  # OpenAlex's keyed limit: 100 requests/s
            timeout=10,
            cache_path=str(cache) if cache else None,
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _delta(after: dict[str, Any], before: dict[str, Any], key: str) -> dict[str, int]:
    a, b = after.get(key, {}), before.get(key, {})
    return {name: a.get(name, 0) - b.get(name, 0) for name in sorted(set(a) | set(b))}


# -- workloads -----------------------------------------------------------------------------


def write_articles(folder: Path, first: int, count: int) -> list[Path]:
    """`count` references to synthetic works first..first+count-1, 10 per article."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(first, first + count, REFS_PER_ARTICLE):
        numbers = range(start, min(start + REFS_PER_ARTICLE, first + count))
        lines = [apa_reference(synthetic_crossref_record(n)) for n in numbers]
        path = folder / f"bench-{start:06d}.md"
        path.write_text(
            f"# Benchmark article {start}\n\nCollagen cross-linking matters (Makris, 2014).\n\n"
            "## References\n\n" + "\n".join(lines) + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def resolve_timed(paths: list[Path], sources: Path, settings: Settings) -> tuple[float, Any]:
    articles = load_articles(paths)
    # The resolution's code imported first: "cold" is the cache, not the process (a cold
    # process is timed on its own, by `cold_start`).
    import citeaudit.registries.bulk
    import citeaudit.verification.lookup  # noqa: F401

    started = time.perf_counter()
    result = resolve_all(articles, RunOptions(sources_dir=sources), settings, records=False)
    return time.perf_counter() - started, result


def naive(server: Server, sample: int) -> float:
    """One habanero call and one pyalex call per reference, in sequence: refs/s."""
    import pyalex
    from habanero import Crossref

    base = f"{server.base}/openalex"

    class Works(pyalex.Works):  # pyalex hard-codes api.openalex.org
        @property
        def url(self) -> str:
            return base + super().url.removeprefix("https://api.openalex.org")

    pyalex.config.api_key = "bench-key"
    crossref = Crossref(base_url=f"{server.base}/crossref", mailto="bench@example.org")
    first = 900_000_000  # DOIs no other phase asks for
    started = time.perf_counter()
    for n in range(first, first + sample):
        doi = f"{SYNTHETIC_PREFIX}{n}"
        crossref.works(ids=doi)
        Works()[f"https://doi.org/{doi}"]
    return sample / (time.perf_counter() - started)


def cold_start(workdir: Path) -> dict[str, float]:
    """Wall time of `citeaudit check --offline` on the seed, in fresh processes, with
    the files a clone has (claims.csv, sources/ and the checks' record validated.json)
    and no cache: the first time, and again."""
    for name in ("articles", "sources"):
        shutil.copytree(ROOT / name, workdir / name)
    for name in ("claims.csv", "validated.json"):
        shutil.copy(ROOT / name, workdir / name)
    command = [
        sys.executable, "-m", "citeaudit.cli", "check",
        "articles/back-muscle-pain.md", "--offline", "--out", "reports",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEAUDIT_")}
    times = {}
    for label in ("first", "repeat"):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=300)
        times[label] = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr.decode(errors="replace"))
    return times


def fresh_clone_start(workdir: Path) -> dict[str, float] | None:
    """The README's main command in a fresh `git clone` of this checkout's HEAD, timed
    from the shell's point of view: `uv run` creates the clone's environment first (from
    uv's cache, as on any machine that installed citeaudit before). None without git or uv."""
    uv, git = shutil.which("uv"), shutil.which("git")
    if uv is None or git is None:
        return None
    clone = workdir / "clone"
    subprocess.run([git, "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITEAUDIT_", "VIRTUAL_ENV"))}
    command = [uv, "run", "citeaudit", "check", "articles/back-muscle-pain.md", "--offline"]
    times = {}
    for label in ("first", "repeat"):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=clone, env=env, capture_output=True, timeout=600)
        times[label] = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr.decode(errors="replace"))
    return times


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM): unlike getrusage's ru_maxrss, it is not
    inherited from the parent a child was forked from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(refs: int, latency: float) -> dict[str, Any]:
    """Peak RSS (MB) and time of a child process refreshing `refs` references cold."""
    done = subprocess.run(
        [sys.executable, __file__, "--memory-only", str(refs), "--latency", str(latency)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_only(refs: int, latency: float) -> None:
    server = Server(latency)
    try:
        with tempfile.TemporaryDirectory(prefix="citeaudit-mem-") as tmp:
            work = Path(tmp)
            write_articles(work / "articles", 0, refs)
            started = time.perf_counter()
            # The nightly re-check of an archive: `citeaudit refresh` (constant memory).
            result = refresh_site(
                [work / "articles"],
                RunOptions(sources_dir=work / "sources"),
                server.settings(work / "c.db"),
            )
            seconds = time.perf_counter() - started
            print(
                json.dumps(
                    {
                        "refs": refs,
                        "seconds": round(seconds, 2),
                        "resolved": sum(result.states.values()),
                        "matched": result.states.get("resolves/matched", 0),
                        "peak_rss_mb": round(peak_rss_mb(), 1),
                    }
                )
            )
    finally:
        server.stop()


# -- the run -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=1000, help="references, cold (default 1000)")
    parser.add_argument("--warm-refs", type=int, default=10_000, help="references, warm re-run")
    parser.add_argument("--naive-sample", type=int, default=30, help="references asked naively")
    parser.add_argument("--memory-refs", type=int, default=0, help="also: peak RSS at N refs")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per answer")
    parser.add_argument("--no-cold-start", action="store_true", help="skip the CLI timing")
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
    parser.add_argument("--memory-only", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_only:
        memory_only(args.memory_only, args.latency)
        return 0

    figures: dict[str, Any] = {"refs": args.refs, "latency_s": args.latency, "limits": LIMITS}
    server = Server(args.latency)
    try:
        with tempfile.TemporaryDirectory(prefix="citeaudit-bench-") as tmp:
            work = Path(tmp)
            settings = server.settings(work / "cache.sqlite")

            start = server.stats()
            figures["naive_refs_per_s"] = naive(server, args.naive_sample)
            naive_stats = server.stats()

            paths = write_articles(work / "articles", 0, args.refs)
            # Where the cold run's time goes on a machine shared with the simulated
            # registries: this process's CPU (all threads) and the server's, meanwhile.
            server_cpu, own_cpu = server.cpu_seconds(), _own_cpu_seconds()
            seconds, result = resolve_timed(paths, work / "sources", settings)
            figures["cold_cpu_s"] = _own_cpu_seconds() - own_cpu
            figures["cold_server_cpu_s"] = server.cpu_seconds() - server_cpu
            after = server.stats()
            figures["cold_s"] = seconds
            figures["refs_per_s"] = args.refs / seconds
            figures["requests"] = _delta(after, naive_stats, "requests")
            figures["naive_requests"] = _delta(naive_stats, start, "requests")
            unverified = sum(1 for s in result.snapshots.values() if s["match"] != "matched")
            figures["not_matched"] = unverified

            warm_refs = max(args.warm_refs, args.refs)
            warm_paths = paths + write_articles(work / "articles", args.refs, warm_refs - args.refs)
            fill_s, _ = resolve_timed(warm_paths, work / "sources", settings)  # the rest, cold
            before_warm = server.stats()
            warm_s, warm = resolve_timed(warm_paths, work / "sources", settings)
            figures["warm_refs"] = warm_refs
            figures["warm_fill_s"] = fill_s
            figures["warm_s"] = warm_s
            figures["warm_requests"] = sum(_delta(server.stats(), before_warm, "requests").values())
            figures["warm_fresh"] = warm.counts.get("fresh", 0)
            figures["limit_violations"] = sum(
                _delta(server.stats(), start, "limit_violations").values()
            )
        figures["peak_rss_mb"] = peak_rss_mb()
    finally:
        server.stop()
    if args.memory_refs:
        figures["memory_refs"] = args.memory_refs
        child = memory_child(args.memory_refs, args.latency)
        figures["memory_peak_rss_mb"] = child["peak_rss_mb"]
        figures["memory_run_s"] = child["seconds"]
        figures["memory_matched"] = child["matched"]
    if not args.no_cold_start:
        with tempfile.TemporaryDirectory(prefix="citeaudit-cold-") as tmp:
            times = cold_start(Path(tmp))
        figures["cold_start_first_s"] = times["first"]
        figures["cold_start_repeat_s"] = times["repeat"]
        with tempfile.TemporaryDirectory(prefix="citeaudit-clone-") as tmp:
            clone = fresh_clone_start(Path(tmp))
        if clone is not None:
            figures["fresh_clone_first_s"] = clone["first"]
            figures["fresh_clone_repeat_s"] = clone["repeat"]
    figures["speedup"] = figures["refs_per_s"] / figures["naive_refs_per_s"]
    print_table(figures)
    if args.json:
        print(
            json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()})
        )
    return 0


def print_table(f: dict[str, Any]) -> None:
    def requests(counts: dict[str, int]) -> str:
        return ", ".join(f"{name} {n}" for name, n in counts.items() if n) or "none"

    rows = [
        ("naive (1 habanero + 1 pyalex call per ref, in sequence)",
         f"{f['naive_refs_per_s']:.1f} refs/s", requests(f["naive_requests"])),
        (f"batched, cold ({f['refs']} refs)",
         f"{f['refs_per_s']:.1f} refs/s ({f['cold_s']:.2f} s)", requests(f["requests"])),
        ("  CPU meanwhile: citeaudit (all threads) / simulated registries",
         f"{f['cold_cpu_s']:.2f} s / {f['cold_server_cpu_s']:.2f} s", "two cores shared"),
        ("speedup", f"{f['speedup']:.0f}x", ""),
        (f"warm re-run ({f['warm_refs']} refs, all cached)",
         f"{f['warm_s']:.2f} s", f"{f['warm_requests']} requests"),
        ("limit violations (429s answered)", str(f["limit_violations"]), LIMITS),
        ("peak RSS, this process", f"{f['peak_rss_mb']:.0f} MB", ""),
    ]  # fmt: skip
    if "memory_peak_rss_mb" in f:
        rows.append(
            (
                f"peak RSS, refresh of {f['memory_refs']} refs cold",
                f"{f['memory_peak_rss_mb']:.0f} MB",
                f"{f['memory_run_s']:.0f} s, {f['memory_matched']} matched",
            )
        )
    if "cold_start_first_s" in f:
        rows.append(
            ("citeaudit check --offline (seed), cold process",
             f"{f['cold_start_first_s']:.2f} s first, {f['cold_start_repeat_s']:.2f} s repeat", "")
        )  # fmt: skip
    if "fresh_clone_first_s" in f:
        rows.append(
            ("README main command, fresh git clone (uv run)",
             f"{f['fresh_clone_first_s']:.2f} s first, {f['fresh_clone_repeat_s']:.2f} s repeat",
             "first includes creating the clone's environment")
        )  # fmt: skip
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':<{value}}  requests / notes")
    print(f"{'-' * width}  {'-' * value}  {'-' * 20}")
    for name, figure, note in rows:
        print(f"{name:<{width}}  {figure:<{value}}  {note}")


if __name__ == "__main__":
    sys.exit(main())
