"""REGISTRY_URL, REGISTRY_TIMEOUT, REGISTRY_TTL_DAYS: where the company registry is, how long
a look-up may wait for it, and how long its answers are kept."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry.recherche import DEFAULT_URL, RechercheEntreprises


class RegistrySettings(BaseSettings):
    """The company registry's settings (the public "Recherche d'entreprises" API by default)."""

    model_config = SettingsConfigDict(extra="ignore")

    registry_url: str = DEFAULT_URL
    registry_timeout: float = Field(3.0, gt=0, le=30)
    registry_ttl_days: int = Field(30, ge=0, le=3650)

    def registry(self) -> RechercheEntreprises:
        """The registry's client."""
        return RechercheEntreprises(self.registry_url, timeout=self.registry_timeout)
