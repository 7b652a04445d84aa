"""The financial history a founder's FEC file proposes, before they check and save it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dossier.errors import FieldError, Invalid
from dossier.fec import FecError, FiscalYear, read_fec

# history fields the data dictionary keeps ≥ 0: a negative figure is proposed as 0, and said
NON_NEGATIVE = ("revenue_eur", "cash_eur", "debt_eur")


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
