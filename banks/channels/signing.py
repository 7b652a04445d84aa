"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256(key, "{id}.{ts}.{body}")>`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format prefix, not a secret)
DEFAULT_TOLERANCE = 300


class InvalidSignature(ValueError):
    """A webhook request whose headers or signature do not check out."""


class InvalidSecret(ValueError):
    """A secret that is not `whsec_` followed by base64 bytes."""


def generate_secret(nbytes: int = 32) -> str:
    """A fresh secret to hand to a partner: `whsec_` + base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode()


def decode_secret(secret: str | bytes) -> bytes:
    """The signing key: raw bytes, or the base64-decoded part of a `whsec_…` string."""
    if isinstance(secret, bytes):
        key = secret
    else:
        if not secret.startswith(SECRET_PREFIX):
            raise InvalidSecret(f"a webhook secret must start with {SECRET_PREFIX!r}")
        encoded = secret[len(SECRET_PREFIX):].strip()
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidSecret("the part after 'whsec_' is not valid base64") from None
    if len(key) < 16:
        raise InvalidSecret("a webhook secret must hold at least 16 bytes")
    return key


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def sign(secret: str | bytes, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """The `webhook-signature` header value for one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + _as_bytes(body)
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_headers(secret: str | bytes, msg_id: str, body: bytes | str,
                 timestamp: int | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for one message."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": sign(secret, msg_id, ts, body)}


def verify_signature(secret: str | bytes, headers: Mapping[str, str], body: bytes | str,
                     tolerance: int = DEFAULT_TOLERANCE, now: float | None = None) -> str:
    """Check a received webhook; return its `webhook-id` or raise InvalidSignature."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, ts_raw, sig_header = (lower.get("webhook-id"), lower.get("webhook-timestamp"),
                                  lower.get("webhook-signature"))
    if not (msg_id and ts_raw and sig_header):
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        ts = int(ts_raw)
    except ValueError:
        raise InvalidSignature("webhook-timestamp is not an integer") from None
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        raise InvalidSignature("webhook-timestamp outside the tolerance window")
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    for candidate in sig_header.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return msg_id
    raise InvalidSignature("no matching v1 signature")
