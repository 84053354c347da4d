"""Isolate Prefect for a test session. Import this module before anything imports prefect.

Why: Prefect 3 builds its settings (PREFECT_HOME, PREFECT_API_URL, logging, ...) from
the environment when `prefect` is first imported, so setting them later in a fixture
is too late. With these variables a flow run uses Prefect's *ephemeral* mode: it
starts a throw-away API server subprocess on a free localhost port, backed by a
SQLite database in a temporary PREFECT_HOME, so tests never touch a developer's
~/.prefect, a configured Prefect Cloud workspace or a `prefect server` they run.

Cost, measured on the 2-core dev machine: the first flow run of a session waits
~11 s for that server (about 16 s with block auto-registration, which these tests
turn off because citeaudit uses no blocks); every later run in the session ~1 s.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

IMPORTED_TOO_LATE = "prefect" in sys.modules
"""True if prefect was imported before this module, so ENV below cannot take effect."""

PREFECT_HOME = Path(tempfile.mkdtemp(prefix="citeaudit-prefect-"))

ENV: dict[str, str] = {
    "PREFECT_HOME": str(PREFECT_HOME),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",  # no API URL -> throw-away server
    # Block auto-registration costs ~4.5 s per fresh database; citeaudit has no blocks.
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}

UNSET: tuple[str, ...] = (
    "PREFECT_API_URL",  # unset = ephemeral mode; set = a real server would be used
    "PREFECT_API_KEY",
    "PREFECT_PROFILE",
    "PREFECT_PROFILES_PATH",
)

os.environ.update(ENV)
for _name in UNSET:
    os.environ.pop(_name, None)

# Registered before Prefect registers its ephemeral server's stop(); atexit runs in
# reverse order, so the server is stopped before its database directory is removed.
atexit.register(shutil.rmtree, PREFECT_HOME, ignore_errors=True)

# `flows/` is a top-level package beside `src/`: make it importable from the tests.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def check_isolated() -> None:
    """Fail loudly if Prefect is not using this module's settings.

    That happens when something imported prefect before this module; the fix is to
    import this module first (at the top of tests/conftest.py).
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    home = Path(settings.home).resolve()
    if IMPORTED_TOO_LATE or home != PREFECT_HOME.resolve() or settings.api.url:
        raise RuntimeError(
            "Prefect is not isolated for tests: prefect was imported before "
            f"tests/prefect_env.py (PREFECT_HOME={home}, PREFECT_API_URL={settings.api.url}). "
            "Import prefect_env before anything that imports prefect."
        )
