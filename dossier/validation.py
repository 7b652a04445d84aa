"""Validate dossiers: drafts, readiness to submit, progress, JSON Schema and snapshots."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from dossier import messages as _messages  # noqa: F401  (registers the error messages)
from dossier.errors import FieldError, Invalid
from dossier.schema import DossierV1
from dossier.schema.jsonschema import dossier_json_schema
from dossier.schema.rules import Partners, field_slots, join, model_slots, rule_errors
from dossier.schema.types import min_items

__all__ = [
    "canonical_json",
    "completeness",
    "content_hash",
    "dossier_json_schema",
    "draft_warnings",
    "dump_content",
    "pydantic_errors_to_field_errors",
    "submission_errors",
    "validate_draft",
]

_MISSING_CODES = frozenset({"missing", "too_short", "amount_required"})
_SECTIONS = ("company", "founders", "project", "financials", "funding", "requests",
             "bank_account")


def validate_draft(data: Any, *, partners: Partners | None = None,
                   today: date | None = None) -> DossierV1:
    """Parse a draft: what is present must be valid. Cross-field rules are not checked here:
    on a draft they are warnings (`draft_warnings`), and they block only the submission."""
    context = {"today": today or date.today(), "partners": partners}
    try:
        return DossierV1.model_validate(data, context=context)
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from None


def draft_warnings(d: DossierV1, *, partners: Partners | None = None) -> list[FieldError]:
    """The cross-field rules a draft does not meet yet (a plan still unbalanced, shares above
    100 %): saved all the same, listed in `completeness`, refused at submission."""
    return rule_errors(d, partners=partners)


def submission_errors(d: DossierV1, *, partners: Partners | None = None) -> list[FieldError]:
    """Everything that stops this dossier from being submitted (empty list: ready)."""
    missing = [error for _, error in model_slots(d, DossierV1) if error is not None]
    return missing + rule_errors(d, partners=partners)


def _item_model(info: Any) -> type[BaseModel] | None:
    for arg in get_args(info.annotation) or (info.annotation,):
        if get_origin(arg) is list:
            inner = get_args(arg)[0]
            return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return None


def _slot_counts(d: DossierV1, name: str) -> tuple[int, int]:
    """(filled, required) places of a section. A list with fewer items than it needs counts
    the required fields of each missing item, not one place: founders not yet typed in are
    seven fields to fill, not one."""
    info = DossierV1.model_fields[name]
    filled = required = 0
    for loc, error in field_slots(getattr(d, name), info, name):
        weight = 1
        if error is not None and error.code in ("too_short", "missing"):
            weight = _missing_items_weight(d, loc, error)
        required += weight
        filled += error is None
    return filled, required


def _missing_items_weight(d: DossierV1, loc: str, error: FieldError) -> int:
    """How many places a missing list stands for: its missing items' required fields."""
    info = _field_info(loc)
    model = _item_model(info) if info is not None else None
    if model is None:
        return 1
    need = min_items(info)
    have = int(error.ctx.get("actual_length", 0)) if error.code == "too_short" else 0
    per_item = sum(1 for _ in model_slots(None, model))
    return (need - have) * per_item + 1  # the list itself, and each missing item's fields


def _field_info(loc: str) -> Any:
    """The FieldInfo of a loc without row numbers ("financials.forecast"), or None."""
    model: Any = DossierV1
    info = None
    for name in re.sub(r"\[\d+\]", "", loc).split("."):
        fields = getattr(model, "model_fields", {})
        if name not in fields:
            return None
        info = fields[name]
        model = _item_model(info) or _object_model(info)
    return info


def _object_model(info: Any) -> type[BaseModel] | None:
    for arg in get_args(info.annotation) or (info.annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def completeness(d: DossierV1) -> dict[str, Any]:
    """Progress of a draft's content: per-section counts of required places filled, what is
    missing, and the cross-field rules not met yet (warnings)."""
    sections = {}
    for name in _SECTIONS:
        filled, required = _slot_counts(d, name)
        sections[name] = {"filled": filled, "required": required}
    errors = submission_errors(d)
    required = sum(s["required"] for s in sections.values())
    filled = sum(s["filled"] for s in sections.values())
    return {
        "ready": not errors,
        "missing": [e.loc for e in errors if e.code in _MISSING_CODES],
        "sections": sections,
        "percent": 100 * filled // required if required else 100,
        "filled": filled,
        "required": required,
    }


def _loc(parts: tuple[int | str, ...]) -> str:
    loc = ""
    for part in parts:
        loc = join(loc, part)
    return loc


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return str(value)  # plain str, also for StrEnum members
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    return str(value)  # Decimal, exceptions, anything else


def _ctx(code: str, ctx: Mapping[str, Any]) -> dict[str, Any]:
    safe = _json_safe(ctx)
    if code in ("enum", "literal_error") and isinstance(safe.get("expected"), str):
        # pydantic writes "'SAS', 'SASU' or 'other'": keep a language-neutral list
        safe["expected"] = ", ".join(re.findall(r"'([^']*)'", safe["expected"])) or safe["expected"]
    return safe


def pydantic_errors_to_field_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic errors as FieldErrors: loc "funding.sources[2].amount_eur", code = error type."""
    return [
        FieldError(_loc(err["loc"]) or "body", err["type"],
                   _ctx(err["type"], err.get("ctx", {})), err["msg"])
        for err in exc.errors(include_url=False, include_input=False)
    ]


def dump_content(d: DossierV1) -> dict[str, Any]:
    """The dossier as JSON-ready data (money as strings), without absent fields."""
    return d.model_dump(mode="json", exclude_none=True)


def canonical_json(d: DossierV1) -> str:
    """One exact text per content: sorted keys, no spaces, no absent fields."""
    return json.dumps(dump_content(d), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(d: DossierV1) -> str:
    """SHA-256 hex digest of the canonical JSON, for immutable version snapshots."""
    return hashlib.sha256(canonical_json(d).encode("utf-8")).hexdigest()
