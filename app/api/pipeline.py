"""Staff: the pipeline across partners, and its exports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from app import exports
from app.api.schemas import PipelineOut
from app.deps import SessionDep, StaffUser, StateDep
from app.exports import COLUMNS, XLSX
from app.openapi import binary, problems
from dossier.services import pipeline as stats

router = APIRouter(tags=["staff"])
__all__ = ["COLUMNS", "XLSX", "router"]


@router.get("/pipeline", response_model=PipelineOut, responses=problems(403))
def pipeline(user: StaffUser, db: SessionDep, state: StateDep) -> dict[str, Any]:
    """Counts per state, and per partner: volumes, medians, SLA breaches, amounts.

    Computed at most every 30 seconds (`generated_at` says when); `stuck` lists the 100
    routes waiting longest past their partner's SLA and `stuck_total` counts them all.
    """
    return state.pipeline.get(db)


@router.get("/pipeline/export.csv", response_class=StreamingResponse,
            responses={**binary("text/csv"), **problems(403)})
def export_csv(user: StaffUser, db: SessionDep) -> StreamingResponse:
    """Every route as a CSV line (UTF-8, `;`-separated for French spreadsheets)."""
    return exports.csv_response(stats.export_rows(db=db))


@router.get("/pipeline/export.xlsx", response_class=Response,
            responses={**binary(XLSX), **problems(403)})
def export_xlsx(user: StaffUser, db: SessionDep) -> Response:
    """The partners' summary and every route, as an XLSX workbook."""
    return exports.xlsx_response(stats.pipeline(db=db)["partners"], stats.export_rows(db=db))
