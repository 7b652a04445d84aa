"""The reviewer's figures, computed from the dossier's numbers (Lumiphase's fixture)."""

from __future__ import annotations

from decimal import Decimal

from dossier.figures import Figures, figures
from dossier.schema import DossierV1
from tests.helpers import full_dossier


def test_the_figures_of_the_full_dossier():
    got = figures(DossierV1.model_validate(full_dossier()))
    assert got == Figures(
        year=2025, revenue_growth_pct=Decimal("112.50"), forecast_growth_pct=Decimal("76.47"),
        equity_ratio_pct=Decimal("54.55"), debt_to_equity_pct=Decimal("83.33"),
        monthly_burn_eur=Decimal("12500.00"), cash_months=Decimal("15.2"),
        obtained_pct=Decimal("21.06"))


def test_no_burn_no_cash_months_and_negative_equity_no_gearing():
    body = full_dossier()
    body["financials"]["forecast"][0]["ebitda_eur"] = "10000.00"
    body["financials"]["history"][2]["equity_eur"] = "-50000.00"
    got = figures(DossierV1.model_validate(body))
    assert got.monthly_burn_eur is None and got.cash_months is None
    assert got.debt_to_equity_pct is None and got.equity_ratio_pct == Decimal("-100.00")


def test_a_partial_draft_gives_what_it_can():
    got = figures(DossierV1.model_validate({"schema_version": 1}))
    assert got == Figures(None, None, None, None, None, None, None, None)
