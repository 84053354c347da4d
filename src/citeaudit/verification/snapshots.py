"""Source snapshots: one reviewable JSON file per cited work in `sources/`.

A snapshot records what each registry said, when, and from where, plus the
normalised metadata and abstract used for judging. `check --offline` runs from these
files alone, so a review of a pull request can see exactly which evidence a verdict
rests on, and CI does not depend on registries being up.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from citeaudit.errors import InputError
from citeaudit.files import (
    StagedFile,
    atomic_write_bytes,
    commit_staged,
    discard_staged,
    stage_file,
)
from citeaudit.models import Reference

SNAPSHOT_SCHEMA = "citeaudit.source/1"


def _slug(text: str, words: int = 6) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", text)[:words])


def source_id(ref: Reference) -> str:
    """Stable file name for a cited work, the same whichever article cites it.

    The DOI identifies a work when the article gives one; otherwise first author,
    year and the title's first words do (what a human would use to tell works apart).
    """
    if ref.doi:
        return "doi-" + _slug(ref.doi.replace("/", " "), words=20)
    surname = _slug(ref.first_author_surname or "anon", words=2)
    title = _slug(ref.title or ref.raw, words=6)
    return f"{surname}-{ref.year or 'nd'}-{title}"


def cited_as(ref: Reference) -> dict[str, Any]:
    """What the article wrote, as every snapshot records it beside the registries' answers."""
    return {
        "first_author": ref.first_author_surname,
        "year": ref.year,
        "title": ref.title,
        "doi": ref.doi,
    }


def snapshot_path(sources_dir: Path, ref: Reference) -> Path:
    return source_file(sources_dir, source_id(ref))


def source_file(sources_dir: Path, sid: str) -> Path:
    """The snapshot file of the source with this id (for callers that hold the id)."""
    return sources_dir / f"{sid}.json"


def load_snapshot(sources_dir: Path, ref: Reference) -> dict[str, Any] | None:
    """The stored snapshot for a reference, or None when none was ever written."""
    path = snapshot_path(sources_dir, ref)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, row=exc.lineno) from None
    if not isinstance(data, dict) or data.get("schema") != SNAPSHOT_SCHEMA:
        raise InputError(
            f"not a citeaudit source snapshot (expected schema {SNAPSHOT_SCHEMA})", path=path
        )
    return data


def save_snapshot(sources_dir: Path, ref: Reference, snapshot: dict[str, Any]) -> Path:
    """Write atomically so a run killed mid-write never leaves a broken file behind
    (a run writing many uses `save_snapshots`)."""
    sources_dir.mkdir(parents=True, exist_ok=True)
    path = snapshot_path(sources_dir, ref)
    atomic_write_bytes(path, snapshot_bytes(snapshot))
    return path


def save_snapshots(sources_dir: Path, snapshots: Mapping[str, dict[str, Any]]) -> None:
    """Write many snapshots (by source id) at once, each atomically, synced together:
    all are in place and durable when this returns, or, on an error (raised), none is
    half-written.

    A run saves a chunk of sources at a time this way. One sync for the chunk instead of
    one per file: a thousand 20 KB snapshots spent 0.9 s of CPU syncing one by one."""
    if not snapshots:
        return
    sources_dir.mkdir(parents=True, exist_ok=True)
    staged: list[StagedFile] = []
    try:
        for sid, snapshot in snapshots.items():
            staged.append(stage_file(source_file(sources_dir, sid), snapshot_bytes(snapshot)))
    except BaseException:
        discard_staged(staged)
        raise
    commit_staged(staged)


def snapshot_bytes(snapshot: dict[str, Any]) -> bytes:
    """The file's bytes: JSON indented by 2, UTF-8 as is, keys in their order.

    orjson writes the same bytes as `json.dumps(indent=2, ensure_ascii=False)` about 20
    times faster: the standard library has no C encoder for indented output, and at
    100,000 sources a night the pure-Python one costs minutes. Anything orjson refuses
    (an integer beyond 64 bits, a non-string key) goes the standard way.
    """
    try:
        return orjson.dumps(snapshot, option=orjson.OPT_INDENT_2) + b"\n"
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(snapshot, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        return text.encode("utf-8")


def snapshot_faults(snapshot: dict[str, Any]) -> list[str]:
    """`registry: error` for each registry that gave no answer in this snapshot."""
    return [
        f"{name}: {answer.get('error') or 'no answer'}"
        for name, answer in (snapshot.get("answers") or {}).items()
        if isinstance(answer, dict) and answer.get("status") == "error"
    ]
