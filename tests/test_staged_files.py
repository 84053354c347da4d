"""Many files written at once, each still old or new, never half-written.

A run writes one snapshot per source. Their data is written beside each file first, synced
once for the lot, then renamed into place (`files.stage_file`, `files.commit_staged`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citeaudit.files import commit_staged, discard_staged, stage_file


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_staged_files_are_invisible_until_committed_then_all_in_place(tmp_path: Path):
    (tmp_path / "b.json").write_text("old b", encoding="utf-8")
    staged = [stage_file(tmp_path / name, f"new {name}".encode()) for name in ("a.json", "b.json")]
    assert not (tmp_path / "a.json").exists()
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == "old b"
    assert len(_hidden(tmp_path)) == 2
    commit_staged(staged)
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "new a.json"
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == "new b.json"
    assert _hidden(tmp_path) == []


def test_a_committed_file_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path):
    target = tmp_path / "shared.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    commit_staged([stage_file(target, b"new")])
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_staged_file_is_written_through_a_symlink_not_over_it(tmp_path: Path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    commit_staged([stage_file(link, b"new")])
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_file_that_cannot_be_put_in_place_is_named_and_nothing_half_done_is_left(
    tmp_path: Path,
):
    (tmp_path / "b.json").mkdir()  # a directory where the file should go: rename fails
    staged = [stage_file(tmp_path / name, b"{}") for name in ("a.json", "b.json", "c.json")]
    with pytest.raises(OSError) as failure:
        commit_staged(staged)
    assert str(tmp_path / "b.json") in str(failure.value)
    assert _hidden(tmp_path) == []  # no temporary file of b or c stays behind
    assert not (tmp_path / "c.json").exists()


def test_discarded_files_leave_nothing_behind_and_the_old_files_alone(tmp_path: Path):
    (tmp_path / "a.json").write_text("old", encoding="utf-8")
    discard_staged([stage_file(tmp_path / "a.json", b"new")])
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "old"
    assert _hidden(tmp_path) == []


def test_a_file_that_cannot_be_staged_is_named(tmp_path: Path):
    missing = tmp_path / "no such folder" / "a.json"
    with pytest.raises(OSError) as failure:
        stage_file(missing, b"{}")
    assert os.fspath(missing) in str(failure.value)
