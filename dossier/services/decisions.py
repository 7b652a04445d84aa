"""After a partner's decision: conditions on others, the founder's acceptance, tranches paid
out, revisions within the window."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dossier.decisions import (
    REVISION_DAYS,
    ConditionStatus,
    Standing,
    holds,
    revisable_until,
    statuses,
)
from dossier.errors import Conflict, FieldError, Invalid
from dossier.formatting import PARIS
from dossier.models import Disbursement, Route, User
from dossier.money import ZERO, as_cents, as_str, from_cents
from dossier.routing.machine import GRANTED_STATES, State
from dossier.routing.payloads import DisbursementIn
from dossier.validation import pydantic_errors_to_field_errors

FUNDING = "funding"


def approved_amount(route: Route) -> Decimal:
    """The amount a partner granted (zero for advice, undecided or declined routes)."""
    if route.state not in GRANTED_STATES or not route.decision:
        return ZERO
    return from_cents(route.decision.get("amount_cents")) or ZERO


def standing(route: Route) -> Standing:
    """What the route's partner said, as conditions and leverage see it."""
    return Standing(State(route.state), (route.decision or {}).get("instrument")
                    or route.instrument, approved_amount(route))


def funding_routes(*, db: Session, dossier_id: Any) -> list[Route]:
    """The dossier's funding routes (not its referrals), oldest first."""
    return list(db.scalars(select(Route).where(Route.dossier_id == dossier_id,
                                               Route.kind == FUNDING)
                           .order_by(Route.created_at, Route.id)))


def standings(routes: list[Route]) -> dict[str, Standing]:
    """Partner code -> what it said, for the funding routes given."""
    return {r.partner_code: standing(r) for r in routes if r.kind == FUNDING}


def check_conditions(*, db: Session, route: Route, payload: dict[str, Any]) -> None:
    """An approval may be conditional only on other partners this dossier was sent to."""
    others = {r.partner_code for r in funding_routes(db=db, dossier_id=route.dossier_id)
              if r.id != route.id}
    errors = [FieldError(f"conditional_on[{i}].partner", "condition_partner_unknown",
                         {"partner": c["partner"]})
              for i, c in enumerate(payload.get("conditional_on") or [])
              if c["partner"] not in others]
    seen = [c["partner"] for c in payload.get("conditional_on") or []]
    errors += [FieldError(f"conditional_on[{i}].partner", "condition_partner_twice",
                          {"partner": p}) for i, p in enumerate(seen) if p in seen[:i]]
    if errors:
        raise Invalid(errors=errors)


def record(route: Route, payload: dict[str, Any], at: datetime) -> None:
    """Keep the decision's terms on the route (amount in exact cents)."""
    amount = payload.get("amount_eur")
    route.decision = {**payload, "decided_at": at.isoformat(),
                      "amount_cents": as_cents(Decimal(amount)) if amount else None}


def condition_view(route: Route, routes: list[Route]) -> list[dict[str, Any]]:
    """The route's conditions with their status (met, pending, failed)."""
    found = statuses(route.decision, standings(routes))
    return [{"partner": route.partner_code, "on": c["partner"],
             "min_amount_eur": c.get("min_amount_eur"), "status": found[c["partner"]].value}
            for c in (route.decision or {}).get("conditional_on") or []]


def broken_by(*, db: Session, route: Route) -> list[Route]:
    """Granted routes of the same dossier whose condition on `route`'s partner has failed."""
    routes = funding_routes(db=db, dossier_id=route.dossier_id)
    said = standings(routes)
    return [r for r in routes if r.id != route.id and r.state in GRANTED_STATES
            and statuses(r.decision, said).get(route.partner_code) == ConditionStatus.failed]


def check_acceptable(*, db: Session, route: Route) -> None:
    """A conditional offer may be accepted only once its conditions hold."""
    state = holds(route.decision, standings(funding_routes(db=db, dossier_id=route.dossier_id)))
    if route.state == State.approved and state != ConditionStatus.met:
        raise Conflict(f"condition_{state.value}")


def mark_accepted(route: Route, at: datetime) -> None:
    """Keep when the founder took the offer."""
    route.decision = {**(route.decision or {}), "accepted_at": at.isoformat()}


def disbursed(*, db: Session, route_ids: list[Any]) -> dict[Any, Decimal]:
    """Route id -> euros paid out so far."""
    if not route_ids:
        return {}
    rows = db.execute(select(Disbursement.route_id, func.sum(Disbursement.amount_cents))
                      .where(Disbursement.route_id.in_(route_ids))
                      .group_by(Disbursement.route_id))
    return {route_id: from_cents(int(cents)) for route_id, cents in rows}


def tranches(*, db: Session, route: Route) -> list[Disbursement]:
    """The route's tranches, in the order they were paid."""
    return list(db.scalars(select(Disbursement).where(Disbursement.route_id == route.id)
                           .order_by(Disbursement.paid_on, Disbursement.created_at)))


def parse_tranche(body: Any, now: datetime) -> DisbursementIn:
    """A tranche's amount, date (not in the future, Paris time) and label, or 422."""
    try:
        return DisbursementIn.model_validate(
            body, context={"today": now.astimezone(PARIS).date()})
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc


def check_tranche(*, db: Session, route: Route, data: DisbursementIn) -> None:
    """Tranches are paid on an accepted offer and never add up to more than approved (call
    under the route's lock: two tranches at once cannot both fit)."""
    if route.state != State.accepted:
        raise Conflict("offer_not_accepted", {"state": str(route.state)})
    approved = approved_amount(route)
    paid = disbursed(db=db, route_ids=[route.id]).get(route.id, ZERO)
    if paid + data.amount_eur > approved:
        raise Conflict("disbursement_exceeds_approved", {
            "approved_eur": as_str(approved), "disbursed_eur": as_str(paid),
            "remaining_eur": as_str(approved - paid)})


def new_tranche(*, route: Route, user: User, data: DisbursementIn) -> Disbursement:
    """The tranche row (its id names it in the `disbursed` event)."""
    return Disbursement(id=uuid.uuid4(), route_id=route.id, amount_cents=as_cents(data.amount_eur),
                        paid_on=data.date, label=data.label, recorded_by_id=user.id)


def tranche_payload(row: Disbursement) -> dict[str, Any]:
    """The `disbursed` event's payload."""
    return {"disbursement_id": str(row.id), "amount_eur": as_str(from_cents(row.amount_cents)),
            "date": row.paid_on.isoformat(), **({"label": row.label} if row.label else {})}


def check_revisable(*, db: Session, route: Route, payload: dict[str, Any], now: datetime,
                    days: int = REVISION_DAYS) -> None:
    """A decision is revised within `days` of the first one (call under the route's lock)."""
    if payload["decision"]["type"] == "approved":
        check_conditions(db=db, route=route, payload=payload["decision"])
    if route.decided_at is not None and now > revisable_until(route.decided_at, days):
        raise Conflict("revision_window_closed", {"days": str(days)})


def apply_revision(route: Route, payload: dict[str, Any], at: datetime) -> None:
    """The revised decision becomes the route's; the earlier ones are kept in order."""
    before = {k: v for k, v in (route.decision or {}).items() if k != "revisions"}
    history = [*((route.decision or {}).get("revisions") or []),
               {"reason": payload["reason"], "at": at.isoformat(), "before": before}]
    record(route, payload["decision"], at)
    route.decision = {**route.decision, "revisions": history}
