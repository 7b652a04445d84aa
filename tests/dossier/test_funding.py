"""The financing plan: shares of the need, totals, balance and coverage."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dossier.funding import funding_plan, share_pct
from dossier.schema import DossierV1
from dossier.validation import validate_draft
from tests.helpers import full_dossier


def full() -> DossierV1:
    return validate_draft(full_dossier(decimals=True))


def test_share_of_each_source_and_use():
    plan = funding_plan(full())
    assert plan["total_need_eur"] == "1329243.00"
    first = plan["sources"][0]
    assert first == {"type": "equity_founders", "label": "Apport des fondateurs",
                     "amount_eur": "70000.00", "status": "obtained", "partner": None,
                     "share_pct": "5.27"}
    assert plan["sources"][2]["partner"] == "ampa"
    assert [u["share_pct"] for u in plan["uses"]][:2] == ["39.12", "28.89"]
    assert plan["uses"][0]["category"] == "rd"


def test_totals_and_balance():
    plan = funding_plan(full())
    assert plan["sources_total_eur"] == plan["uses_total_eur"] == "1329243.00"
    assert plan["obtained_eur"] == "280000.00"  # founders 70 000 + angels 180 000 + bourse 30 000
    assert plan["requested_eur"] == "1049243.00"
    assert plan["balanced"] is True
    assert plan["covered_by_decisions_eur"] == "0.00"
    assert plan["remaining_eur"] == "1049243.00"
    assert plan["closed"] is False
    json.dumps(plan)  # JSON-ready: no Decimal left


def test_decisions_close_the_plan():
    d = full()
    assert funding_plan(d, covered_eur=Decimal("500000"))["remaining_eur"] == "549243.00"
    closed = funding_plan(d, covered_eur=Decimal("1049243.00"))
    assert closed["remaining_eur"] == "0.00" and closed["closed"] is True
    assert funding_plan(d, covered_eur=Decimal("2000000"))["remaining_eur"] == "0.00"


def test_unbalanced_or_partial_plans():
    d = DossierV1.model_validate({"funding": {"total_need_eur": "100", "sources": [
        {"amount_eur": "30", "status": "obtained"}, {"label": "to come"}]}})
    plan = funding_plan(d)
    assert plan["balanced"] is False
    assert [s["share_pct"] for s in plan["sources"]] == ["30.00", None]
    assert plan["sources_total_eur"] == "30.00" and plan["uses"] == []
    empty = funding_plan(DossierV1.model_validate({}))
    assert empty["total_need_eur"] is None and empty["balanced"] is False
    assert empty["remaining_eur"] is None and empty["closed"] is False


def test_share_rounds_half_up():
    assert share_pct(Decimal("70000"), Decimal("1329243")) == Decimal("5.27")
    assert share_pct(Decimal("1"), Decimal("8")) == Decimal("12.50")
    assert share_pct(Decimal("1"), Decimal("800")) == Decimal("0.13")  # 0.125 -> 0.13
    assert share_pct(Decimal("1"), None) is None


amounts = st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"),
                               places=2), min_size=1, max_size=50)


@given(amounts)
def test_shares_sum_to_100(values):
    total = sum(values, Decimal(0))
    d = DossierV1.model_validate({"funding": {
        "total_need_eur": total,
        "sources": [{"amount_eur": v, "status": "requested"} for v in values]}})
    plan = funding_plan(d)
    shares = [Decimal(s["share_pct"]) for s in plan["sources"]]
    assert abs(sum(shares) - 100) <= Decimal("0.01") * len(values)
    assert plan["sources_total_eur"] == f"{total:.2f}"
