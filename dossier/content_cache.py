"""Validated dossier content and its completeness, kept per content hash; and what is
derived from a content (verdicts, rule errors), kept per model.

Reading a dossier validated its whole content and walked every field for completeness on
each request (most of the CPU of `GET /dossiers/{id}`); the content changes only when the
founder writes it, so both are kept for the last contents seen. The model returned is
shared: callers must not modify it, nor what `derived` returns.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from dossier.schema import DossierV1
from dossier.validation import completeness

SIZE = 512

_lock = threading.Lock()
_cache: OrderedDict[str, tuple[DossierV1, dict[str, Any]]] = OrderedDict()
_derived: OrderedDict[tuple[str, int, Hashable], tuple[DossierV1, Any]] = OrderedDict()
_by_value: OrderedDict[tuple[str, str], Any] = OrderedDict()
T = TypeVar("T")


def _key(content: dict[str, Any]) -> str:
    # Date rules read today's date: a new day is a new key.
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return f"{date.today()}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def validated(content: dict[str, Any]) -> tuple[DossierV1, dict[str, Any]]:
    """The content as a model and its completeness (a fresh copy of the latter)."""
    key = _key(content)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is None:
        model = DossierV1.model_validate(content)
        hit = (model, completeness(model))
        with _lock:
            _cache[key] = hit
            while len(_cache) > SIZE:
                _cache.popitem(last=False)
    model, done = hit
    return model, json.loads(json.dumps(done))


def model(content: dict[str, Any]) -> DossierV1:
    """The content as a (shared, read-only) model."""
    return validated(content)[0]


def derived(model: DossierV1, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, kept per model (from `validated`: its identity stands for its content and
    today's date) and `key` (whatever else the value depends on: the catalogue, the files,
    the language). Shared: callers must not modify it."""
    slot = (name, id(model), key)
    with _lock:
        hit = _derived.get(slot)
        if hit is not None and hit[0] is model:  # an id is reused only once its model is gone
            _derived.move_to_end(slot)
            return hit[1]
    value = compute()
    with _lock:
        _derived[slot] = (model, value)
        while len(_derived) > 4 * SIZE:
            _derived.popitem(last=False)
    return value


def by_value(name: str, parts: Any, compute: Callable[[], T]) -> T:
    """`compute()`, kept per value of `parts` (anything JSON can write) and today's date: a
    view of a dossier made again only when what it shows changes. Shared: callers must not
    modify it."""
    slot = (name, _key(parts))
    with _lock:
        if slot in _by_value:
            _by_value.move_to_end(slot)
            return _by_value[slot]
    value = compute()
    with _lock:
        _by_value[slot] = value
        while len(_by_value) > SIZE:
            _by_value.popitem(last=False)
    return value
