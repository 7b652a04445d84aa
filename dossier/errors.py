"""Domain errors: each carries a code the app turns into an HTTP problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier.i18n import translate


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, e.g. loc="funding.sources[2].amount_eur"."""

    loc: str
    code: str
    ctx: dict[str, Any] = field(default_factory=dict)
    fallback: str | None = None

    def message(self, lang: str = "fr") -> str:
        """Human message in the given language."""
        return translate(self.code, self.ctx, lang, self.fallback)


class DomainError(Exception):
    """Base of errors that the API answers with a 4xx problem."""

    status = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After

    def __init__(self, code: str | None = None, ctx: dict[str, Any] | None = None,
                 errors: list[FieldError] | None = None):
        self.code = code or self.code
        self.ctx = ctx or {}
        self.errors = errors or []
        super().__init__(self.code)

    def message(self, lang: str = "fr") -> str:
        """Human summary in the given language."""
        return translate(self.code, self.ctx, lang)


class NotFound(DomainError):
    """The thing does not exist, or is not yours to see."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The role does not allow this action."""

    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    """No valid credentials."""

    status = 401
    code = "unauthorized"


class Conflict(DomainError):
    """The action does not fit the current state."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """The input breaks one or more rules; `errors` names the fields."""

    status = 422
    code = "invalid"


class TooLarge(DomainError):
    """The upload or body is larger than allowed."""

    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    """The uploaded bytes are not an accepted document type."""

    status = 415
    code = "unsupported_type"


class Unavailable(DomainError):
    """A backing service (storage, database) does not answer."""

    status = 503
    code = "unavailable"
    retry_after = 2
