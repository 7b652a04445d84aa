"""Domain errors: each carries a code the app turns into an HTTP problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier.formatting import format_size
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

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None,
                          **kw: Any):
        """`class NotFound(DomainError, status=404, code="not_found")`: its HTTP status and
        default code (otherwise those of its base, or of its own class body)."""
        super().__init_subclass__(**kw)
        cls.status = status or cls.status
        cls.code = code or cls.code

    def message(self, lang: str = "fr") -> str:
        """Human summary in the given language."""
        return translate(self.code, self.ctx, lang)


class NotFound(DomainError, status=404, code="not_found"):
    """The thing does not exist, or is not yours to see."""


class Forbidden(DomainError, status=403, code="forbidden"):
    """The role does not allow this action."""


class Unauthorized(DomainError, status=401, code="unauthorized"):
    """No valid credentials."""


class Conflict(DomainError, status=409, code="conflict"):
    """The action does not fit the current state."""


class Invalid(DomainError, status=422, code="invalid"):
    """The input breaks one or more rules; `errors` names the fields."""


class TooLarge(DomainError, status=413, code="too_large"):
    """The upload or body is larger than allowed; its `limit` (bytes) reads "50 Mo"."""

    def __init__(self, code: str | None = None, ctx: dict[str, Any] | None = None,
                 errors: list[FieldError] | None = None):
        ctx = dict(ctx or {})
        if isinstance(ctx.get("limit"), int):
            ctx |= {f"limit_{lang}": format_size(ctx["limit"], lang) for lang in ("fr", "en")}
        super().__init__(code, ctx, errors)


class UnsupportedType(DomainError, status=415, code="unsupported_type"):
    """The uploaded bytes are not an accepted document type."""


class Unavailable(DomainError, status=503, code="unavailable"):
    """A backing service (storage, database) does not answer."""

    retry_after = 2
