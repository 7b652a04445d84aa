"""The figures a reviewer used to compute by hand, worded for the dossier's financial chapter
(forms.view lays them out as a FiguresBlock of Rows)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from dossier.catalogue import _, ngettext
from dossier.figures import Figures, figures
from dossier.schema import DossierV1
from forms.formatting import format_money, format_number, format_pct


def _months(value: Decimal, lang: str) -> str:
    return ngettext("{n} month", "{n} months", 2 if value > 1 else 1, lang).format(
        n=format_number(value, lang, decimals=1))


def _rows(f: Figures, lang: str) -> list[tuple[str, str | None, str]]:
    def pct(value: Decimal | None) -> str | None:
        return format_pct(value, lang) if value is not None else None

    rows = [
        (_("Revenue growth ({year} over the year before)", lang).format(year=f.year or "—"),
         pct(f.revenue_growth_pct), "growth"),
        (_("Forecast growth (first forecast year)", lang), pct(f.forecast_growth_pct),
         "forecast-growth"),
        (_("Equity ratio (equity / (equity + debt))", lang), pct(f.equity_ratio_pct),
         "equity-ratio"),
        (_("Debt to equity", lang), pct(f.debt_to_equity_pct), "gearing"),
        (_("Monthly cash burn (first forecast year's EBITDA)", lang),
         format_money(f.monthly_burn_eur, lang) if f.monthly_burn_eur is not None else None,
         "burn"),
        (_("Months of cash at that burn", lang),
         _months(f.cash_months, lang) if f.cash_months is not None else None, "cash-months"),
        (_("Share of the funding plan already obtained", lang), pct(f.obtained_pct),
         "obtained"),
    ]
    return [(label, value, f"figures.{path}") for label, value, path in rows]


def figure_rows(content: Mapping[str, Any], lang: str = "fr") -> list[tuple[str, str | None, str]]:
    """(label, value, path) of each computed figure; empty when the content gives none."""
    try:
        computed = figures(DossierV1.model_validate(dict(content)))
    except (ValidationError, TypeError, ValueError):
        return []
    rows = _rows(computed, lang)
    return rows if any(value is not None for _label, value, _path in rows) else []
