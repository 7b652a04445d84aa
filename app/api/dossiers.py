"""Founder's dossier: create, read, update, submit, PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from app.access_deps import OwnedDossier, ReadableDossier
from app.api.responses import model_json
from app.deps import (
    CurrentUser,
    FounderUser,
    JsonBody,
    LangDep,
    SessionDep,
)
from app.openapi import DOSSIER_BODY, DossierOut, binary, problems
from app.rendering import dossier_pdf
from dossier.services import dossiers, readiness, submission
from dossier.services.access import AccessKind, record_access

router = APIRouter(tags=["dossiers"])


@router.post("/dossiers", status_code=201, response_model=DossierOut, openapi_extra=DOSSIER_BODY,
             responses=problems(403, 413, 415))
def create(user: FounderUser, db: SessionDep, body: JsonBody, lang: LangDep) -> dict[str, Any]:
    """Start a dossier; a partial draft is fine, but what is present must be valid. Rules
    between fields (a balanced plan, shares up to 100 %) are warnings in `completeness`."""
    dossier = dossiers.create_draft(db=db, owner=user, data=body)
    return readiness.dossier_view(db=db, dossier=dossier, lang=lang)


@router.get("/dossiers", response_model=list[DossierOut])
def list_(user: CurrentUser, db: SessionDep, lang: LangDep,
          limit: int = Query(50, ge=1, le=200),
          offset: int = Query(0, ge=0, le=10_000_000)) -> list[dict[str, Any]]:
    """The caller's dossiers, newest first (all of them for staff)."""
    return [readiness.dossier_view(db=db, dossier=d, lang=lang)
            for d in dossiers.list_for_user(db=db, user=user, limit=limit, offset=offset)]


@router.get("/dossiers/{dossier_id}", response_model=DossierOut, responses=problems(404))
def read(dossier: ReadableDossier, user: CurrentUser, db: SessionDep, lang: LangDep
         ) -> Response:
    """A dossier with its completeness, funding plan, attachments and routes."""
    record_access(db=db, dossier=dossier, user=user, kind=AccessKind.dossier, via="api")
    return model_json(DossierOut, readiness.dossier_view(db=db, dossier=dossier, lang=lang))


@router.put("/dossiers/{dossier_id}", response_model=DossierOut, openapi_extra=DOSSIER_BODY,
            responses=problems(403, 404, 409, 413, 415))
def replace(user: CurrentUser, body: JsonBody, dossier: OwnedDossier, db: SessionDep,
            lang: LangDep) -> dict[str, Any]:
    """Replace the content: the draft before submission (rules between fields are warnings
    in `completeness`), a new version (amendment) after."""
    submission.save(db=db, dossier=dossier, user=user, data=body)
    return readiness.dossier_view(db=db, dossier=dossier, lang=lang)


@router.get("/dossiers/{dossier_id}/pdf", response_class=Response,
            responses={**binary("application/pdf"), **problems(404)})
def pdf(dossier: ReadableDossier, user: CurrentUser, lang: LangDep, db: SessionDep
        ) -> Response:
    """The dossier as a PDF (current content)."""
    data, filename = dossier_pdf(db=db, dossier=dossier, lang=lang)
    record_access(db=db, dossier=dossier, user=user, kind=AccessKind.pdf, via="api",
                  name=filename)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
