"""Standard Webhooks signatures: ours verify, and match the reference implementation."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from banks.channels.signing import (
    InvalidSecret,
    InvalidSignature,
    decode_secret,
    generate_secret,
    sign,
    sign_headers,
    verify_signature,
)

BODY = '{"type":"dossier.submitted","data":{"name":"Élan SAS"}}'.encode()


def test_a_signed_message_verifies_and_returns_its_id():
    secret = generate_secret()
    headers = sign_headers(secret, "dlv_1", BODY)
    assert headers["webhook-signature"].startswith("v1,")
    assert verify_signature(secret, headers, BODY) == "dlv_1"


def test_the_key_is_the_base64_decoded_part_of_the_secret():
    secret = generate_secret()
    assert sign(secret, "m", 1, BODY) == sign(decode_secret(secret), "m", 1, BODY)
    assert len(decode_secret(secret)) == 32


@pytest.mark.parametrize("change", ["secret", "body", "id", "timestamp"])
def test_anything_changed_is_refused(change):
    secret = generate_secret()
    headers = sign_headers(secret, "dlv_1", BODY)
    body = BODY
    if change == "secret":
        secret = generate_secret()
    elif change == "body":
        body = BODY.replace("É".encode(), b"E")
    elif change == "id":
        headers["webhook-id"] = "dlv_2"
    else:
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    with pytest.raises(InvalidSignature, match="no matching"):
        verify_signature(secret, headers, body)


def test_stale_or_future_timestamps_are_refused():
    secret = generate_secret()
    old = sign_headers(secret, "dlv_1", BODY, timestamp=int(time.time()) - 301)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_signature(secret, old, BODY)
    assert verify_signature(secret, old, BODY, tolerance=600) == "dlv_1"
    future = sign_headers(secret, "dlv_1", BODY, timestamp=int(time.time()) + 301)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_signature(secret, future, BODY)


def test_missing_or_malformed_headers_are_refused():
    secret = generate_secret()
    headers = sign_headers(secret, "dlv_1", BODY)
    with pytest.raises(InvalidSignature, match="missing"):
        verify_signature(secret, {**headers, "webhook-signature": ""}, BODY)
    with pytest.raises(InvalidSignature, match="integer"):
        verify_signature(secret, {**headers, "webhook-timestamp": "soon"}, BODY)


def test_headers_are_case_insensitive_and_any_v1_signature_may_match():
    secret, old_secret = generate_secret(), generate_secret()
    headers = sign_headers(secret, "dlv_1", BODY)
    rotated = sign(old_secret, "dlv_1", int(headers["webhook-timestamp"]), BODY)
    upper = {"Webhook-Id": "dlv_1", "Webhook-Timestamp": headers["webhook-timestamp"],
             "Webhook-Signature": f"v2,abc {rotated} {headers['webhook-signature']}"}
    assert verify_signature(secret, upper, BODY) == "dlv_1"


@pytest.mark.parametrize("bad", ["", "abc", "whsec_", "whsec_***", "whsec_c2hvcnQ="])
def test_bad_secrets_are_refused_with_a_reason(bad):
    with pytest.raises(InvalidSecret):
        decode_secret(bad)


def test_reference_implementation_agrees_both_ways():
    sw = pytest.importorskip("standardwebhooks")
    secret = generate_secret()
    ours = sign_headers(secret, "dlv_1", BODY)
    assert sw.Webhook(secret).verify(BODY, ours)["data"]["name"] == "Élan SAS"
    now = datetime.now(UTC)
    theirs = {"webhook-id": "dlv_2", "webhook-timestamp": str(int(now.timestamp())),
              "webhook-signature": sw.Webhook(secret).sign("dlv_2", now, BODY.decode())}
    assert verify_signature(secret, theirs, BODY) == "dlv_2"
    with pytest.raises(sw.WebhookVerificationError):
        sw.Webhook(generate_secret()).verify(BODY, ours)
