"""Staff's view of the whole pipeline: counts, medians, SLA breaches, amounts.

Aggregated in the database (one pass over the routes), never route by route in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dossier.db import utcnow
from dossier.decisions import LEVERED, LEVERS
from dossier.models import Disbursement, Dossier, Partner, Route
from dossier.money import as_str, from_cents
from dossier.routing.machine import DECIDED_STATES, GRANTED_STATES
from dossier.sla import DaysBetween, breached_sql, late_sql, sla_by_partner

COUNTED = ("in_review", "info_requested", "declined", "withdrawn", "accepted", "committee")
GRANTED = [s.value for s in GRANTED_STATES]


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(median(values), 2) if values else None


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def pipeline(*, db: Session, now: datetime | None = None) -> dict[str, Any]:
    """GET /pipeline: totals per state and one line per partner."""
    now = now or utcnow()
    totals = dict(db.execute(select(Route.state, func.count()).group_by(Route.state)).all())
    dossiers = dict(db.execute(select(Dossier.status, func.count())
                               .group_by(Dossier.status)).all())
    partners = {p.code: p for p in db.scalars(select(Partner).order_by(Partner.code))}
    lines = {code: _empty_line(code) for code in partners}
    for row in db.execute(_per_partner(sla_by_partner(partners.values()), now)):
        line = lines.setdefault(row.partner_code, _empty_line(row.partner_code))
        line.update(routed=row.routed, opened=row.opened, sla_breaches=row.sla_breaches,
                    **{state: getattr(row, state) for state in COUNTED})
        line["approved"] = row.granted  # a yes stays a yes once the founder accepts it
        line["_requested"] = from_cents(row.requested_cents or 0)
        line["_approved"] = from_cents(row.approved_cents or 0)
        line["accepted_eur"] = as_str(from_cents(row.accepted_cents or 0))
    for code, cents in db.execute(_disbursed_per_partner()):
        lines.setdefault(code, _empty_line(code))["disbursed_eur"] = as_str(from_cents(cents))
    for code, ratio in _leverage_per_partner(db).items():
        lines.setdefault(code, _empty_line(code))["leverage"] = as_str(ratio)
    medians = _medians(db)
    for code, line in lines.items():
        first_action, decision = medians.get(code, (None, None))
        line["median_days_to_first_action"] = first_action
        line["median_days_to_decision"] = decision
        line["requested_eur"] = as_str(line.pop("_requested"))
        line["approved_eur"] = as_str(line.pop("_approved"))
    return {"totals": totals, "dossiers": dossiers, "partners": list(lines.values()),
            "generated_at": now.isoformat()}


def _approved_cents() -> ColumnElement[int]:
    return cast(Route.decision["amount_cents"].as_string(), BigInteger)


def _per_partner(sla: Mapping[str, int], now: datetime) -> Any:
    """One aggregate row per partner: counts, amounts and SLA breaches."""
    return select(
        Route.partner_code,
        func.count().label("routed"),
        func.count(Route.first_action_at).label("opened"),
        *[_count_if(Route.state == state).label(state) for state in COUNTED],
        _count_if(Route.state.in_(GRANTED)).label("granted"),
        func.sum(Route.amount_cents).label("requested_cents"),
        func.sum(case((Route.state.in_(GRANTED), _approved_cents()))).label("approved_cents"),
        func.sum(case((Route.state == "accepted", _approved_cents()))).label("accepted_cents"),
        _count_if(breached_sql(sla, now)).label("sla_breaches"),
    ).group_by(Route.partner_code)


def _disbursed_per_partner() -> Any:
    """Partner code -> cents paid out on its routes."""
    return (select(Route.partner_code, func.sum(Disbursement.amount_cents))
            .join(Route, Route.id == Disbursement.route_id).group_by(Route.partner_code))


def _leverage_per_partner(db: Session) -> dict[str, Decimal]:
    """For partners lending honour loans or granting: bank and equity euros granted by the
    others on the dossiers they said yes to, per euro they granted (dossier.decisions)."""
    instrument = Route.decision["instrument"].as_string()
    granted = Route.state.in_(GRANTED)
    levered = (select(Route.dossier_id, func.sum(_approved_cents()).label("cents"))
               .where(granted, instrument.in_([i.value for i in LEVERED]))
               .group_by(Route.dossier_id).subquery())
    rows = db.execute(
        select(Route.partner_code, func.sum(_approved_cents()),
               func.sum(func.coalesce(levered.c.cents, 0)))
        .outerjoin(levered, levered.c.dossier_id == Route.dossier_id)
        .where(granted, instrument.in_([i.value for i in LEVERS]))
        .group_by(Route.partner_code))
    return {code: (Decimal(int(other or 0)) / Decimal(int(own))).quantize(Decimal("0.01"))
            for code, own, other in rows if own}


def _medians(db: Session) -> dict[str, tuple[float | None, float | None]]:
    """Partner -> median days to first action and to decision (percentile_cont on PostgreSQL)."""
    to_first = DaysBetween(Route.delivered_at, Route.first_action_at)
    to_decision = DaysBetween(Route.delivered_at, Route.decided_at)
    if db.get_bind().dialect.name == "postgresql":
        stmt = (select(Route.partner_code, func.percentile_cont(0.5).within_group(to_first),
                       func.percentile_cont(0.5).within_group(to_decision))
                .where(Route.first_action_at.is_not(None) | Route.decided_at.is_not(None))
                .group_by(Route.partner_code))
        return {code: (_rounded(a), _rounded(b)) for code, a, b in db.execute(stmt)}
    first_action: dict[str, list[float]] = defaultdict(list)
    decision: dict[str, list[float]] = defaultdict(list)
    stmt = select(Route.partner_code, to_first, to_decision).where(
        Route.delivered_at.is_not(None),
        Route.first_action_at.is_not(None) | Route.decided_at.is_not(None))
    for code, first, decided in db.execute(stmt):
        if first is not None:
            first_action[code].append(first)
        if decided is not None:
            decision[code].append(decided)
    return {code: (_median(first_action[code]), _median(decision[code]))
            for code in first_action.keys() | decision.keys()}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def stuck_routes(*, db: Session, now: datetime | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """Late routes (see dossier.sla), longest waiting first (the first `limit`)."""
    now = now or utcnow()
    sla = sla_by_partner(db.scalars(select(Partner)))
    stmt = (select(Route.id, Route.dossier_id, Route.partner_code, Route.state,
                   Route.delivered_at, Dossier.company_name)
            .join(Dossier, Dossier.id == Route.dossier_id)
            .where(late_sql(sla, now))
            .order_by(Route.delivered_at.asc(), Route.id).limit(limit))
    return [{"route_id": str(row.id), "dossier_id": str(row.dossier_id),
             "company": row.company_name, "partner": row.partner_code, "state": row.state,
             "waiting_days": round(_days(now - row.delivered_at), 1)}
            for row in db.execute(stmt)]


def count_stuck(*, db: Session, now: datetime | None = None) -> int:
    """How many routes are late (see dossier.sla)."""
    now = now or utcnow()
    sla = sla_by_partner(db.scalars(select(Partner)))
    return db.scalar(select(func.count()).select_from(Route).where(late_sql(sla, now))) or 0


def export_rows(*, db: Session) -> Iterator[dict[str, Any]]:
    """One row per route, for CSV and XLSX exports."""
    stmt = (select(Route, Dossier.company_name, Dossier.sector)
            .join(Dossier, Dossier.id == Route.dossier_id)
            .order_by(Route.partner_code, Route.created_at))
    paid = dict(db.execute(select(Disbursement.route_id, func.sum(Disbursement.amount_cents))
                           .group_by(Disbursement.route_id)).all())
    for route, company, sector in db.execute(stmt):
        approved = (from_cents(route.decision.get("amount_cents"))
                    if route.state in GRANTED_STATES and route.decision else None)
        conditions = (route.decision or {}).get("conditional_on") or []
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
            "kind": route.kind, "accepted_eur": approved if route.state == "accepted" else None,
            "disbursed_eur": from_cents(paid[route.id]) if route.id in paid else None,
            "conditions": ", ".join(c["partner"] for c in conditions),
        }


def _empty_line(code: str) -> dict[str, Any]:
    return {"code": code, "routed": 0, "opened": 0, "in_review": 0, "info_requested": 0,
            "approved": 0, "declined": 0, "withdrawn": 0, "accepted": 0, "committee": 0,
            "sla_breaches": 0,
            "_requested": Decimal("0.00"), "_approved": Decimal("0.00"),
            "accepted_eur": "0.00", "disbursed_eur": "0.00", "leverage": None}
