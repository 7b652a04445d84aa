"""Staff's view of the whole pipeline: counts, medians, SLA breaches, amounts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.models import Dossier, Partner, Route
from dossier.money import as_str, from_cents
from dossier.routing.machine import DECIDED_STATES, State

COUNTED = ("in_review", "info_requested", "approved", "declined", "withdrawn")


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(median(values), 2) if values else None


def breached(route: Route, sla_days: int, now: datetime) -> bool:
    """Delivered, and decided (or still undecided) later than the partner's SLA."""
    if route.delivered_at is None or route.state == State.withdrawn:
        return False
    end = route.decided_at or now
    return _days(end - route.delivered_at) > sla_days


def pipeline(*, db: Session, now: datetime | None = None) -> dict[str, Any]:
    """GET /pipeline: totals per state and one line per partner."""
    now = now or utcnow()
    totals = dict(db.execute(select(Route.state, func.count()).group_by(Route.state)).all())
    dossiers = dict(db.execute(select(Dossier.status, func.count())
                               .group_by(Dossier.status)).all())
    partners = {p.code: p for p in db.scalars(select(Partner).order_by(Partner.code))}
    lines = {code: _empty_line(code) for code in partners}
    first_action: dict[str, list[float]] = defaultdict(list)
    decision: dict[str, list[float]] = defaultdict(list)
    for route in _routes(db):
        line = lines.setdefault(route.partner_code, _empty_line(route.partner_code))
        line["routed"] += 1
        if route.first_action_at is not None:
            line["opened"] += 1
            if route.delivered_at:
                first_action[route.partner_code].append(
                    _days(route.first_action_at - route.delivered_at))
        if route.state in COUNTED:
            line[route.state] += 1
        if route.decided_at and route.delivered_at:
            decision[route.partner_code].append(_days(route.decided_at - route.delivered_at))
        if route.amount_cents:
            line["_requested"] += from_cents(route.amount_cents)
        if route.state == State.approved and route.decision:
            line["_approved"] += from_cents(route.decision.get("amount_cents")) or 0
        sla = (partners[route.partner_code].config.get("sla_days") or 30
               if route.partner_code in partners else 30)
        if breached(route, sla, now):
            line["sla_breaches"] += 1
    for code, line in lines.items():
        line["median_days_to_first_action"] = _median(first_action[code])
        line["median_days_to_decision"] = _median(decision[code])
        line["requested_eur"] = as_str(line.pop("_requested"))
        line["approved_eur"] = as_str(line.pop("_approved"))
    return {"totals": totals, "dossiers": dossiers, "partners": list(lines.values()),
            "generated_at": now.isoformat()}


def stuck_routes(*, db: Session, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open routes past their partner's SLA, longest waiting first."""
    now = now or utcnow()
    sla = {p.code: p.config.get("sla_days") or 30 for p in db.scalars(select(Partner))}
    out = []
    for route, company in db.execute(select(Route, Dossier.company_name)
                                     .join(Dossier, Dossier.id == Route.dossier_id)
                                     .where(Route.state.in_(("delivered", "opened", "in_review",
                                                             "info_requested")))):
        if breached(route, sla.get(route.partner_code, 30), now):
            out.append({"route_id": str(route.id), "dossier_id": str(route.dossier_id),
                        "company": company, "partner": route.partner_code,
                        "state": route.state,
                        "waiting_days": round(_days(now - route.delivered_at), 1)})
    return sorted(out, key=lambda r: -r["waiting_days"])


def export_rows(*, db: Session) -> Iterator[dict[str, Any]]:
    """One row per route, for CSV and XLSX exports."""
    stmt = (select(Route, Dossier.company_name, Dossier.sector)
            .join(Dossier, Dossier.id == Route.dossier_id)
            .order_by(Route.partner_code, Route.created_at))
    for route, company, sector in db.execute(stmt):
        approved = (from_cents(route.decision.get("amount_cents"))
                    if route.state == State.approved and route.decision else None)
        yield {
            "route_id": str(route.id), "dossier_id": str(route.dossier_id),
            "company": company or "", "sector": sector or "", "partner": route.partner_code,
            "state": route.state, "instrument": route.instrument or "",
            "requested_eur": from_cents(route.amount_cents) if route.amount_cents else None,
            "approved_eur": approved,
            "decision_reason": (route.decision or {}).get("reason", "")
            if route.state in DECIDED_STATES else "",
            "submitted_at": route.created_at, "delivered_at": route.delivered_at,
            "first_action_at": route.first_action_at, "decided_at": route.decided_at,
        }


def _routes(db: Session) -> Iterator[Route]:
    yield from db.scalars(select(Route).execution_options(yield_per=1000))


def _empty_line(code: str) -> dict[str, Any]:
    return {"code": code, "routed": 0, "opened": 0, "in_review": 0, "info_requested": 0,
            "approved": 0, "declined": 0, "withdrawn": 0, "sla_breaches": 0,
            "_requested": Decimal("0.00"), "_approved": Decimal("0.00")}
