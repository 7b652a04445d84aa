"""A FEC file read into one year of financial history, proposed, never saved by itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from app.access_deps import DossierFor
from app.deps import LangDep, StateDep
from app.openapi import problems
from app.problems import field_errors
from app.uploads import receive_upload
from dossier.access import Action
from dossier.errors import FieldError, Invalid
from dossier.services.financials import propose

router = APIRouter(tags=["dossiers"])
FEC_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A FEC (Fichier des écritures comptables): the 18 official "
                                "columns, tab or pipe separated, UTF-8 or ISO-8859-15"}}}}}}}


class FecProposal(BaseModel):
    """The year's figures by the data dictionary's mapping, for the founder to check."""

    year: int
    closing_date: str
    lines: int
    history: dict[str, Any]
    warnings: list[dict[str, Any]]


@router.post("/dossiers/{dossier_id}/fec", response_model=FecProposal, openapi_extra=FEC_BODY,
             responses=problems(404, 413, 422))
async def fec(request: Request, dossier: DossierFor(Action.edit_dossier), state: StateDep,
              lang: LangDep) -> dict[str, Any]:
    """Read a FEC file as it streams in; propose the year's revenue, result, equity, cash
    and debt (nothing is saved: the founder checks them, then saves the dossier)."""
    upload = await receive_upload(request, max_bytes=state.settings.max_upload_bytes,
                                  spool_dir=state.settings.upload_spool_dir)
    try:
        if upload.path is None:
            raise Invalid(errors=[FieldError("file", "missing")])
        proposal = await run_in_threadpool(_read, upload.path)
    finally:
        upload.discard()
    year = proposal.year
    return {"year": year.year, "closing_date": year.closing_date.isoformat(),
            "lines": year.lines, "history": proposal.history,
            "warnings": field_errors(proposal.warnings, lang)}


def _read(path):
    with path.open("rb") as lines:
        return propose(lines)
