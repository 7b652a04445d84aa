"""Staff: the pipeline across partners, and its exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from app import exports
from app.api.schemas import PipelineOut
from app.deps import SessionDep, StaffUser, StateDep
from app.exports import COLUMNS, XLSX
from app.openapi import binary, problems
from dossier.services import partners as catalogue
from dossier.services import pipeline as stats

router = APIRouter(tags=["staff"])
__all__ = ["COLUMNS", "XLSX", "router"]

EXPORT_SHAPE = Query(
    alias="format",
    description="`fr` (default): a French deliverable for people — French headers and "
                "labels, Paris times, amounts as numbers; the CSV is UTF-8 with a BOM, "
                "`;`-separated with a decimal comma, the XLSX has typed cells, euro formats, "
                "filters and a « Lisez-moi » sheet. `codes`: the integrators' export — stable "
                "codes as headers and values (the columns below), ISO 8601 moments in UTC, "
                "dot decimals; the CSV is UTF-8 without BOM, `,`-separated. Columns (codes): "
                + ", ".join(COLUMNS) + ". See docs/exports.md.")
Shape = Annotated[exports.Shape, EXPORT_SHAPE]


def _context(user, db, shape: exports.Shape) -> exports.Context:
    return exports.Context(shape=shape, names=catalogue.partner_names(db=db),
                           who=user.full_name or user.email)


@router.get("/pipeline", response_model=PipelineOut, responses=problems(403))
def pipeline(user: StaffUser, db: SessionDep, state: StateDep) -> dict[str, Any]:
    """Counts per state, and per partner: volumes, medians, SLA breaches, amounts.

    Computed at most every 30 seconds (`generated_at` says when); `stuck` lists the 100
    routes waiting longest past their partner's SLA and `stuck_total` counts them all.
    """
    return state.pipeline.get(db)


@router.get("/pipeline/export.csv", response_class=StreamingResponse,
            responses={**binary("text/csv"), **problems(403, 422)})
def export_csv(user: StaffUser, db: SessionDep, shape: Shape = "fr") -> StreamingResponse:
    """Every route as a CSV line: for French spreadsheets (UTF-8 with BOM, `;`, decimal
    comma, labels), or with `?format=codes` for integrators (codes, ISO dates, `,`)."""
    return exports.csv_response(stats.export_rows(db=db), _context(user, db, shape))


@router.get("/pipeline/export.xlsx", response_class=Response,
            responses={**binary(XLSX), **problems(403, 422)})
def export_xlsx(user: StaffUser, db: SessionDep, shape: Shape = "fr") -> Response:
    """The partners' summary and every route as an XLSX workbook (French headers, typed
    cells, a « Lisez-moi » sheet), or with `?format=codes` the codes and UTC moments."""
    return exports.xlsx_response(stats.pipeline(db=db)["partners"], stats.export_rows(db=db),
                                 _context(user, db, shape))
