"""Delivering to a real local partner endpoint: signed, deduped, failures classified."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from banks.channels import DeliveryError, DeliveryRequest, get_channel
from banks.channels.signing import generate_secret
from banks.channels.webhook import WebhookChannel, retry_after
from dossier.services.delivery import RetryPolicy
from tests.webhook_receiver import WebhookReceiver

SECRET = generate_secret()
WHEN = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as rx:
        yield rx


def request(url: str, *, delivery_id: str = "dlv_1", secret: str = SECRET, **config
            ) -> DeliveryRequest:
    """A submitted-dossier delivery to `url`."""
    return DeliveryRequest(
        delivery_id=delivery_id, partner="cepac", event_type="dossier.submitted",
        dossier_id="0b6a4b1e-8c1f-4d0e-9a43-3f1f6b2a9c10", version=2, occurred_at=WHEN,
        payload={"company": {"name": "Élan Énergie SAS"}, "amount_eur": Decimal("150000.00"),
                 "founded": date(2024, 1, 2), "links": {"pdf": "https://app.example/p.pdf"}},
        config={"channel": "webhook", "url": url, "secret": secret, **config},
    )


def test_a_2xx_is_delivered_signed_with_standard_webhooks_headers(receiver):
    result = get_channel("webhook").deliver(request(receiver.url))
    assert (result.status, result.channel, result.response_status) == ("delivered", "webhook", 200)
    [got] = receiver.received
    assert got.signature_ok
    assert got.headers["webhook-id"] == got.headers["idempotency-key"] == "dlv_1"
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.headers["user-agent"] == "DossierUnique/1"
    assert got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["type"] == "dossier.submitted"
    assert datetime.fromisoformat(body["timestamp"]) == WHEN
    assert body["data"]["company"]["name"] == "Élan Énergie SAS"
    assert body["data"]["amount_eur"] == "150000.00"


def test_the_reference_implementation_verifies_what_we_sent(receiver):
    sw = pytest.importorskip("standardwebhooks")
    get_channel("webhook").deliver(request(receiver.url))
    [got] = receiver.received
    assert sw.Webhook(SECRET).verify(got.body, got.headers)["data"]["founded"] == "2024-01-02"


def test_the_same_delivery_twice_keeps_its_webhook_id_and_is_deduped(receiver):
    channel = get_channel("webhook")
    channel.deliver(request(receiver.url))
    channel.deliver(request(receiver.url))
    assert [a.webhook_id for a in receiver.attempts] == ["dlv_1", "dlv_1"]
    assert receiver.attempts[0].body == receiver.attempts[1].body
    assert len(receiver.received) == 1
    channel.deliver(request(receiver.url, delivery_id="dlv_2"))
    assert [r.webhook_id for r in receiver.received] == ["dlv_1", "dlv_2"]


def test_a_503_is_retryable_and_the_retry_lands_once(receiver):
    receiver.fail_next(1, status=503, headers={"retry-after": "30"})
    with pytest.raises(DeliveryError) as info:
        get_channel("webhook").deliver(request(receiver.url))
    err = info.value
    assert err.retryable and err.response_status == 503 and err.retry_after == 30
    assert receiver.received == []
    get_channel("webhook").deliver(request(receiver.url))
    assert len(receiver.attempts) == 2 and len(receiver.received) == 1


@pytest.mark.parametrize("status", [500, 502, 504, 408, 409, 425, 429])
def test_server_errors_and_later_4xx_are_retryable(receiver, status):
    receiver.respond_with(status)
    with pytest.raises(DeliveryError) as info:
        get_channel("webhook").deliver(request(receiver.url))
    assert info.value.retryable and info.value.response_status == status


@pytest.mark.parametrize("status", [400, 403, 404, 410, 413, 422])
def test_other_4xx_are_permanent(receiver, status):
    receiver.respond_with(status)
    with pytest.raises(DeliveryError) as info:
        get_channel("webhook").deliver(request(receiver.url))
    assert not info.value.retryable and info.value.response_status == status
    assert f"HTTP {status}" in info.value.detail


def test_a_signature_the_partner_refuses_is_permanent(receiver):
    with pytest.raises(DeliveryError) as info:
        get_channel("webhook").deliver(request(receiver.url, secret=generate_secret()))
    assert not info.value.retryable and info.value.response_status == 401
    assert not receiver.attempts[0].signature_ok and receiver.received == []


def test_redirects_are_not_followed(receiver):
    receiver.fail_next(1, status=307, headers={"location": receiver.url + "/elsewhere"})
    with pytest.raises(DeliveryError, match="redirects are not followed") as info:
        get_channel("webhook").deliver(request(receiver.url))
    assert not info.value.retryable
    assert len(receiver.attempts) == 1


def test_connection_refused_is_retryable():
    with WebhookReceiver(SECRET) as rx:
        url = rx.url
    with pytest.raises(DeliveryError, match="connection failed") as info:
        get_channel("webhook").deliver(request(url))
    assert info.value.retryable and info.value.response_status is None


def test_a_read_timeout_is_retryable(receiver):
    receiver.set_delay(1.0)
    channel = WebhookChannel(timeout=httpx.Timeout(0.3, connect=1.0))
    with pytest.raises(DeliveryError, match="timeout") as info:
        channel.deliver(request(receiver.url))
    assert info.value.retryable


def test_the_secret_comes_from_the_env_var_named_in_the_config(receiver, monkeypatch):
    req = request(receiver.url)
    config = {**req.config, "secret_env": "WEBHOOK_SECRET_TEST_PARTNER"}
    del config["secret"]
    from_env = req.model_copy(update={"config": config})
    monkeypatch.delenv("WEBHOOK_SECRET_TEST_PARTNER", raising=False)
    with pytest.raises(DeliveryError, match="WEBHOOK_SECRET_TEST_PARTNER is not set") as info:
        get_channel("webhook").deliver(from_env)
    assert not info.value.retryable and receiver.attempts == []
    monkeypatch.setenv("WEBHOOK_SECRET_TEST_PARTNER", SECRET)
    assert get_channel("webhook").deliver(from_env).status == "delivered"
    assert receiver.received[0].signature_ok


def test_a_malformed_secret_fails_permanently_without_leaking_it(receiver):
    with pytest.raises(DeliveryError, match="invalid") as info:
        get_channel("webhook").deliver(request(receiver.url, secret="hunter2-hunter2"))
    assert not info.value.retryable and "hunter2" not in info.value.detail
    assert receiver.attempts == []


def test_a_bad_config_is_a_permanent_delivery_error():
    bad = request("https://bank.example/h").model_copy(update={"config": {"channel": "webhook"}})
    with pytest.raises(DeliveryError, match="url: Field required") as info:
        get_channel("webhook").deliver(bad)
    assert not info.value.retryable


def test_the_portal_delivers_without_leaving_the_app():
    req = DeliveryRequest(delivery_id=str(uuid.uuid4()), partner="bdf",
                          event_type="dossier.updated", dossier_id="d", version=3,
                          config={"channel": "portal", "url": None, "secret_env": None})
    result = get_channel("portal").deliver(req)
    assert (result.status, result.channel, result.response_status) == ("delivered", "portal", None)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120
    assert retry_after("Sat, 05 Dec 2026 12:05:00 GMT", now) == 300
    assert retry_after("Sat, 05 Dec 2026 11:00:00 GMT", now) == 0  # already past
    assert retry_after("", now) is None and retry_after("soon", now) is None


def test_the_retry_schedule_doubles_up_to_its_cap_and_honours_retry_after():
    policy = RetryPolicy(max_attempts=8, base=30, cap=3600, retry_after_max=600)
    for attempts, full in [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)]:
        delay = policy.delay(attempts).total_seconds()
        assert full / 2 <= delay <= full
    assert policy.delay(1, retry_after=120).total_seconds() == 120
    assert policy.delay(1, retry_after=10**6).total_seconds() == 600  # bounded
    assert 15 <= policy.delay(1, retry_after=1).total_seconds() <= 30  # never sooner
