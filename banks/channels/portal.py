"""The portal inbox: the route already shows in the partner's inbox, nothing leaves the app."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from banks.channels.base import DeliveryRequest, DeliveryResult, delivery_config


class PortalConfig(BaseModel):
    """The portal needs no settings; other delivery keys (url, secret_env) are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    channel: Literal["portal"] = "portal"


class PortalChannel:
    """Default channel: reviewers read the dossier in their inbox."""

    name: ClassVar[str] = "portal"
    config_model: ClassVar[type[BaseModel]] = PortalConfig

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        """Nothing to send: the route is visible once the workflow marks it delivered."""
        delivery_config(self, request.config)
        return DeliveryResult(channel=self.name, detail=f"in the inbox of {request.partner}")
