"""Find channel plug-ins through entry points, with the built-ins as a fallback."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel

from banks.channels.base import Channel, UnknownChannel, parse_config
from banks.channels.portal import PortalChannel
from banks.channels.webhook import WebhookChannel

ENTRY_POINT_GROUP = "dossier_unique.channels"
BUILTINS: dict[str, type[Channel]] = {"portal": PortalChannel, "webhook": WebhookChannel}


@cache
def _channel_class(name: str) -> type[Channel]:
    """The class registered under `name`: an entry point first, else a built-in."""
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
        cls = ep.load()
        if getattr(cls, "name", None) != name:
            raise UnknownChannel(f"entry point {name!r} loads {ep.value}, whose name is "
                                 f"{getattr(cls, 'name', None)!r}")
        return cls
    if name in BUILTINS:
        return BUILTINS[name]
    raise UnknownChannel(f"no delivery channel named {name!r}; "
                         f"available: {', '.join(available_channels())}")


def available_channels() -> list[str]:
    """Every channel name that get_channel() resolves."""
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)} | set(BUILTINS))


def get_channel(name: str) -> Channel:
    """A ready-to-use instance of the named channel."""
    return _channel_class(name)()


def validate_config(name: str, config: dict[str, Any]) -> BaseModel:
    """Check a partner's delivery config against its channel's model (ChannelConfigError)."""
    return parse_config(_channel_class(name), config)
