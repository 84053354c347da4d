"""Nothing is lost when citeaudit is killed: real processes, real SIGKILL.

Snapshots, claims.csv and reports are written to a temporary file in the same folder
and renamed over the old one (files.atomic_write_bytes), so a reader sees the old file
or the new one, never half of one. These tests kill real `citeaudit` processes with
SIGKILL (no handler can run) while they write, then check every file and that the
next run completes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from citeaudit.config import Settings
from citeaudit.pipeline.options import RunOptions
from citeaudit.pipeline.stages import resolve_sources
from citeaudit.reading.inputs import load_articles
from citeaudit.verification.snapshots import SNAPSHOT_SCHEMA
from fault_article import write_fault_article
from registry_server import RegistryServer

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")

REFERENCES = 16  # in fault_article: each becomes one snapshot


def _env(server: RegistryServer) -> dict[str, str]:
    return {
        **os.environ,
        "CITEAUDIT_CROSSREF_URL": server.crossref_url,
        "CITEAUDIT_OPENALEX_URL": server.openalex_url,
        "CITEAUDIT_DOI_URL": server.doi_url,
        "CITEAUDIT_TIMEOUT": "5",
        "CITEAUDIT_RETRIES": "1",
        "CITEAUDIT_BACKOFF": "0.01",
    }


def _snapshots(sources: Path) -> list[Path]:
    return sorted(sources.glob("*.json")) if sources.exists() else []


def assert_every_file_in_sources_is_a_valid_snapshot(sources: Path) -> None:
    for path in sources.iterdir():
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            continue  # a killed writer's temporary file: hidden, never read as a snapshot
        assert path.suffix == ".json", f"unexpected file {path.name}"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["schema"] == SNAPSHOT_SCHEMA and data["id"] == path.stem
        assert data["doi_status"] and data["match"] and data["checked_at"]


def _kill_when(process: subprocess.Popen[str], sources: Path, written: int) -> int:
    """SIGKILL the process once `written` snapshots exist; returns how many existed."""
    deadline = time.monotonic() + 120
    while len(_snapshots(sources)) < written:
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return len(_snapshots(sources))


def test_a_refresh_killed_mid_run_leaves_valid_snapshots_and_the_next_run_completes(
    tmp_path: Path,
):
    with RegistryServer(latency=0.05) as slow:  # a few seconds for the whole article
        write_fault_article(slow, tmp_path / "article.md")
        env = _env(slow)
        command = [sys.executable, "-m", "citeaudit.cli", "refresh", "article.md"]
        sources = tmp_path / "sources"
        kept = 0
        for kill_after in (2, 7, 12):
            process = subprocess.Popen(
                command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            seen = _kill_when(process, sources, kill_after)
            assert seen >= kept, "a killed run never loses snapshots an earlier run wrote"
            kept = seen
            assert_every_file_in_sources_is_a_valid_snapshot(sources)

        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr
    assert f"sources: {REFERENCES} sources" in done.stdout
    assert len(_snapshots(sources)) == REFERENCES
    assert_every_file_in_sources_is_a_valid_snapshot(sources)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from citeaudit.claims.csv_file import write_claims
    from citeaudit.models import Claim, Reference
    from citeaudit.verification.snapshots import save_snapshot

    folder = Path(sys.argv[1])
    ref = Reference(key="k", raw="Smith, J. (2001). Title.", line=1, doi="10.1234/abc")
    versions = []
    for n in (1, 2):
        claims = [
            Claim(f"c{i}", "article", i + 1, "statistic", f"version {n}: claim {i} " + "x" * 200, [])
            for i in range(400 * n)
        ]
        snapshot = {"schema": "citeaudit.source/1", "id": "doi-10-1234-abc", "version": n,
                    "padding": "y" * 300_000 * n}
        versions.append((claims, snapshot))
    print("ready", flush=True)
    while True:
        for claims, snapshot in versions:
            write_claims(folder / "claims.csv", claims)
            save_snapshot(folder / "sources", ref, snapshot)
    """
)


def test_files_killed_mid_write_are_the_old_version_or_the_new_one(tmp_path: Path):
    from citeaudit.claims.csv_file import read_claims

    rng = random.Random(7)
    for attempt in range(8):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if not (tmp_path / "claims.csv").exists():
            continue  # killed before the first rename: nothing written yet is also whole
        claims = read_claims(tmp_path / "claims.csv")
        assert len(claims) in (400, 800), attempt
        assert len({c.text.split(":")[0] for c in claims}) == 1, "one version, never a mix"
        snapshot = tmp_path / "sources" / "doi-10-1234-abc.json"
        if snapshot.exists():
            data = json.loads(snapshot.read_text(encoding="utf-8"))
            assert len(data["padding"]) == 300_000 * data["version"]
        visible = [p.name for p in tmp_path.rglob("*") if not p.name.startswith(".")]
        assert sorted(visible) == sorted(
            ["claims.csv", "sources", *(["doi-10-1234-abc.json"] if snapshot.exists() else [])]
        )


def test_temporary_files_a_killed_run_left_are_swept_but_a_writer_in_flight_is_not(
    tmp_path: Path, settings: Settings
):
    sources = tmp_path / "sources"
    sources.mkdir()
    stale = sources / ".doi-10-1073-pnas-1414271111.json.0123456789ab.tmp"
    in_flight = sources / ".doi-10-1073-pnas-1414271111.json.ba9876543210.tmp"
    stale.write_text("{", encoding="utf-8")
    in_flight.write_text("{", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    article = tmp_path / "a.md"
    article.write_text(
        "Claim (Makris, 2014).\n\nReferences\n\nMakris, E. A. (2014). Developing functional "
        "musculoskeletal tissues. PNAS, 111(45), E4832. https://doi.org/10.1073/pnas.1414271111\n",
        encoding="utf-8",
    )
    resolve_sources(load_articles([article]), RunOptions(sources_dir=sources), settings)
    assert not stale.exists()
    assert in_flight.exists()
    assert_every_file_in_sources_is_a_valid_snapshot(sources)


def test_a_snapshot_that_cannot_be_written_stops_the_run_naming_it_and_leaves_no_temporaries(
    tmp_path: Path, settings: Settings
):
    sources = tmp_path / "sources"
    blocked = sources / "doi-10-1073-pnas-1414271111.json"
    blocked.mkdir(parents=True)  # a folder where the snapshot goes: it cannot be put there
    article = tmp_path / "a.md"
    article.write_text(
        "Claim (Makris, 2014).\n\nReferences\n\nMakris, E. A. (2014). Developing functional "
        "musculoskeletal tissues. PNAS, 111(45), E4832. https://doi.org/10.1073/pnas.1414271111\n",
        encoding="utf-8",
    )
    with pytest.raises(OSError) as failure:
        resolve_sources(load_articles([article]), RunOptions(sources_dir=sources), settings)
    assert str(blocked) in str(failure.value)
    assert [p.name for p in sources.iterdir()] == [blocked.name]


def test_extract_never_overwrites_a_save_an_editor_made_while_it_ran(tmp_path: Path):
    from citeaudit.claims.csv_file import (
        file_state,
        read_claims,
        write_claims,
        write_claims_unless_changed,
    )
    from citeaudit.errors import InputError
    from citeaudit.models import Claim

    path = tmp_path / "claims.csv"
    row = Claim("c1", "a", 1, "statistic", "45% of adults have back pain.", [], "proposed")
    write_claims(path, [row])
    read_as = file_state(path)  # what extract read before merging
    edited = Claim("c1", "a", 1, "statistic", "45% of adults have back pain.", [], "rejected")
    write_claims(path, [edited])  # the editor saves meanwhile
    proposal = Claim("c2", "a", 2, "efficacy", "Massage relieves back pain.", [], "proposed")
    with pytest.raises(InputError, match="changed while citeaudit was working"):
        write_claims_unless_changed(path, [row, proposal], read_as)
    assert read_claims(path) == [edited]
    write_claims_unless_changed(path, [edited, proposal], file_state(path))
    assert read_claims(path) == [edited, proposal]
