"""OpenAPI additions: the dossier content schema and response shapes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from dossier.schema import DossierV1

DOSSIER_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DossierV1"}}},
    }
}


class AttachmentOut(BaseModel):
    """An uploaded document."""

    id: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: str


class RouteOut(BaseModel):
    """One partner's handling of the dossier."""

    id: str
    partner: str
    state: str
    decision: dict[str, Any] | None = None
    updated_at: str


class DossierOut(BaseModel):
    """A dossier as the founder sees it."""

    id: str
    status: str
    version: int | None
    created_at: str
    updated_at: str
    content: dict[str, Any]
    completeness: dict[str, Any]
    funding_plan: dict[str, Any]
    attachments: list[AttachmentOut]
    routes: list[RouteOut]


def install(app: FastAPI) -> None:
    """Serve an OpenAPI document that includes the dossier content schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        content = DossierV1.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(content.pop("$defs", {}))
        schemas["DossierV1"] = content
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
