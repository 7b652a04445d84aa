"""Validated dossier content and its completeness, kept per content hash.

Reading a dossier validated its whole content and walked every field for completeness on
each request (most of the CPU of `GET /dossiers/{id}`); the content changes only when the
founder writes it, so both are kept for the last contents seen. The model returned is
shared: callers must not modify it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from dossier.schema import DossierV1
from dossier.validation import completeness

SIZE = 512

_lock = threading.Lock()
_cache: OrderedDict[str, tuple[DossierV1, dict[str, Any]]] = OrderedDict()


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
