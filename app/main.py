"""The FastAPI application: API v1 (and later the pages), wired to the database and store."""

from __future__ import annotations

from fastapi import FastAPI

from app import api, openapi, problems
from app.messages import register_messages
from app.settings import AppSettings
from app.state import AppState
from dossier.db import make_engine, make_sessionmaker
from storage.base import ObjectStore
from storage.factory import make_store
from storage.settings import StorageSettings

DESCRIPTION = (
    "Dossier unique de financement: a start-up fills one funding dossier, once, "
    "and sends it to the banks and funds it chooses."
)


def create_app(settings: AppSettings | None = None, *, store: ObjectStore | None = None,
               engine=None) -> FastAPI:
    """Build the app; tests pass their own settings, engine or store."""
    settings = settings or AppSettings()
    register_messages()
    engine = engine or make_engine(settings.database_url)
    secret = settings.secret()
    store = store or make_store(StorageSettings(), secret=secret)
    app = FastAPI(title="Dossier unique", version="1.0.0", description=DESCRIPTION)
    app.state.dossier = AppState(settings=settings, engine=engine,
                                 sessions=make_sessionmaker(engine), store=store, secret=secret)
    problems.install(app)
    app.include_router(api.router)
    openapi.install(app)
    return app
