"""The founder's access log: who at which partner read the dossier, what and when."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.access_deps import ReadableDossier
from app.deps import SessionDep
from app.openapi import problems
from dossier.services.access import access_log, access_view

router = APIRouter(tags=["dossiers"])


class AccessRecordOut(BaseModel):
    """One reading of the dossier by a partner's reviewer (or staff, or an expert a partner
    invited: `role` `expert`, no `user_id`, `partner` the one that invited it)."""

    id: str
    at: str
    user_id: str | None
    email: str
    role: str
    partner: str | None
    route_id: str | None
    kind: Literal["dossier", "pdf", "attachment", "attachments_zip", "handover"]
    object_id: str | None
    object_name: str | None
    version: int | None
    via: Literal["api", "web"]


class AccessLogOut(BaseModel):
    """A page of the access log, newest first."""

    total: int
    items: list[AccessRecordOut]


@router.get("/dossiers/{dossier_id}/access-log", response_model=AccessLogOut,
            responses=problems(404))
def read_access_log(dossier: ReadableDossier, db: SessionDep,
                    limit: int = Query(200, ge=1, le=1000),
                    offset: int = Query(0, ge=0, le=10_000_000)) -> dict[str, Any]:
    """Who read the dossier: every opening of the route page or API, PDF, attachment or ZIP.

    `kind` is `dossier`, `pdf`, `attachment` or `attachments_zip`; `object_id` and
    `object_name` name the attachment (or the file sent); `version` is the dossier version
    read; `via` is `web` or `api`. An expert a partner invited reads as `role` `expert`, under
    that `partner`, without a `user_id`. Founders see their own dossiers only (404 otherwise);
    staff see all. Each record is also a link of the dossier's audit chain.
    """
    total, rows = access_log(db=db, dossier=dossier, limit=limit, offset=offset)
    return {"total": total, "items": [access_view(r) for r in rows]}
