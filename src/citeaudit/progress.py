"""Progress bars for long runs: a site's pages fetched, an archive's references resolved.

Why a module: the bar must stay off stderr in CI logs and pipes (where it would be
noise), show by default on a terminal when the run is long, and obey --progress and
--no-progress; every long stage asks the same question the same way.
"""

from __future__ import annotations

import sys
from typing import Any

LONG_RUN = 50
"""Items from which a run counts as long enough for a bar by default."""


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, progress: bool | None, unit: str = "ref") -> Any:
    """tqdm on stderr when asked, or by default when stderr is a terminal and the run is long."""
    show = progress if progress is not None else (sys.stderr.isatty() and total >= LONG_RUN)
    if not show or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
