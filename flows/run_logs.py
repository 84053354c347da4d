"""The citeaudit library's log lines, in the Prefect run's own logs.

Prefect sends only its own loggers (and those named in
``PREFECT_LOGGING_EXTRA_LOGGERS``) to the API, so without this a served or worker run
shows the flow's lines but not what the library said while it worked: which registry
timed out, which snapshot was kept. The records are tied to the run explicitly because
the library logs from its own thread pools, where Prefect's run context is not set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.logging.handlers import APILogHandler

LIBRARY_LOGGER = "citeaudit"


class _TiedToRun(logging.Filter):
    def __init__(self, flow_run_id: str) -> None:
        super().__init__()
        self.flow_run_id = flow_run_id

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "flow_run_id", None):
            record.flow_run_id = self.flow_run_id
        return True


@contextmanager
def library_logs_to_run(flow_run_id: str | None, level: int = logging.INFO) -> Iterator[None]:
    """While the block runs, send the library's records at `level` and above to the run."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    routed = any(isinstance(h, APILogHandler) for h in logger.handlers)
    if flow_run_id is None or routed:  # not in a run, or PREFECT_LOGGING_EXTRA_LOGGERS did it
        yield
        return
    handler = APILogHandler(level=level)
    handler.addFilter(_TiedToRun(flow_run_id))
    previous = logger.level
    if previous == logging.NOTSET or previous > level:
        logger.setLevel(level)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
