"""What flows run against: database sessions, the object store, the signing secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from dossier.db import make_engine, make_sessionmaker
from storage.base import ObjectStore
from storage.factory import make_links, make_store
from storage.links import DownloadLinks
from storage.settings import StorageSettings
from storage.signing import load_secret


class WorkflowSettings(BaseSettings):
    """Environment of a flow run (the same variables as the API)."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = "sqlite:///./var/dossier.db"
    secret_key: str = ""
    secret_key_file: Path = Path("./var/secret_key")
    public_url: str = "http://127.0.0.1:8000"
    delivery_retries: int = 3
    delivery_retry_delay: float = 2.0


@dataclass
class Runtime:
    """Long-lived parts a flow needs; built once per process."""

    sessions: sessionmaker[Session]
    store: ObjectStore
    secret: bytes
    public_url: str
    delivery_retries: int = 3
    delivery_retry_delay: float = 2.0
    links: DownloadLinks = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.links is None:  # links under PUBLIC_URL, signed with the secret
            self.links = DownloadLinks(self.secret, self.public_url)


_current: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    """Use this runtime in this process (the API passes its own)."""
    global _current
    _current = runtime


def get_runtime() -> Runtime:
    """The process's runtime, built from the environment on first use (workers)."""
    global _current
    if _current is None:
        settings = WorkflowSettings()
        secret = load_secret(settings.secret_key, settings.secret_key_file)
        storage = StorageSettings()
        _current = Runtime(
            sessions=make_sessionmaker(make_engine(settings.database_url)),
            store=make_store(storage, secret=secret), secret=secret,
            public_url=settings.public_url, delivery_retries=settings.delivery_retries,
            delivery_retry_delay=settings.delivery_retry_delay,
            links=make_links(storage, secret=secret, public_url=settings.public_url))
    return _current
