"""The app's long-lived parts: settings, database, object store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.pipeline_cache import LastPipeline
from app.settings import AppSettings
from app.throttle.guard import LoginGuard
from dossier.ports import RegistryPort
from storage.base import ObjectStore
from storage.links import DownloadLinks
from workflows.dispatch import Dispatcher
from workflows.runtime import Runtime


@dataclass
class AppState:
    """What every request may use; built once by create_app."""

    settings: AppSettings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    secret: bytes
    links: DownloadLinks
    runtime: Runtime
    dispatcher: Dispatcher
    pipeline: LastPipeline
    logins: LoginGuard
    registry: RegistryPort
