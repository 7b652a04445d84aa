"""OpenAPI additions: the dossier content schema and response shapes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from dossier.filetypes import ACCEPTED
from dossier.schema import DossierV1

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_DESCRIPTIONS = {
    400: "Malformed request (body, JSON or multipart)", 401: "Not authenticated",
    403: "Role not allowed", 404: "Not found, or not yours to see",
    409: "Conflicts with the current state (or a file held until the antivirus clears it)",
    413: "Body or upload too large", 415: "Content type refused",
    422: "Invalid input; `errors` names the fields", 429: "Too many attempts",
    503: "A backing service does not answer",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for RFC 9457 problem answers with these statuses."""
    schema = component(Problem)
    return {status: {"description": PROBLEM_DESCRIPTIONS[status],
                     "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}
            for status in statuses}


def binary(*media_types: str, description: str = "The file") -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a file answered as one of these media types."""
    return {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in media_types}}}


# An attachment's bytes are served with the type sniffed at upload.
ATTACHMENT_CONTENT = binary(*ACCEPTED, "application/octet-stream")

# Schemas FastAPI cannot see (bodies read after authentication, problems): the document
# carries them under components/schemas.
COMPONENTS: dict[str, type[BaseModel]] = {}
REF_TEMPLATE = "#/components/schemas/{model}"


def component(model: type[BaseModel]) -> dict[str, str]:
    """A reference to the model's schema, which the document will carry."""
    COMPONENTS[model.__name__] = model
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def json_request(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route reading its JSON body itself (`app.deps.json_model`)."""
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": component(model)}}}}


DOSSIER_BODY = json_request(DossierV1)


class ProblemField(BaseModel):
    """One field's error."""

    loc: str
    code: str
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem: every 4xx and 5xx answer of the API."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    errors: list[ProblemField] = []


class AttachmentOut(BaseModel):
    """An uploaded document."""

    id: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: str
    scan_status: str = "not_scanned"
    issued_on: str | None = None  # the document's date (annual accounts: the year's end)
    expires_on: str | None = None  # first day it no longer counts (default validity)


class RouteOut(BaseModel):
    """One partner's handling of the dossier."""

    id: str
    partner: str
    kind: str = "funding"  # or "mediation": a referral to the Médiation du crédit
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
    """Serve an OpenAPI document that includes the schemas of `COMPONENTS`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, model in COMPONENTS.items():
            schema = model.model_json_schema(ref_template=REF_TEMPLATE)
            schemas.update(schema.pop("$defs", {}))
            schemas[name] = schema
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
