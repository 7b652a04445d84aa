"""What every channel receives, returns and raises, and the protocol it implements."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

EventType = Literal["dossier.submitted", "dossier.updated", "dossier.withdrawn"]

# 4xx answers that mean "try again later" rather than "this will never work".
RETRYABLE_4XX = frozenset({408, 409, 425, 429})


class DeliveryRequest(BaseModel):
    """One delivery to hand over: a data object, never a database session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    delivery_id: str = Field(min_length=1, max_length=200)
    partner: str = Field(min_length=1)
    event_type: EventType
    dossier_id: str = Field(min_length=1)
    version: int = Field(ge=1)
    payload: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime | None = None

    @field_validator("delivery_id", "dossier_id", mode="before")
    @classmethod
    def _uuid_to_str(cls, value: Any) -> Any:
        """Accept UUIDs as ids."""
        return str(value) if isinstance(value, uuid.UUID) else value


class DeliveryResult(BaseModel):
    """A delivery the partner has accepted."""

    model_config = ConfigDict(frozen=True)

    status: Literal["delivered"] = "delivered"
    channel: str
    detail: str
    response_status: int | None = None


class DeliveryError(Exception):
    """A delivery that did not go through: `retryable` and the partner's `retry_after`
    (seconds) tell the outbox whether and when to try again."""

    def __init__(self, detail: str, *, retryable: bool, response_status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.response_status = response_status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"DeliveryError({self.detail!r}, retryable={self.retryable})"


def is_retryable_status(status: int) -> bool:
    """5xx and the 'later' 4xx are retryable; any other non-2xx is permanent."""
    return status >= 500 or status in RETRYABLE_4XX


class ChannelConfigError(ValueError):
    """A partner's delivery configuration does not fit its channel."""

    def __init__(self, channel: str, errors: list[str]) -> None:
        self.channel = channel
        self.errors = errors
        super().__init__(f"invalid delivery config for channel {channel!r}: " + "; ".join(errors))

    @classmethod
    def from_validation(cls, channel: str, exc: ValidationError) -> ChannelConfigError:
        """Flatten Pydantic errors into `field: message` lines."""
        lines = [f"{'.'.join(str(p) for p in e['loc']) or 'config'}: "
                 f"{e['msg'].removeprefix('Value error, ')}"
                 for e in exc.errors(include_url=False)]
        return cls(channel, lines)


class UnknownChannel(LookupError):
    """No channel plug-in of that name is installed."""


@runtime_checkable
class Channel(Protocol):
    """A delivery channel plug-in."""

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        """Hand the request over, or raise DeliveryError."""
        ...


def parse_config(channel: type[Channel] | Channel, config: dict[str, Any]) -> BaseModel:
    """Validate a config with the channel's model, raising ChannelConfigError."""
    try:
        return channel.config_model.model_validate(config)
    except ValidationError as exc:
        raise ChannelConfigError.from_validation(channel.name, exc) from None


def delivery_config(channel: type[Channel] | Channel, config: dict[str, Any]) -> BaseModel:
    """Validate a config inside deliver(): a bad config is a permanent DeliveryError."""
    try:
        return parse_config(channel, config)
    except ChannelConfigError as exc:
        raise DeliveryError(str(exc), retryable=False) from None
