"""The pipeline's exports, shared by the API and the staff pages: CSV and XLSX, same content.

Two readers, two shapes (docs/exports.md):

- people (the default): a French deliverable. French headers and labels (partner names,
  states, instruments, reasons), moments on the Paris clock; the XLSX has typed cells (dates
  as dates, amounts as numbers in a euro format), column widths, a frozen header row, filters
  and a "Lisez-moi" sheet (what each column means, when and by whom it was exported, which
  filters); the CSV is UTF-8 with a BOM, `;`-separated, decimal comma, for French Excel.
- integrators (`?format=codes`): stable codes as headers and values, ISO 8601 moments in UTC,
  dot decimals; the CSV is UTF-8 without BOM, `,`-separated.

Cells typed by users are neutralised for spreadsheets in both (a leading `=`, `+`, `-`, `@`
gets a `'`).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO, Any, Literal

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dossier.catalogue import LazyText, _l
from dossier.catalogue import lazy_pgettext as _p
from dossier.db import utcnow
from dossier.formatting import format_datetime, paris
from dossier.labels import label

Shape = Literal["fr", "codes"]
SHAPES: tuple[Shape, ...] = ("fr", "codes")


@dataclass(frozen=True)
class Column:
    """One column: its stable code, its French header, what it means, how a value reads."""

    code: str
    header: LazyText
    meaning: LazyText
    kind: str = "text"  # text, partner(s), money, moment, count, days, ratio, or a labels enum
    width: int = 18


ROUTE_COLUMNS = (
    Column("route_id", _l("Request reference"),
           _l("Identifier of the request sent to one partner (one per dossier and partner)."),
           width=38),
    Column("dossier_id", _l("Dossier reference"),
           _l("Identifier of the dossier; the same for every partner it was sent to."),
           width=38),
    Column("company", _l("Company"), _l("Company name, as the founder typed it."), width=30),
    Column("sector", _l("Sector"), _l("The company's sector."), "sector", 24),
    Column("partner", _l("Partner"), _l("The bank or fund the dossier was sent to."),
           "partner", 32),
    Column("state", _l("State"), _l("Where the request stands with the partner."), "state", 22),
    Column("instrument", _l("Instrument"), _l("What is asked of the partner."), "instrument",
           20),
    Column("requested_eur", _l("Amount requested"), _l("Amount asked of the partner, in euros."),
           "money", 18),
    Column("approved_eur", _l("Amount granted"),
           _l("Amount the partner granted, in euros (empty until it approves)."), "money", 18),
    Column("decision_reason", _l("Reason for declining"),
           _l("Why the partner declined (empty otherwise)."), "decline_reason", 26),
    Column("submitted_at", _l("Submitted on"),
           _l("When the founder submitted the dossier to this partner (Paris time)."),
           "moment", 18),
    Column("delivered_at", _l("Received on"),
           _l("When the dossier reached the partner (Paris time)."), "moment", 18),
    Column("first_action_at", _l("First action on"),
           _l("When the partner first acted on it: opened, reviewed (Paris time)."),
           "moment", 18),
    Column("decided_at", _l("Decided on"),
           _l("When the partner approved or declined (Paris time)."), "moment", 18),
    Column("kind", _l("Nature"), _l("A funding request, or a credit mediation referral sent "
                                   "to the Banque de France after a bank's refusal."),
           "route_kind", 22),
    Column("accepted_eur", _l("Amount accepted"),
           _l("Amount of the offer the founder accepted, in euros (empty until then)."),
           "money", 18),
    Column("disbursed_eur", _l("Amount paid out"),
           _l("Sum of the tranches the partner paid out, in euros."), "money", 18),
    Column("conditions", _l("Conditional on"),
           _l("The partners whose approval this approval depends on."), "partners", 30),
)
SUMMARY_COLUMN_LIST = (
    Column("code", _l("Partner"), _l("The bank or fund."), "partner", 32),
    Column("routed", _p("export", "Received"), _l("Requests sent to the partner."), "count", 11),
    Column("opened", _p("export", "Opened"), _l("Requests the partner acted on at least once."),
           "count", 11),
    Column("in_review", _p("export", "In review"), _l("Requests being reviewed now."), "count", 13),
    Column("info_requested", _l("Info requested"),
           _l("Requests waiting for the founder's answer."), "count", 14),
    Column("approved", _p("export", "Approved"), _l("Requests the partner approved."),
           "count", 11),
    Column("declined", _p("export", "Declined"), _l("Requests the partner declined."),
           "count", 11),
    Column("withdrawn", _p("export", "Withdrawn"), _l("Requests the founder withdrew."),
           "count", 11),
    Column("median_days_to_first_action", _l("Median days to first action"),
           _l("Median of the days between receipt and the partner's first action."),
           "days", 16),
    Column("median_days_to_decision", _l("Median days to decision"),
           _l("Median of the days between receipt and the decision."), "days", 16),
    Column("sla_breaches", _l("Late (SLA)"),
           _l("Requests waiting past the partner's agreed response time."), "count", 12),
    Column("requested_eur", _l("Amount requested"),
           _l("Sum of the amounts asked of the partner, in euros."), "money", 18),
    Column("approved_eur", _l("Amount granted"),
           _l("Sum of the amounts the partner granted, in euros."), "money", 18),
    Column("accepted", _p("export", "Accepted"), _l("Offers the founder accepted."),
           "count", 11),
    Column("accepted_eur", _l("Amount accepted"),
           _l("Sum of the offers the founders accepted, in euros."), "money", 18),
    Column("disbursed_eur", _l("Amount paid out"),
           _l("Sum of the tranches paid out, in euros."), "money", 18),
    Column("leverage", _l("Leverage"),
           _l("For honour loans and grants: euros of bank loans and equity granted by the "
              "other partners on the same dossiers, per euro this partner granted."),
           "ratio", 12),
)
COLUMNS = tuple(c.code for c in ROUTE_COLUMNS)  # the integrators' stable codes
SUMMARY_COLUMNS = tuple(c.code for c in SUMMARY_COLUMN_LIST)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FILENAMES = {"csv": "pipeline.csv", "xlsx": "pipeline.xlsx"}
MEDIA_TYPES = {"csv": CSV, "xlsx": XLSX}
EURO_FORMAT = '#,##0.00\\ "€"'
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
DAYS_FORMAT = "0.0"
RATIO_FORMAT = "0.00"
SHEETS = {"summary": _l("Partners"), "routes": _l("Requests"), "readme": _l("Read me")}
CODE_SHEETS = {"summary": "partners", "routes": "routes"}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Context:
    """Who exports, when, with which filters, and the partners' names."""

    shape: Shape = "fr"
    names: Mapping[str, str] = field(default_factory=dict)
    who: str = ""
    at: datetime = field(default_factory=utcnow)
    filters: str = ""
    lang: str = "fr"


def _nothing(_done: int) -> None:
    return None


# --- one value, as each reader gets it ---------------------------------------------------------

def _french(column: Column, value: Any, ctx: Context) -> Any:
    """A value for people: labels for codes, Paris moments, Decimal amounts (typed)."""
    if value is None or value == "":
        return None
    if column.kind == "partner":
        return ctx.names.get(str(value), str(value))
    if column.kind == "partners":  # codes joined by ", ": their names, in the same order
        return ", ".join(ctx.names.get(code, code) for code in str(value).split(", "))
    if column.kind == "moment":
        return paris(value).replace(tzinfo=None)
    if column.kind in ("money", "days", "ratio"):
        return Decimal(str(value))
    if column.kind in ("text", "count"):
        return _safe(value)
    return label(column.kind, str(value), ctx.lang, "staff")


def _coded(column: Column, value: Any) -> Any:
    """A value for integrators: the stored code, a UTC moment, a Decimal."""
    if value is None:
        return None
    if column.kind in ("money", "days", "ratio") and isinstance(value, str) and value:
        return Decimal(value)
    return _safe(value)


def _csv_text(value: Any, shape: Shape) -> Any:
    """A cell of the CSV: French decimal comma and `05/12/2026 14:05` for people; ISO and
    dot decimals for integrators; empty for missing values."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if shape == "fr" else value.isoformat()
    if isinstance(value, Decimal | float):
        text = format(Decimal(str(value)), "f")
        return text.replace(".", ",") if shape == "fr" else text
    return value


def route_cells(row: Mapping[str, Any], ctx: Context) -> list[Any]:
    """One route as typed cells for this reader."""
    if ctx.shape == "codes":
        return [_coded(c, row[c.code]) for c in ROUTE_COLUMNS]
    return [_french(c, row[c.code], ctx) for c in ROUTE_COLUMNS]


def csv_cells(row: Mapping[str, Any], ctx: Context | None = None) -> list[Any]:
    """One route as CSV cells."""
    ctx = ctx or Context()
    return [_csv_text(v, ctx.shape) for v in route_cells(row, ctx)]


def headers(columns: Iterable[Column], ctx: Context) -> list[str]:
    """The header row: French words for people, stable codes for integrators."""
    return [c.code if ctx.shape == "codes" else c.header.get(ctx.lang) for c in columns]


# --- CSV --------------------------------------------------------------------------------------

CSV_CHUNK = 64 * 1024  # characters per piece: a streamed sync iterator costs a thread hop each


def csv_lines(rows: Iterable[list[Any]], header: list[str] | None = None,
              shape: Shape = "fr") -> Iterator[str]:
    """The header, then the lines, in pieces: for people a UTF-8 BOM and `;` (French Excel),
    for integrators `,` and no BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if shape == "fr" else ",", lineterminator="\r\n")
    if shape == "fr":
        buffer.write("\ufeff")
    writer.writerow(header if header is not None else list(COLUMNS))
    for row in rows:
        writer.writerow([_safe(v) for v in row])
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(fh: IO[bytes], rows: Iterable[Mapping[str, Any]], progress: Progress = _nothing,
              ctx: Context | None = None) -> int:
    """Write every route to a binary file as CSV; `progress` gets the count of rows written."""
    ctx = ctx or Context()
    done = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal done
        for row in rows:
            yield csv_cells(row, ctx)
            done += 1
            progress(done)

    for line in csv_lines(counted(), headers(ROUTE_COLUMNS, ctx), ctx.shape):
        fh.write(line.encode("utf-8"))
    return done


# --- XLSX -------------------------------------------------------------------------------------

def _sheet(book: Workbook, title: str, columns: tuple[Column, ...], ctx: Context):
    """A sheet with widths, a frozen bold header row and filters (set once rows are in)."""
    sheet = book.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    row = []
    for text in headers(columns, ctx):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row.append(cell)
    sheet.append(row)
    return sheet


def _typed(sheet, columns: tuple[Column, ...], values: list[Any]) -> list[Any]:
    """Cells with the number format of their column: euros, dates, days."""
    cells = []
    for column, value in zip(columns, values, strict=True):
        cell = WriteOnlyCell(sheet, value=value)
        if column.kind == "money":
            cell.number_format = EURO_FORMAT
        elif column.kind == "moment":
            cell.number_format = MOMENT_FORMAT
        elif column.kind == "days":
            cell.number_format = DAYS_FORMAT
        elif column.kind == "ratio":
            cell.number_format = RATIO_FORMAT
        cells.append(cell)
    return cells


def _sheet_name(key: str, ctx: Context) -> str:
    return CODE_SHEETS[key] if ctx.shape == "codes" else SHEETS[key].get(ctx.lang)


def _filtered(sheet, columns: tuple[Column, ...], rows: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"


def _summary_values(line: Mapping[str, Any], ctx: Context) -> list[Any]:
    if ctx.shape == "codes":
        return [_coded(c, line[c.code]) for c in SUMMARY_COLUMN_LIST]
    return [_french(c, line[c.code], ctx) for c in SUMMARY_COLUMN_LIST]


def write_xlsx(fh: IO[bytes], partners: Iterable[Mapping[str, Any]],
               rows: Iterable[Mapping[str, Any]], progress: Progress = _nothing,
               ctx: Context | None = None) -> int:
    """The partners' summary, every route and (for people) a "Lisez-moi" sheet, as XLSX."""
    ctx = ctx or Context()
    book = Workbook(write_only=True)
    summary = _sheet(book, _sheet_name("summary", ctx), SUMMARY_COLUMN_LIST, ctx)
    lines = 0
    for line in partners:
        summary.append(_typed(summary, SUMMARY_COLUMN_LIST, _summary_values(line, ctx)))
        lines += 1
    _filtered(summary, SUMMARY_COLUMN_LIST, lines)
    sheet = _sheet(book, _sheet_name("routes", ctx), ROUTE_COLUMNS, ctx)
    done = 0
    for row in rows:
        values = route_cells(row, ctx)
        if ctx.shape == "codes":  # Excel keeps no zone: the UTC moment, as stored
            values = [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in values]
        sheet.append(_typed(sheet, ROUTE_COLUMNS, values))
        done += 1
        progress(done)
    _filtered(sheet, ROUTE_COLUMNS, done)
    if ctx.shape == "fr":
        _readme(book, ctx)
    book.save(fh)
    return done


README = {
    "title": _l("Pipeline export: every request sent to a partner"),
    "exported_at": _l("Exported on"),
    "exported_by": _l("Exported by"),
    "filters": _l("Filters"),
    "no_filter": _l("None: every request to every partner."),
    "times": _l("Dates and times"),
    "times_text": _l("Paris time (Europe/Paris)."),
    "amounts": _l("Amounts"),
    "amounts_text": _l("In euros, as numbers: they can be summed and filtered."),
    "integrators": _l("For integrators"),
    "integrators_text": _l("The same content with stable codes, ISO 8601 dates in UTC and "
                           "dot decimals: add ?format=codes to the export's address "
                           "(docs/exports.md)."),
    "sheet": _l("Sheet “{name}”"),
    "column": _l("Column"),
    "meaning": _l("Meaning"),
}


def _readme(book: Workbook, ctx: Context) -> None:
    """What each column means, when the file was made, by whom, with which filters."""
    words = {k: v.get(ctx.lang) for k, v in README.items()}
    sheet = book.create_sheet(SHEETS["readme"].get(ctx.lang))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def line(first: Any, second: Any = None, strong: bool = False) -> None:
        cells = []
        for value in (first, second):
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            if strong:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    line(words["title"], strong=True)
    line(words["exported_at"], format_datetime(ctx.at, ctx.lang))
    line(words["exported_by"], ctx.who or "—")
    line(words["filters"], ctx.filters or words["no_filter"])
    line(words["times"], words["times_text"])
    line(words["amounts"], words["amounts_text"])
    line(words["integrators"], words["integrators_text"])
    for key, columns in (("routes", ROUTE_COLUMNS), ("summary", SUMMARY_COLUMN_LIST)):
        line(None)
        line(words["sheet"].format(name=SHEETS[key].get(ctx.lang)), strong=True)
        line(words["column"], words["meaning"], strong=True)
        for column in columns:
            line(column.header.get(ctx.lang), column.meaning.get(ctx.lang))


def xlsx_bytes(partners: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]],
               ctx: Context | None = None) -> bytes:
    """The XLSX workbook as bytes (written through a temporary file)."""
    with tempfile.TemporaryFile() as fh:
        write_xlsx(fh, partners, rows, ctx=ctx)
        fh.seek(0)
        return fh.read()


# --- HTTP answers -----------------------------------------------------------------------------

def csv_response(rows: Iterable[Mapping[str, Any]], ctx: Context | None = None
                 ) -> StreamingResponse:
    """The CSV download; rows are read now, while the database session is open."""
    ctx = ctx or Context()
    cells = [csv_cells(row, ctx) for row in rows]
    media = CSV if ctx.shape == "fr" else "text/csv; charset=utf-8; header=present"
    return StreamingResponse(csv_lines(cells, headers(ROUTE_COLUMNS, ctx), ctx.shape),
                             media_type=media, headers=_attachment("csv", ctx.shape))


def xlsx_response(partners: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]],
                  ctx: Context | None = None) -> Response:
    """The XLSX download."""
    ctx = ctx or Context()
    return Response(xlsx_bytes(partners, rows, ctx), media_type=XLSX,
                    headers=_attachment("xlsx", ctx.shape))


def filename(fmt: str, shape: Shape = "fr") -> str:
    """`pipeline.csv`, or `pipeline-codes.csv` for integrators."""
    return FILENAMES[fmt] if shape == "fr" else FILENAMES[fmt].replace(".", "-codes.")


def _attachment(fmt: str, shape: Shape = "fr") -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename(fmt, shape)}"'}


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas typed by users (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
