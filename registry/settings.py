"""REGISTRY_PROVIDER, REGISTRY_URL, REGISTRY_TIMEOUT, REGISTRY_TTL_DAYS, SIRENE_API_KEY: which
company registry, where, how long a look-up may wait for it, how long its answers are kept."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry import recherche, sirene
from registry.bounded import BoundedRegistry


class RegistrySettings(BaseSettings):
    """The company registry's settings (the public "Recherche d'entreprises" API by default;
    INSEE's SIRENE with REGISTRY_PROVIDER=sirene and SIRENE_API_KEY)."""

    model_config = SettingsConfigDict(extra="ignore")

    registry_provider: Literal["recherche", "sirene"] = "recherche"
    registry_url: str = ""  # empty: the provider's public address
    registry_timeout: float = Field(3.0, gt=0, le=30)
    registry_ttl_days: int = Field(30, ge=0, le=3650)
    sirene_api_key: str = ""

    def registry(self) -> BoundedRegistry:
        """The registry's client."""
        if self.registry_provider == "sirene":
            if not self.sirene_api_key:
                raise ValueError("REGISTRY_PROVIDER=sirene needs SIRENE_API_KEY")
            return sirene.Sirene(self.registry_url or sirene.DEFAULT_URL,
                                 api_key=self.sirene_api_key, timeout=self.registry_timeout)
        return recherche.RechercheEntreprises(self.registry_url or recherche.DEFAULT_URL,
                                              timeout=self.registry_timeout)
