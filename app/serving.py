"""The app as `dossier serve` runs it, keeping its access log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from app.main import create_app
from app.settings import AppSettings

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def create_served_app() -> FastAPI:
    """The app of one serving process (uvicorn's factory, in each of serve's processes).

    `dossier serve` has launched the local Prefect server (workflows/local_prefect.py) and
    handed its address down; nothing here waits for it. Prefect itself is imported in the
    background (seconds), before the dispatcher's thread needs it.
    """
    threading.Thread(target=import_prefect, name="import-prefect", daemon=True).start()
    return create_app(AppSettings())


def import_prefect() -> None:
    """Import Prefect, keeping uvicorn's loggers (its import configures logging)."""
    with kept_uvicorn_logging():
        import prefect.main  # noqa: F401


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
