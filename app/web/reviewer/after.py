"""What a reviewer sees of a decision's life: conditions, the revision window, revisions, the
accepted offer's tranches, and the refusal a mediation referral carries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import Request

from dossier.db import DbSession, utcnow
from dossier.decisions import REVISION_DAYS, revisable_until
from dossier.formatting import format_money
from dossier.labels import label
from dossier.models import Route
from dossier.money import ZERO, from_cents
from dossier.routing.machine import State
from dossier.services import decisions
from dossier.services.partners import partner_names

REVISABLE = (State.approved, State.declined)
MEDIATION = "mediation"


def revision_days(request: Request) -> int:
    """DECISION_REVISION_DAYS, as the app was started with."""
    settings = getattr(request.app.state.dossier, "settings", None)
    return getattr(settings, "decision_revision_days", REVISION_DAYS)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def event_detail(event: str, p: dict[str, Any], lang: str) -> list[str]:
    """The timeline's lines of a revision (its reason) or a tranche (amount and label)."""
    if event not in ("revised", "disbursed"):
        return []
    amount = format_money(p["amount_eur"], lang) if p.get("amount_eur") else ""
    return [p.get("reason") or "", amount, p.get("label") or ""]


def others(db: DbSession, route: Route, names: dict[str, str],
           funding: list[Route] | None = None) -> list[dict[str, str]]:
    """The other partners this dossier was sent to (an approval may be conditional on them);
    `funding`: the dossier's funding routes, when the caller has read them."""
    if funding is None:
        funding = decisions.funding_routes(db=db, dossier_id=route.dossier_id)
    return [{"code": r.partner_code, "name": names.get(r.partner_code, r.partner_code)}
            for r in funding if r.id != route.id]


def life(db: DbSession, route: Route, lang: str, days: int,
         names: dict[str, str] | None = None) -> dict[str, Any]:
    """The template's `life`: conditions, revision, revisions, tranches, mediation."""
    names = partner_names(db=db) if names is None else names
    decision = route.decision or {}
    funding = decisions.funding_routes(db=db, dossier_id=route.dossier_id)
    conditions = [{**c, "name": names.get(c["on"], c["on"]),
                   "label": label("condition", c["status"], lang, "reviewer")}
                  for c in decisions.condition_view(route, funding)]
    until = revisable_until(route.decided_at, days) if route.decided_at else None
    return {
        "others": others(db, route, names, funding),
        "conditions": conditions,
        "revisable": route.state in REVISABLE and until is not None and utcnow() <= until,
        "revisable_until": until,
        "revisions": [{"at": _moment(r.get("at")), "reason": r.get("reason", ""),
                       "before": r.get("before") or {}}
                      for r in decision.get("revisions") or []],
        "accepted_at": _moment(decision.get("accepted_at")),
        **_paid_out(db, route),
        "mediation": mediation(route, names) if route.kind == MEDIATION else None,
    }


def _paid_out(db: DbSession, route: Route) -> dict[str, Any]:
    """The tranches paid on an accepted offer, and what remains of the approved amount."""
    rows = decisions.tranches(db=db, route=route) if route.state == State.accepted else []
    approved = decisions.approved_amount(route)
    paid = sum((from_cents(t.amount_cents) or ZERO for t in rows), ZERO)
    return {"tranches": [{"date": t.paid_on, "label": t.label or "",
                          "amount": from_cents(t.amount_cents)} for t in rows],
            "approved": approved, "paid": paid, "remaining": max(approved - paid, Decimal(0))}


def mediation(route: Route, names: dict[str, str]) -> dict[str, Any]:
    """The bank's refusal a mediation referral carries."""
    refusal = route.origin or {}
    return {**refusal, "bank": names.get(refusal.get("partner"), refusal.get("partner") or ""),
            "amount": from_cents(refusal.get("amount_cents")),
            "declined": _moment(refusal.get("declined_at"))}
