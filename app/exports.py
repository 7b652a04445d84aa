"""The pipeline's exports, shared by the API and the staff pages: CSV and XLSX, same content."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook

COLUMNS = ("route_id", "dossier_id", "company", "sector", "partner", "state", "instrument",
           "requested_eur", "approved_eur", "decision_reason", "submitted_at", "delivered_at",
           "first_action_at", "decided_at")
SUMMARY_COLUMNS = ("code", "routed", "opened", "in_review", "info_requested", "approved",
                   "declined", "withdrawn", "median_days_to_first_action",
                   "median_days_to_decision", "sla_breaches", "requested_eur", "approved_eur")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FILENAMES = {"csv": "pipeline.csv", "xlsx": "pipeline.xlsx"}
MEDIA_TYPES = {"csv": CSV, "xlsx": XLSX}

Progress = Callable[[int], None]


def _nothing(_done: int) -> None:
    return None


def csv_cells(row: Mapping[str, Any]) -> list[Any]:
    """One route as CSV cells: ISO dates, empty for missing values."""
    return [_cell(row[c]) for c in COLUMNS]


CSV_CHUNK = 64 * 1024  # characters per piece: a streamed sync iterator costs a thread hop each


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """A UTF-8 BOM, the header, then `;`-separated lines (formulas neutralised), in pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    for row in _header_then(rows):
        writer.writerow([_safe(v) for v in row])
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _header_then(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield list(COLUMNS)
    yield from rows


def write_csv(fh: IO[bytes], rows: Iterable[Mapping[str, Any]],
              progress: Progress = _nothing) -> int:
    """Write every route to a binary file as CSV; `progress` gets the count of rows written."""
    done = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal done
        for row in rows:
            yield csv_cells(row)
            done += 1
            progress(done)

    for line in csv_lines(counted()):
        fh.write(line.encode("utf-8"))
    return done


def write_xlsx(fh: IO[bytes], partners: Iterable[Mapping[str, Any]],
               rows: Iterable[Mapping[str, Any]], progress: Progress = _nothing) -> int:
    """The partners' summary and every route, as an XLSX workbook written to a binary file."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Partenaires")
    summary.append(list(SUMMARY_COLUMNS))
    for line in partners:
        summary.append([_number(line[h]) for h in SUMMARY_COLUMNS])
    sheet = book.create_sheet("Demandes")
    sheet.append(list(COLUMNS))
    done = 0
    for row in rows:
        sheet.append([_xlsx_cell(row[c]) for c in COLUMNS])
        done += 1
        progress(done)
    book.save(fh)
    return done


def xlsx_bytes(partners: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The XLSX workbook as bytes (written through a temporary file)."""
    with tempfile.TemporaryFile() as fh:
        write_xlsx(fh, partners, rows)
        fh.seek(0)
        return fh.read()


def csv_response(rows: Iterable[Mapping[str, Any]]) -> StreamingResponse:
    """The CSV download; rows are read now, while the database session is open."""
    cells = [csv_cells(row) for row in rows]
    return StreamingResponse(csv_lines(cells), media_type=CSV, headers=_attachment("csv"))


def xlsx_response(partners: Iterable[Mapping[str, Any]],
                  rows: Iterable[Mapping[str, Any]]) -> Response:
    """The XLSX download."""
    return Response(xlsx_bytes(partners, rows), media_type=XLSX, headers=_attachment("xlsx"))


def _attachment(fmt: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{FILENAMES[fmt]}"'}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


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
