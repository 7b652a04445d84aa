"""Staff: the pipeline across partners, and its exports."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook

from app.deps import SessionDep, role_required
from dossier.models import Role, User
from dossier.services import pipeline as stats

router = APIRouter(tags=["staff"])
StaffUser = Annotated[User, Depends(role_required(Role.staff))]
COLUMNS = ("route_id", "dossier_id", "company", "sector", "partner", "state", "instrument",
           "requested_eur", "approved_eur", "decision_reason", "submitted_at", "delivered_at",
           "first_action_at", "decided_at")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/pipeline")
def pipeline(user: StaffUser, db: SessionDep) -> dict[str, Any]:
    """Counts per state, and per partner: volumes, medians, SLA breaches, amounts."""
    return {**stats.pipeline(db=db), "stuck": stats.stuck_routes(db=db)}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


@router.get("/pipeline/export.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def export_csv(user: StaffUser, db: SessionDep) -> StreamingResponse:
    """Every route as a CSV line (UTF-8, `;`-separated for French spreadsheets)."""
    rows = [[_cell(row[c]) for c in COLUMNS] for row in stats.export_rows(db=db)]

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        yield "\ufeff"
        for row in [list(COLUMNS), *rows]:
            writer.writerow([_safe(v) for v in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="pipeline.csv"'})


@router.get("/pipeline/export.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def export_xlsx(user: StaffUser, db: SessionDep) -> Response:
    """The partners' summary and every route, as an XLSX workbook."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Partenaires")
    data = stats.pipeline(db=db)
    header = ["code", "routed", "opened", "in_review", "info_requested", "approved", "declined",
              "withdrawn", "median_days_to_first_action", "median_days_to_decision",
              "sla_breaches", "requested_eur", "approved_eur"]
    summary.append(header)
    for line in data["partners"]:
        summary.append([_number(line[h]) for h in header])
    sheet = book.create_sheet("Demandes")
    sheet.append(list(COLUMNS))
    for row in stats.export_rows(db=db):
        sheet.append([_xlsx_cell(row[c]) for c in COLUMNS])
    with tempfile.TemporaryFile() as fh:
        book.save(fh)
        fh.seek(0)
        content = fh.read()
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="pipeline.xlsx"'})


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas typed by users (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _xlsx_cell(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return _safe(value)
