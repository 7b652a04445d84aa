"""Delivery channels: plug-ins that hand a dossier version to a partner."""

from banks.channels.base import (
    Channel,
    ChannelConfigError,
    DeliveryError,
    DeliveryRequest,
    DeliveryResult,
    EventType,
    UnknownChannel,
)
from banks.channels.registry import (
    ENTRY_POINT_GROUP,
    available_channels,
    get_channel,
    validate_config,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Channel",
    "ChannelConfigError",
    "DeliveryError",
    "DeliveryRequest",
    "DeliveryResult",
    "EventType",
    "UnknownChannel",
    "available_channels",
    "get_channel",
    "validate_config",
]
