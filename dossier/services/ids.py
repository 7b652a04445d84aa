"""Ids from URLs: a malformed id is simply not found (ids are not probed); a signed link's
token (`<id>.<signature>`) names its row only when the signature is that row's."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from dossier.errors import NotFound

Row = TypeVar("Row")


def parse_id(value: Any, code: str) -> uuid.UUID:
    """The UUID in `value`, or NotFound with `code`."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(code) from exc


def signed_row(db: Session, model: type[Row], token: str,
               signature: Callable[[Row], str]) -> Row | None:
    """The row a link token `<id>.<signature>` names, if `signature(row)` is the token's;
    None for a malformed token, an unknown id or another signature."""
    try:
        row_id, signed = token.split(".")
        key = uuid.UUID(row_id)
    except ValueError:
        return None
    row = db.get(model, key)
    if row is None or not hmac.compare_digest(signature(row), signed):
        return None
    return row
