"""The one error type users see: bad input, reported on one line with file and row."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input that citeaudit cannot use; the CLI prints it on one line and exits 2.

    It names the file and, where there is one, the row, because an editor has to find
    and fix the line; a traceback would tell them nothing.
    """

    def __init__(self, message: str, path: str | Path | None = None, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str | None, int | None]]:
        # Raised in a worker process (parallel reading), it must arrive whole: path, row.
        return (type(self), (self.message, self.path, self.row))

    def __str__(self) -> str:
        parts = [p for p in (self.path, f"row {self.row}" if self.row else None) if p]
        return ": ".join([*parts, self.message])
