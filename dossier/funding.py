"""Financing-plan arithmetic: each line's share of the need, totals, balance and coverage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dossier.money import CENT, as_str
from dossier.schema import DossierV1

ZERO = Decimal("0.00")


def share_pct(amount: Decimal | None, total: Decimal | None) -> Decimal | None:
    """Percent of total, 2 decimals, half up: 70000 of 1329243 -> 5.27 (None if unknown)."""
    if amount is None or not total:
        return None
    return (amount * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else as_str(value)


def _total(items: list[Any]) -> Decimal:
    return sum((i.amount_eur for i in items if i.amount_eur is not None), ZERO)


def funding_plan(d: DossierV1, *, covered_eur: Decimal = ZERO) -> dict[str, Any]:
    """The plan as JSON-ready data (money and percents as strings "5.27").

    `covered_eur` is the amount covered by partners' decisions (routing); it counts with
    the obtained sources towards closing the plan.
    """
    total, sources, uses = _parts(d)
    sources_total, uses_total = _total(sources), _total(uses)
    obtained = _total([s for s in sources if s.status == "obtained"])
    requested = _total([s for s in sources if s.status == "requested"])
    covered = Decimal(covered_eur).quantize(CENT)
    remaining = None if total is None else max(total - obtained - covered, ZERO)
    return {
        "total_need_eur": _text(total),
        "sources": [_source_line(s, total) for s in sources],
        "uses": [_use_line(u, total) for u in uses],
        "sources_total_eur": as_str(sources_total),
        "uses_total_eur": as_str(uses_total),
        "obtained_eur": as_str(obtained),
        "requested_eur": as_str(requested),
        "balanced": bool(total) and bool(sources) and bool(uses)
        and sources_total == total and uses_total == total,
        "covered_by_decisions_eur": as_str(covered),
        "remaining_eur": _text(remaining),
        "closed": remaining is not None and remaining == 0,
    }


def _parts(d: DossierV1) -> tuple[Decimal | None, list[Any], list[Any]]:
    """The need, the sources and the uses of the plan (None and empty lists where missing)."""
    if d.funding is None:
        return None, [], []
    return d.funding.total_need_eur, d.funding.sources or [], d.funding.uses or []


def _source_line(s: Any, total: Decimal | None) -> dict[str, Any]:
    return {"type": _text_enum(s.type), "label": s.label, "amount_eur": _text(s.amount_eur),
            "status": _text_enum(s.status), "partner": s.partner,
            "share_pct": _text(share_pct(s.amount_eur, total))}


def _use_line(u: Any, total: Decimal | None) -> dict[str, Any]:
    return {"category": _text_enum(u.category), "label": u.label,
            "amount_eur": _text(u.amount_eur), "share_pct": _text(share_pct(u.amount_eur, total))}


def _text_enum(value: Any) -> str | None:
    return None if value is None else str(value)
