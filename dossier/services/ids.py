"""Ids from URLs: a malformed id is simply not found (ids are not probed)."""

from __future__ import annotations

import uuid
from typing import Any

from dossier.errors import NotFound


def parse_id(value: Any, code: str) -> uuid.UUID:
    """The UUID in `value`, or NotFound with `code`."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(code) from exc
