"""The financial history a founder's FEC file proposes, and saving the years they checked.

Two steps, so that nothing is stored before the founder has seen the figures: `propose` reads
one file (the API's `POST /dossiers/{id}/fec` and the wizard's upload), `apply` puts the years
the founder kept, as they left them, into `financials.history` (the wizard's review screen).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dossier.errors import FieldError, Invalid
from dossier.fec import FecError, FiscalYear, read_fec
from dossier.models import Dossier, User
from dossier.services import submission

# history fields the data dictionary keeps ≥ 0: a negative figure is proposed as 0, and said
NON_NEGATIVE = ("revenue_eur", "cash_eur", "debt_eur")
AMOUNTS = ("revenue_eur", "net_income_eur", "equity_eur", "cash_eur", "debt_eur")
MAX_HISTORY = 3  # data dictionary: the last three closed years at most


@dataclass(frozen=True)
class Proposal:
    """One fiscal year read from a FEC, as the wizard offers it."""

    year: FiscalYear
    history: dict[str, Any]
    warnings: list[FieldError]


def propose(lines: Iterable[bytes]) -> Proposal:
    """Read a FEC file's lines; a 422 naming the file and the line if it is not one."""
    try:
        year = read_fec(lines)
    except FecError as exc:
        raise Invalid("fec_refused", {"line": exc.line}, errors=[
            FieldError("file", exc.code, {"line": exc.line, "detail": exc.detail})]) from None
    history = year.as_history()
    warnings = []
    for name in NON_NEGATIVE:
        if Decimal(history[name]) < 0:
            warnings.append(FieldError(f"financials.history.{name}", "fec_negative",
                                       {"amount": history[name]}))
            history[name] = "0.00"
    return Proposal(year, history, warnings)


def propose_file(path: Path) -> Proposal:
    """`propose` over a spooled upload, read line by line (never whole)."""
    with path.open("rb") as lines:
        return propose(lines)


def merge_history(history: Sequence[Mapping[str, Any]], kept: Sequence[Mapping[str, Any]]
                  ) -> tuple[list[dict[str, Any]], list[int]]:
    """The history with the kept years put in (a year already there is replaced), oldest
    first, and the years that fall out because only the last three are kept."""
    by_year: dict[Any, dict[str, Any]] = {row.get("year"): dict(row) for row in history}
    for row in kept:
        by_year[row["year"]] = dict(row)
    ordered = sorted(by_year.values(), key=lambda row: _year_key(row.get("year")))
    cut = max(len(ordered) - MAX_HISTORY, 0)
    return ordered[cut:], [row["year"] for row in ordered[:cut]]


def _year_key(year: Any) -> tuple[int, Any]:
    return (0, year) if isinstance(year, int) else (1, str(year))


@dataclass
class Applied:
    """What saving the checked years did."""

    years: list[int]
    dropped: list[int] = field(default_factory=list)
    version: int | None = None  # a submitted dossier: the amendment's number (None: unchanged)


def loc(year: Any, name: str) -> str:
    """Where an error on one field of one proposed year points (the review screen's input)."""
    return f"fec.{year}.{name}"


def _checked(rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The rows with an integer year and every amount present; errors for the others."""
    clean, errors = [], []
    for row in rows:
        year = row.get("year")
        text = str(year).strip() if year is not None else ""
        if not (isinstance(year, int) or text.isdigit()) or len(text) > 6:
            errors.append(FieldError(loc(text, "year"), "int_parsing" if text else "missing"))
            continue
        missing = [name for name in AMOUNTS if row.get(name) in (None, "")]
        errors += [FieldError(loc(int(text), name), "missing") for name in missing]
        if not missing:
            clean.append({"year": int(text), **{name: row[name] for name in AMOUNTS}})
    return clean, errors


def apply(*, db: Session, dossier: Dossier, user: User, rows: Sequence[Mapping[str, Any]]
          ) -> Applied:
    """Save the checked years into `financials.history` (a draft is replaced, a submitted
    dossier amended, as the wizard and `PUT` do); all or nothing, errors named by
    `loc(year, field)`."""
    if not rows:
        raise Invalid(errors=[FieldError("fec", "fec_nothing_checked")])
    clean, errors = _checked(rows)
    if errors:
        raise Invalid(errors=errors)
    data = copy.deepcopy(dossier.content or {})
    financials = data.setdefault("financials", {})
    history, dropped = merge_history(financials.get("history") or [], clean)
    financials["history"] = history
    before = dossier.current_version
    try:
        submission.save(db=db, dossier=dossier, user=user, data=data)
    except Invalid as exc:
        raise Invalid(exc.code, exc.ctx, errors=_located(exc.errors, history)) from None
    amended = submission.is_submitted(dossier) and dossier.current_version != before
    return Applied(years=[row["year"] for row in clean], dropped=dropped,
                   version=dossier.current_version if amended else None)


def _located(errors: Sequence[FieldError], history: Sequence[Mapping[str, Any]]
             ) -> list[FieldError]:
    """The schema's errors on `financials.history[i].x`, pointed at the year's input."""
    out = []
    for error in errors:
        head, _, rest = error.loc.partition("].")
        prefix = "financials.history["
        if head.startswith(prefix) and head[len(prefix):].isdigit():
            index = int(head[len(prefix):])
            if index < len(history):
                out.append(FieldError(loc(history[index].get("year"), rest), error.code,
                                      error.ctx, error.fallback))
                continue
        out.append(error)
    return out
