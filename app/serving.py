"""The app as `dossier serve` runs it: owning its local Prefect server, keeping its access log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from app.main import create_app
from app.settings import AppSettings

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def create_served_app() -> FastAPI:
    """The app of one serving process (uvicorn's factory, called in its main thread).

    The local Prefect server is started here, in the main thread, so that it ends with this
    process however the process ends (workflows/local_server.py), not with whichever thread
    ran the first flow.
    """
    settings = AppSettings()
    with kept_uvicorn_logging():
        import prefect.main  # noqa: F401  (Prefect configures logging once, on this import)

        if settings.routing_in_background:
            from workflows.local_server import start_local_server

            start_local_server()
    return create_app(settings)


@contextmanager
def kept_uvicorn_logging() -> Iterator[None]:
    """Give uvicorn's loggers back what Prefect's logging set-up takes from them.

    Prefect's dictConfig configures a `uvicorn` logger, which resets its children: the
    access logger lost its handler and level, and every request line went silent.
    """
    loggers = [logging.getLogger(name) for name in UVICORN_LOGGERS]
    saved = [(lg, list(lg.handlers), lg.level, lg.propagate, lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for logger, handlers, level, propagate, disabled in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled
