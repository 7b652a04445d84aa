"""The financing-plan tracker: partners' approvals matched to the plan's sources."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dossier.funding import funding_plan
from dossier.models import Route
from dossier.money import as_str, from_cents
from dossier.routing.machine import CLOSED_STATES, State
from dossier.schema import DossierV1


def approved_amount(route: Route) -> Decimal:
    """The amount a partner approved (zero for advice or undecided routes)."""
    if route.state != State.approved or not route.decision:
        return Decimal("0.00")
    return from_cents(route.decision.get("amount_cents")) or Decimal("0.00")


def tracked_plan(content: DossierV1, routes: list[Route]) -> dict[str, Any]:
    """The plan with each source's approved amount, the amount covered and what remains."""
    approved = {r.partner_code: approved_amount(r) for r in routes}
    closed = {r.partner_code: str(r.state) for r in routes if r.state in CLOSED_STATES}
    matched_sources: set[str] = set()
    covered = Decimal("0.00")
    plan = funding_plan(content, covered_eur=Decimal("0.00"))
    for source in plan["sources"]:
        partner = source.get("partner")
        amount = approved.get(partner) if partner and source["status"] == "requested" else None
        if amount and partner not in matched_sources:
            matched_sources.add(partner)
            source["approved_eur"] = as_str(amount)
            covered += amount
        else:
            source["approved_eur"] = None
        # what became of a requested source: its partner approved, declined or was withdrawn
        source["outcome"] = closed.get(partner) if source["status"] == "requested" else None
    # Approvals from partners no source names still cover the need.
    covered += sum((a for p, a in approved.items() if p not in matched_sources), Decimal("0.00"))
    result = funding_plan(content, covered_eur=covered)
    result["sources"] = plan["sources"]
    result["decisions"] = [
        {"partner": r.partner_code, "state": r.state,
         "approved_eur": as_str(approved[r.partner_code]) if r.state == State.approved else None}
        for r in routes]
    return result
