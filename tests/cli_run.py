"""Run the real `citeaudit` command line in a child process, as CI and editors do.

A child process, not `cli.main()` in the test's own process: exit codes, stderr lines
and the absence of tracebacks are what users see, and only a fresh interpreter shows
them as they are (imports, environment, nothing left over from earlier tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ARTICLE = "articles/back-muscle-pain.md"  # the seed article, as a user names it in a clone


def citeaudit(
    cwd: Path,
    *args: str,
    env: dict[str, str] | None = None,
    unset: Iterable[str] = (),
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`citeaudit ARGS` in `cwd`, with `env` added to (and `unset` removed from) ours."""
    child_env = {**os.environ, **(env or {})}
    for name in unset:
        child_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "citeaudit.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env,
    )
