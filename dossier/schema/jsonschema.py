"""The JSON Schema of a dossier ready to submit, derived from the models and their markers."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from dossier.schema.models import DossierV1
from dossier.schema.types import MIN_ITEMS_KEY, REQUIRED_KEY

SCHEMA_ID = "urn:dossier-unique:schema:dossier:v1"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """Drop the null branch and the null default of a draft-optional property."""
    branches = [b for b in prop.get("anyOf", []) if b != {"type": "null"}]
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    if prop.get("default") is not None:
        rest["default"] = prop["default"]
    if "anyOf" not in prop:
        return rest
    if len(branches) == 1:
        return {**branches[0], **rest}
    return {"anyOf": branches, **rest}


def _mark_required(node: dict[str, Any]) -> None:
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return
    required = []
    for name, prop in list(properties.items()):
        if prop.pop(REQUIRED_KEY, False):
            required.append(name)
            minimum = prop.pop(MIN_ITEMS_KEY, None)
            prop = _non_null(prop)
            if minimum:
                prop["minItems"] = minimum
            properties[name] = prop
    if required:
        node["required"] = required


@cache
def _build() -> dict[str, Any]:
    schema = DossierV1.model_json_schema(mode="validation")
    _mark_required(schema)
    for definition in schema.get("$defs", {}).values():
        _mark_required(definition)
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "Dossier unique de financement v1",
        "description": (
            "A funding dossier ready to submit. Drafts accept any subset of these fields "
            "(each present field must be valid). Money: string with at most 2 decimals "
            "(\"1329243.00\") or a JSON number. Rules not expressed here: the SIRET starts "
            "with the SIREN; founders' equity_pct sum to 100 at most; uses and sources each "
            "sum to total_need_eur to the cent; no duplicate years, labels or partners; "
            "partner codes and instruments come from the partner catalogue."
        ),
    }


def dossier_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a complete dossier, for GET /api/v1/schema/dossier."""
    return copy.deepcopy(_build())
