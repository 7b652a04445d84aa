"""Prefect imported once, by whichever thread asks first, with the web server's loggers kept.

Serve's background import and the routing thread's warm-up both imported Prefect at start-up:
two threads inside its circular imports at once, and importlib handed one of them a partly
initialised module ("Failed to initialize plugins: cannot import name 'SettingsContext' from
partially initialized module 'prefect.context'", on every `make run`). Prefect's import also
configures logging: its dictConfig resets uvicorn's loggers, and every request line went silent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_importing = threading.Lock()


def import_prefect() -> None:
    """Import Prefect's engine and settings if not yet done; a second thread waits for the
    first instead of importing beside it."""
    with _importing, kept_server_logging():
        import prefect.main  # noqa: F401


@contextmanager
def kept_server_logging() -> Iterator[None]:
    """Give uvicorn's loggers back what Prefect's logging set-up takes from them (handlers,
    level, propagation)."""
    loggers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    saved = [(lg, list(lg.handlers), lg.level, lg.propagate, lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for logger, handlers, level, propagate, disabled in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled
