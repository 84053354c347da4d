"""`validated.json`: the input checks' outcomes travel with the inputs, so a fresh clone
does not import great-expectations (six seconds) for claims and sources nobody changed,
and any change to them still gets checked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cli_run import ARTICLE

ROOT = Path(__file__).resolve().parents[2]
# `citeaudit check`, in-process in a child, saying whether great-expectations was imported.
CHECK_AND_TELL = (
    "import sys\n"
    "from citeaudit.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "print('exit', code, 'great_expectations' in sys.modules)\n"
)


def _check(workspace: Path, *args: str) -> tuple[int, bool, str]:
    """(exit code, whether great-expectations was imported, stderr) of one fresh run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEAUDIT_")}
    env["CITEAUDIT_CACHE"] = str(workspace / "no-cache-yet.sqlite")  # a fresh machine's
    done = subprocess.run(
        [sys.executable, "-c", CHECK_AND_TELL, "check", ARTICLE, "--offline", *args],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = done.stdout.strip().splitlines()[-1].split()
    (workspace / "no-cache-yet.sqlite").unlink(missing_ok=True)
    return int(last[1]), last[2] == "True", done.stderr


def test_the_committed_record_spares_a_fresh_clone_the_checks(workspace: Path) -> None:
    shutil.copy(ROOT / "validated.json", workspace / "validated.json")
    before = (workspace / "validated.json").read_bytes()
    code, imported, _ = _check(workspace)
    assert (code, imported) == (0, False)
    # Nothing new was found, so the record is left as it was (git status stays clean).
    assert (workspace / "validated.json").read_bytes() == before


def test_without_the_record_the_checks_run_and_write_it(workspace: Path) -> None:
    code, imported, _ = _check(workspace)
    assert (code, imported) == (0, True)
    record = json.loads((workspace / "validated.json").read_text(encoding="utf-8"))
    assert len(record["claims"]) == 1 and len(record["sources"]) == 6
    assert _check(workspace)[1] is False  # and the next fresh run uses it


def test_an_edited_claim_is_checked_again_and_a_bad_one_still_stops_the_run(
    workspace: Path,
) -> None:
    shutil.copy(ROOT / "validated.json", workspace / "validated.json")
    claims = workspace / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace(",reviewed,", ",rejected,", 1), encoding="utf-8")
    code, imported, _ = _check(workspace)
    assert (code, imported) == (0, True)

    # A reference key the article does not have: great-expectations says so, the record
    # cannot say otherwise.
    edited = claims.read_text(encoding="utf-8").replace(",,rejected,", ",nobody2020,rejected,", 1)
    assert "nobody2020" in edited
    claims.write_text(edited, encoding="utf-8")
    code, imported, stderr = _check(workspace)
    assert (code, imported) == (2, True)
    assert "nobody2020" in stderr and "Traceback" not in stderr


def test_a_mangled_record_is_read_as_empty(workspace: Path) -> None:
    (workspace / "validated.json").write_text("{not json", encoding="utf-8")
    code, imported, _ = _check(workspace)
    assert (code, imported) == (0, True)
    assert json.loads((workspace / "validated.json").read_text(encoding="utf-8"))["claims"]


def test_two_writers_keep_each_others_outcomes(tmp_path: Path) -> None:
    """A site run's batches record their sources at the same time: neither loses the
    other's entries (each re-reads the file before writing its own)."""
    from citeaudit.quality.ledger import Ledger

    path = tmp_path / "validated.json"
    first, second = Ledger(path, "v1"), Ledger(path, "v1")
    first.record_source("a", "ka", [])
    second.record_source("b", "kb", ["bad year"])
    first.save()
    second.save()
    again = Ledger(path, "v1")
    assert again.source_problems("a", "ka") == []
    assert again.source_problems("b", "kb") == ["bad year"]
    assert Ledger(path, "v2").source_problems("a", "ka") is None  # other checks: nothing
