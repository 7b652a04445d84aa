"""JSON answers checked and written in the handler's thread, as FastAPI would for its model."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def model_json(model: Any, data: Any, *, status_code: int = 200) -> Response:
    """`data` validated against `model` (the route's `response_model`) and serialised by
    Pydantic's core, as FastAPI does, but in the sync handler's thread: FastAPI validates a
    sync handler's result in a second trip to the thread pool."""
    adapter = _adapter(model)
    value = adapter.validate_python(data, from_attributes=True)
    return Response(adapter.dump_json(value, by_alias=True), status_code=status_code,
                    media_type="application/json")
