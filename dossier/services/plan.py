"""The financing-plan tracker: partners' decisions matched to the plan's sources, with what
was approved, accepted and paid out, the conditions between partners and the leverage."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from dossier.decisions import ConditionStatus, holds, leverage
from dossier.funding import funding_plan
from dossier.models import Route
from dossier.money import ZERO, as_str
from dossier.routing.machine import CLOSED_STATES, GRANTED_STATES, State
from dossier.schema import DossierV1
from dossier.services.decisions import (
    approved_amount,
    condition_view,
    disbursed,
    standing,
    standings,
)


def _amounts(route: Route | None, paid: Mapping[Any, Decimal]) -> dict[str, str | None]:
    """A route's approved, accepted and disbursed euros (None where it does not apply)."""
    if route is None or route.state not in GRANTED_STATES:
        return {"approved_eur": None, "accepted_eur": None, "disbursed_eur": None}
    amount = approved_amount(route)
    return {"approved_eur": as_str(amount),
            "accepted_eur": as_str(amount) if route.state == State.accepted else None,
            "disbursed_eur": as_str(paid.get(route.id, ZERO))}


def _match_sources(sources: list[dict[str, Any]], by_partner: Mapping[str, Route],
                   paid: Mapping[Any, Decimal]) -> set[str]:
    """Put each requested source's partner decision on it; the partners matched."""
    matched: set[str] = set()
    for source in sources:
        partner = source.get("partner")
        requested = bool(partner) and source["status"] == "requested"
        route = by_partner.get(partner) if requested else None
        fits = route is not None and partner not in matched and approved_amount(route) > ZERO
        if fits:
            matched.add(partner)
        source.update(_amounts(route if fits else None, paid))
        # what became of a requested source: its partner approved, declined or was withdrawn
        source["outcome"] = (str(route.state) if route is not None
                             and route.state in CLOSED_STATES else None)
    return matched


def _covered(funding: list[Route]) -> Decimal:
    """What the approvals still holding cover, whether or not a source names their partner
    (one whose condition failed covers nothing)."""
    said = standings(funding)
    return sum((approved_amount(r) for r in funding
                if holds(r.decision, said) != ConditionStatus.failed), ZERO)


def tracked_plan(content: DossierV1, routes: list[Route],
                 paid: Mapping[Any, Decimal] | None = None) -> dict[str, Any]:
    """The plan with each source's approved, accepted and disbursed amounts, the amount
    covered, what remains, the conditions and the leverage (`paid`: route id -> euros)."""
    paid = paid or {}
    funding = [r for r in routes if r.kind == "funding"]
    by_partner = {r.partner_code: r for r in funding}
    sources = funding_plan(content, covered_eur=ZERO)["sources"]
    _match_sources(sources, by_partner, paid)
    covered = _covered(funding)
    result = funding_plan(content, covered_eur=covered)
    result["sources"] = sources
    result["decisions"] = [{"partner": r.partner_code, "state": r.state, **_amounts(r, paid)}
                           for r in funding]
    result["conditions"] = [c for r in funding if r.state in GRANTED_STATES
                            for c in condition_view(r, funding)]
    result["accepted_eur"] = as_str(sum((approved_amount(r) for r in funding
                                         if r.state == State.accepted), ZERO))
    result["disbursed_eur"] = as_str(sum((paid.get(r.id, ZERO) for r in funding), ZERO))
    ratio = leverage(standing(r) for r in funding)
    result["leverage"] = None if ratio is None else as_str(ratio)
    return result


def dossier_plan(*, db: Session, content: DossierV1, routes: list[Route]) -> dict[str, Any]:
    """The tracked plan of a dossier whose routes are given, with the tranches paid."""
    return tracked_plan(content, routes, disbursed(db=db, route_ids=[r.id for r in routes]))
