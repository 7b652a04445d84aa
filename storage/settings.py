"""Storage configuration read from the environment."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StorageSettings(BaseSettings):
    """`STORAGE_*` and `S3_*` variables; switching to MinIO is configuration only."""

    model_config = SettingsConfigDict(extra="ignore")

    storage_backend: Literal["filesystem", "s3"] = "filesystem"
    storage_path: Path = Path("./var/objects")
    storage_signing_secret: SecretStr | None = None
    s3_endpoint: str | None = None
    s3_public_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "dossiers"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    # Seconds an object no row references stays before `dossier storage gc` deletes it.
    storage_gc_grace: float = Field(86400.0, ge=0)
