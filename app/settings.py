"""Application settings from the environment."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class AppSettings(BaseSettings):
    """Everything the app reads from the environment (see the README's table)."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = "sqlite:///./var/dossier.db"
    secret_key: str = ""
    secret_key_file: Path = Path("./var/secret_key")
    max_upload_bytes: int = 50 * 1024 * 1024
    max_json_bytes: int = 1024 * 1024
    upload_spool_dir: Path | None = None
    demo_password: str = "demo1234"  # noqa: S105  (documented demo default)
    host: str = "127.0.0.1"
    port: int = 8000
    token_hours: int = 12

    def secret(self) -> bytes:
        """The signing secret: SECRET_KEY, or one generated once and kept in var/."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.secret_key_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()
