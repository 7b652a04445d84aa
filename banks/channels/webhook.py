"""The signed webhook: POST the event to the partner's URL with Standard Webhooks headers."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar, Literal, cast
from urllib.parse import urlsplit

import httpx
import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from banks.channels.base import (
    DeliveryError,
    DeliveryRequest,
    DeliveryResult,
    delivery_config,
    is_retryable_status,
)
from banks.channels.signing import InvalidSecret, decode_secret, sign_headers, verify_signature

__all__ = ["WebhookChannel", "WebhookConfig", "verify_signature"]

USER_AGENT = "DossierUnique/1"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class WebhookConfig(BaseModel):
    """Where to POST and which env var holds the `whsec_` secret (`secret` only in tests)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Literal["webhook"] = "webhook"
    url: str
    secret_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    secret: SecretStr | None = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str) -> str:
        """https with a host; plain http only for a loopback host (tests, local dev)."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK:
            raise ValueError("must use https (plain http is allowed only for localhost)")
        return url

    @model_validator(mode="after")
    def _one_secret(self) -> WebhookConfig:
        """Exactly one source for the signing secret."""
        if (self.secret_env is None) == (self.secret is None):
            raise ValueError("give exactly one of secret_env (env var name) or secret")
        return self

    def signing_key(self) -> bytes:
        """The decoded secret, read from the environment at delivery time."""
        if self.secret is not None:
            raw, source = self.secret.get_secret_value(), "secret"
        else:
            raw, source = os.environ.get(self.secret_env or "", ""), f"env var {self.secret_env}"
            if not raw:
                raise DeliveryError(f"webhook secret missing: {source} is not set",
                                    retryable=False)
        try:
            return decode_secret(raw)
        except InvalidSecret as exc:
            raise DeliveryError(f"webhook secret in {source} is invalid: {exc}",
                                retryable=False) from None


def encode_body(request: DeliveryRequest) -> bytes:
    """The JSON body, serialized once so the signature covers exactly what is sent."""
    when = request.occurred_at or datetime.now(UTC)
    envelope = {"type": request.event_type, "timestamp": when.isoformat(), "data": request.payload}
    return pydantic_core.to_json(envelope)


def retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT, even written without its zone
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _classify(response: httpx.Response) -> DeliveryResult:
    """2xx is delivered; anything else becomes a DeliveryError, retryable or not."""
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryResult(channel="webhook", detail=f"accepted with HTTP {status}",
                              response_status=status)
    detail = f"partner answered HTTP {status}"
    if 300 <= status < 400:
        detail += " (redirects are not followed; fix the URL)"
    snippet = response.text[:200].strip() if response.content else ""
    if snippet:
        detail += f": {snippet}"
    raise DeliveryError(detail, retryable=is_retryable_status(status), response_status=status,
                        retry_after=retry_after(response.headers.get("retry-after", "")))


class WebhookChannel:
    """POST the event, signed; the delivery id is the idempotency key receivers dedupe on."""

    name: ClassVar[str] = "webhook"
    config_model: ClassVar[type[BaseModel]] = WebhookConfig

    def __init__(self, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        """Send once; the outbox (dossier.services.delivery) owns retries and their schedule."""
        config = cast(WebhookConfig, delivery_config(self, request.config))
        body = encode_body(request)
        headers = {
            **sign_headers(config.signing_key(), request.delivery_id, body),
            "content-type": "application/json",
            "idempotency-key": request.delivery_id,
            "user-agent": USER_AGENT,
        }
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                response = client.post(config.url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise DeliveryError(f"timeout: {type(exc).__name__}", retryable=True) from None
        except httpx.UnsupportedProtocol as exc:
            raise DeliveryError(f"bad webhook URL: {exc}", retryable=False) from None
        except httpx.TransportError as exc:
            raise DeliveryError(f"connection failed: {type(exc).__name__}: {exc}"[:300],
                                retryable=True) from None
        return _classify(response)
