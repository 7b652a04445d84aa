"""The app as `dossier serve` runs it, keeping its access log."""

from __future__ import annotations

import threading

from fastapi import FastAPI

from app.main import create_app
from app.settings import AppSettings
from workflows.prefect_import import import_prefect


def create_served_app() -> FastAPI:
    """The app of one serving process (uvicorn's factory, in each of serve's processes).

    `dossier serve` has launched the local Prefect server (workflows/local_prefect.py) and
    handed its address down; nothing here waits for it. Prefect itself is imported in the
    background (seconds), before the dispatcher's thread needs it (which waits for that
    import rather than importing beside it: workflows/prefect_import.py).
    """
    threading.Thread(target=import_prefect, name="import-prefect", daemon=True).start()
    return create_app(AppSettings())
