"""Figures a reviewer used to compute by hand, computed once from the dossier's own numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dossier.schema import DossierV1
from dossier.schema.models import HistoryYear

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figures:
    """Ratios in percent (2 decimals) or months (1 decimal); None when a figure is missing."""

    year: int | None  # the last closed year the ratios are of
    revenue_growth_pct: Decimal | None  # last closed year over the one before
    forecast_growth_pct: Decimal | None  # first forecast year over the last closed year
    equity_ratio_pct: Decimal | None  # equity / (equity + debt): the share owned, not owed
    debt_to_equity_pct: Decimal | None  # debt / equity (gearing); None if equity ≤ 0
    monthly_burn_eur: Decimal | None  # a twelfth of the first forecast year's negative EBITDA
    cash_months: Decimal | None  # last cash / monthly burn; None when not burning
    obtained_pct: Decimal | None  # sources already obtained / total need


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _growth(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    if new is None or old is None or old <= 0:
        return None
    return _pct(new - old, old)


def _closed_years(content: DossierV1) -> list[HistoryYear]:
    history = content.financials.history if content.financials else None
    return sorted((h for h in history or [] if h.year is not None), key=lambda h: h.year)


def _burn(content: DossierV1) -> Decimal | None:
    forecast = sorted((f for f in (content.financials.forecast or []) if f.year is not None),
                      key=lambda f: f.year) if content.financials else []
    ebitda = forecast[0].ebitda_eur if forecast else None
    if ebitda is None or ebitda >= 0:
        return None
    return (-ebitda / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _obtained(content: DossierV1) -> Decimal | None:
    funding = content.funding
    if funding is None or not funding.total_need_eur:
        return None
    got = sum((s.amount_eur or Decimal(0) for s in funding.sources or []
               if s.status == "obtained"), Decimal(0))
    return _pct(got, funding.total_need_eur)


def _balance_sheet(last: HistoryYear | None) -> tuple[Decimal | None, Decimal | None]:
    if last is None or last.equity_eur is None or last.debt_eur is None:
        return None, None
    funded = last.equity_eur + last.debt_eur
    ratio = _pct(last.equity_eur, funded) if funded > 0 else None
    gearing = _pct(last.debt_eur, last.equity_eur) if last.equity_eur > 0 else None
    return ratio, gearing


def figures(content: DossierV1) -> Figures:
    """The figures of a dossier (partial drafts give what they can)."""
    years = _closed_years(content)
    last = years[-1] if years else None
    before = years[-2] if len(years) > 1 else None
    forecast = sorted((f for f in (content.financials.forecast or []) if f.year is not None),
                      key=lambda f: f.year) if content.financials else []
    burn = _burn(content)
    cash = last.cash_eur if last else None
    ratio, gearing = _balance_sheet(last)
    return Figures(
        year=last.year if last else None,
        revenue_growth_pct=_growth(last.revenue_eur if last else None,
                                   before.revenue_eur if before else None),
        forecast_growth_pct=_growth(forecast[0].revenue_eur if forecast else None,
                                    last.revenue_eur if last else None),
        equity_ratio_pct=ratio, debt_to_equity_pct=gearing, monthly_burn_eur=burn,
        cash_months=(cash / burn).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if burn and cash is not None else None,
        obtained_pct=_obtained(content))
