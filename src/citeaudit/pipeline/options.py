"""What a run is asked to do: inputs, outputs, the --fail-on level and the judge.

Its own module because every stage of a run reads it (the resolution stage as much as
the report writer), so it must sit below all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from citeaudit.errors import InputError
from citeaudit.judging.choice import judge_from_env
from citeaudit.reporting.gate import FAIL_LEVELS


@dataclass
class RunOptions:
    claims_csv: Path = Path("claims.csv")
    sources_dir: Path = Path("sources")
    out_dir: Path = Path("reports")
    offline: bool = False
    fail_on: str = "broken"
    fail_on_unverified: bool = False
    junit: Path | None = None  # JUnit XML file; None: <out_dir>/junit.xml
    markdown: Path | None = None  # Markdown summary file; None: none written
    site_index: bool = True  # <out_dir>/index.html and index.json (changes since last run)
    progress: bool | None = None  # progress bar on stderr; None: when stderr is a terminal
    # Which judge decides claim support (judges.JUDGES); default: CITEAUDIT_JUDGE, else "learned".
    judge: str = field(default_factory=judge_from_env)
    # Ask the URLs the references give whether they still lead somewhere (opt-in).
    check_links: bool = False

    @property
    def junit_path(self) -> Path:
        return self.junit if self.junit is not None else self.out_dir / "junit.xml"

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_LEVELS:
            raise InputError(
                f"unknown --fail-on level '{self.fail_on}' (expected one of: {', '.join(FAIL_LEVELS)})"
            )
