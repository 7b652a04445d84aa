"""Application settings from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from dossier.decisions import REVISION_DAYS
from registry.settings import RegistrySettings
from storage.clamd import Clamd
from storage.signing import load_secret
from workflows.pdf_settings import PdfSettings
from workflows.runtime import DeliverySettings


class AppSettings(DeliverySettings, RegistrySettings, PdfSettings):
    """Everything the app reads from the environment (see the README's table)."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = "sqlite:///./var/dossier.db"
    # Connections per process; a request holds at most one. Past the pool, a request waits
    # DB_POOL_TIMEOUT seconds, then gets a 503 with Retry-After rather than queueing on.
    db_pool_size: int = 10
    db_pool_overflow: int = 10
    db_pool_timeout: float = 5.0
    secret_key: str = ""
    secret_key_file: Path = Path("./var/secret_key")
    max_upload_bytes: int = 50 * 1024 * 1024
    max_json_bytes: int = 1024 * 1024
    upload_spool_dir: Path | None = None
    demo_password: str = "demo1234"  # noqa: S105  (documented demo default)
    demo_samples: bool = True  # `dossier demo` also seeds sample dossiers (DEMO_SAMPLES=0: not)
    host: str = "127.0.0.1"
    port: int = 8000
    token_hours: int = 12
    public_url: str = "http://127.0.0.1:8000"
    routing_in_background: bool = True
    reconcile_interval: float = 30.0
    reminder_interval: float = 3600.0
    retention_interval: float = 86400.0  # the retention flow, daily (0: never)
    storage_gc_interval: float = 3600.0  # the storage sweep, hourly (0: never)
    # Antivirus: uploads are streamed to clamd when CLAMD_SOCKET or CLAMD_HOST is set.
    clamd_host: str | None = None
    clamd_port: int = 3310
    clamd_socket: Path | None = None
    clamd_timeout: float = 30.0
    # Login throttling: failed logins per account and per client address, counted in
    # RATE_LIMIT_STORAGE (redis://host:6379/0) or, when empty, in the application database.
    rate_limit_storage: str = ""
    login_limit_per_account: str = "5 per 5 minutes"
    login_limit_per_address: str = "20 per 5 minutes"
    # Peers whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated; "*": any).
    trusted_proxies: str = ""
    password_hash_concurrency: int = 0  # 0: two to four, by the CPU count
    password_hash_wait: float = 5.0  # seconds a login waits for a hashing slot, then 503
    registry_interval: float = 300.0  # the flow checking pending companies (0: never)
    decision_revision_days: int = Field(default=REVISION_DAYS, ge=0, le=365)

    def scanner(self) -> Clamd | None:
        """The clamd client, if one is configured."""
        if self.clamd_socket is None and not self.clamd_host:
            return None
        return Clamd(host=self.clamd_host, port=self.clamd_port, socket_path=self.clamd_socket,
                     timeout=self.clamd_timeout)

    def pool(self) -> dict[str, float]:
        """The connection pool's bounds, as `create_engine` takes them."""
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_pool_overflow,
                "pool_timeout": self.db_pool_timeout}

    def trusted_proxy_list(self) -> list[str]:
        """TRUSTED_PROXIES as a list (empty: the peer is the client)."""
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def secret(self) -> bytes:
        """The signing secret: SECRET_KEY, or one generated once and kept in var/."""
        return load_secret(self.secret_key, self.secret_key_file)
