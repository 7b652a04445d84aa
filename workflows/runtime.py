"""What flows run against: database sessions, the object store, the signing secret."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from dossier.db import make_engine, make_sessionmaker
from dossier.ports import RegistryPort
from dossier.services.delivery import RetryPolicy
from registry.settings import RegistrySettings
from storage.base import ObjectStore
from storage.factory import make_links, make_store
from storage.links import DownloadLinks
from storage.settings import StorageSettings
from storage.signing import load_secret


class DeliverySettings(BaseSettings):
    """DELIVERY_MAX_ATTEMPTS, and the backoff between them: DELIVERY_RETRY_DELAY doubling up
    to DELIVERY_RETRY_CAP, or a partner's Retry-After up to DELIVERY_RETRY_AFTER_MAX (seconds)."""

    model_config = SettingsConfigDict(extra="ignore")

    delivery_max_attempts: int = Field(8, ge=1, le=100)
    delivery_retry_delay: float = Field(30.0, ge=0)
    delivery_retry_cap: float = Field(3600.0, ge=0)
    delivery_retry_after_max: float = Field(21600.0, ge=0)

    def retry_policy(self) -> RetryPolicy:
        """The outbox's retry schedule."""
        return RetryPolicy(max_attempts=self.delivery_max_attempts,
                           base=self.delivery_retry_delay, cap=self.delivery_retry_cap,
                           retry_after_max=self.delivery_retry_after_max)


class WorkflowSettings(DeliverySettings, RegistrySettings):
    """Environment of a flow run (the same variables as the API)."""

    database_url: str = "sqlite:///./var/dossier.db"
    secret_key: str = ""
    secret_key_file: Path = Path("./var/secret_key")
    public_url: str = "http://127.0.0.1:8000"


@dataclass
class Runtime:
    """Long-lived parts a flow needs; built once per process."""

    sessions: sessionmaker[Session]
    store: ObjectStore
    secret: bytes
    public_url: str
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    links: DownloadLinks = field(default=None)  # type: ignore[assignment]
    registry: RegistryPort | None = None  # the company registry, for the registry checks

    def __post_init__(self) -> None:
        if self.links is None:  # links under PUBLIC_URL, signed with the secret
            self.links = DownloadLinks(self.secret, self.public_url)


LOCAL_ENV = "DOSSIER_LOCAL_PREFECT_URL"  # set by serve with its own local Prefect server
_current: Runtime | None = None


def local_api_url() -> str | None:
    """The API URL of serve's own local Prefect server, if flows go there (they then run
    in the app's processes, not on workers)."""
    url = os.environ.get(LOCAL_ENV)
    return url if url and url == os.environ.get("PREFECT_API_URL") else None


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
            public_url=settings.public_url, retry=settings.retry_policy(),
            links=make_links(storage, secret=secret, public_url=settings.public_url),
            registry=settings.registry())
    return _current
