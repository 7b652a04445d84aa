"""Health, the dossier's JSON Schema and the partner catalogue."""

from __future__ import annotations

import os
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.deps import CurrentUser, SessionDep, StateDep
from dossier.db import ping
from dossier.services.partners import list_partners, partner_view
from dossier.validation import dossier_json_schema
from workflows.runtime import local_api_url

router = APIRouter()


class Health(BaseModel):
    """Each dependency's state."""

    status: Literal["ok", "degraded"]
    checks: dict[str, str]


class CommitteeOut(BaseModel):
    """Whether the partner decides in committee, above which amount (requested or decided)."""

    required: bool
    above_eur: str


class PartnerOut(BaseModel):
    """A catalogue entry."""

    code: str
    name: str
    kind: str
    instruments: list[str]
    required_attachments: list[str]
    sla_days: int | None
    eligibility: dict[str, Any]
    description: str = ""
    committee: CommitteeOut | None = None


def _check(fn: Any) -> str:
    try:
        fn()
    except Exception as exc:  # a health check reports, it does not raise
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get("/health", response_model=Health, tags=["meta"],
            responses={503: {"model": Health, "description": "A dependency is down"}})
def health(state: StateDep) -> Any:
    """Whether the database, the object store and the orchestrator answer (no auth)."""

    checks = {
        "database": _check(lambda: ping(state.engine)),
        "storage": _check(state.store.check),
        # serve's own local server is set as PREFECT_API_URL too: flows still run here.
        "orchestrator": "remote" if os.environ.get("PREFECT_API_URL") and not local_api_url()
        else "ok",
    }
    ok = all(v in ("ok", "remote") for v in checks.values())
    body = Health(status="ok" if ok else "degraded", checks=checks).model_dump()
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/schema/dossier", tags=["meta"])
def schema() -> dict[str, Any]:
    """The JSON Schema of the dossier, version 1 (what submission requires)."""
    return dossier_json_schema()


@router.get("/partners", response_model=list[PartnerOut], tags=["meta"])
def partners(user: CurrentUser, db: SessionDep) -> list[dict[str, Any]]:
    """The partner catalogue: banks and funds a dossier can be sent to."""
    return [partner_view(p) for p in list_partners(db=db)]
