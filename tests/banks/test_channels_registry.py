"""Channels are plug-ins found through entry points; their configs are validated clearly."""

from __future__ import annotations

import uuid
from importlib.metadata import entry_points

import pytest
from pydantic import ValidationError

from banks.catalogue import Delivery, load_catalogue
from banks.channels import (
    ENTRY_POINT_GROUP,
    Channel,
    ChannelConfigError,
    DeliveryRequest,
    UnknownChannel,
    available_channels,
    get_channel,
    registry,
    validate_config,
)
from banks.channels.portal import PortalChannel
from banks.channels.webhook import WebhookChannel


def test_entry_points_resolve_both_builtin_channels():
    found = {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert found["portal"] is PortalChannel
    assert found["webhook"] is WebhookChannel
    for name in ("portal", "webhook"):
        channel = get_channel(name)
        assert isinstance(channel, Channel)
        assert channel.name == name
    assert {"portal", "webhook"} <= set(available_channels())


def test_builtins_are_a_fallback_when_entry_points_are_missing(monkeypatch):
    monkeypatch.setattr(registry, "entry_points", lambda **_: [])
    registry._channel_class.cache_clear()
    try:
        assert isinstance(get_channel("webhook"), WebhookChannel)
        assert isinstance(get_channel("portal"), PortalChannel)
    finally:
        registry._channel_class.cache_clear()


def test_an_unknown_channel_names_the_available_ones():
    with pytest.raises(UnknownChannel, match=r"'fax'.*portal, webhook"):
        get_channel("fax")


@pytest.mark.parametrize(("config", "message"), [
    ({"channel": "webhook", "secret_env": "WEBHOOK_SECRET_CEPAC"}, "url: Field required"),
    ({"url": "ftp://bank.example/h", "secret_env": "S"}, "url: must be an absolute http(s) URL"),
    ({"url": "http://bank.example/h", "secret_env": "S"}, "url: must use https"),
    ({"url": "https://bank.example/h"}, "config: give exactly one of secret_env"),
    ({"url": "https://bank.example/h", "secret_env": "S", "secret": "whsec_x"},
     "give exactly one"),
    ({"url": "https://bank.example/h", "secret_env": "lower-case"}, "secret_env: String should"),
    ({"url": "https://bank.example/h", "secret_env": "S", "timeout": 3},
     "timeout: Extra inputs are not permitted"),
])
def test_webhook_config_errors_are_clear(config, message):
    with pytest.raises(ChannelConfigError) as info:
        validate_config("webhook", config)
    assert str(info.value).startswith("invalid delivery config for channel 'webhook': ")
    assert message in str(info.value)
    assert info.value.channel == "webhook" and info.value.errors


def test_valid_configs_pass():
    cfg = validate_config("webhook", {"channel": "webhook", "url": "https://bank.example/h",
                                      "secret_env": "WEBHOOK_SECRET_CEPAC"})
    assert cfg.url == "https://bank.example/h"
    assert validate_config("webhook", {"url": "http://127.0.0.1:9/h", "secret": "whsec_x"})
    assert validate_config("portal", {"channel": "portal", "url": None, "secret_env": None})


def test_the_catalogue_delivery_is_checked_by_its_channel():
    assert Delivery().channel == "portal"
    hook = Delivery(channel="webhook", url="https://bank.example/h", secret_env="WEBHOOK_SECRET_X")
    assert hook.secret_env == "WEBHOOK_SECRET_X"
    with pytest.raises(ValidationError, match="url: Field required"):
        Delivery(channel="webhook", secret_env="WEBHOOK_SECRET_X")
    with pytest.raises(ValidationError, match="no delivery channel named 'fax'"):
        Delivery(channel="fax")
    with pytest.raises(ValidationError, match="Extra inputs"):
        Delivery.model_validate({"channel": "webhook", "url": "https://bank.example/h",
                                 "secret": "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"})
    assert load_catalogue().partners


def test_a_delivery_request_is_a_frozen_data_object():
    dossier_id = uuid.uuid4()
    req = DeliveryRequest(delivery_id=uuid.uuid4(), partner="cepac", event_type="dossier.submitted",
                          dossier_id=dossier_id, version=1)
    assert req.dossier_id == str(dossier_id)
    with pytest.raises(ValidationError):
        req.version = 2  # type: ignore[misc]
    with pytest.raises(ValidationError, match="event_type"):
        DeliveryRequest(delivery_id="d", partner="p", event_type="dossier.deleted",
                        dossier_id="x", version=1)
