"""What the dossier page of a route shows of the partner's committee: whether it decides,
the recommendation made to it and its date, and the forms of each reviewer and member."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier.db import DbSession
from dossier.formatting import format_number
from dossier.models import Partner, Route, User
from dossier.routing.machine import State, permits
from dossier.routing.payloads import Recommendation
from dossier.services import committees, notifications, routes
from dossier.services.committees import CommitteeDate, CommitteeRule


@dataclass
class CommitteePart:
    """The committee on the route's page."""

    rule: CommitteeRule
    required: bool  # this request is the committee's to decide
    has_members: bool
    can_recommend: bool
    is_member: bool
    recommendation: dict[str, Any] | None  # the proposal, while in committee
    date: CommitteeDate | None
    recommendations: list[str] = field(default_factory=lambda: [r.value for r in
                                                                 Recommendation])


def committee_part(db: DbSession, route: Route, partner: Partner | None,
                   user: User) -> CommitteePart:
    """The committee's part of the page for this reviewer."""
    actor = routes.actor_of(user)
    members = notifications.committee_of(db=db, partner_code=route.partner_code)
    in_committee = route.state == State.committee
    proposed = committees.recommendation(db=db, route=route) if in_committee else None
    return CommitteePart(
        rule=committees.rule_of(partner),
        required=committees.required_for(partner, route),
        has_members=bool(members),
        can_recommend=bool(members) and permits("recommended", route.state, actor),
        is_member=committees.is_member(user),
        recommendation=proposed.payload if proposed else None,
        date=committees.date_of(db=db, route=route))


def decision_prefill(part: CommitteePart, lang: str) -> dict[str, Any]:
    """The committee's decision form, filled with the terms recommended to it."""
    p = part.recommendation or {}
    return {k: v for k, v in {
        "instrument": p.get("instrument"), "conditions": p.get("conditions"),
        "amount_eur": format_number(p["amount_eur"], lang) if p.get("amount_eur") else None,
        "rate_pct": format_number(p["rate_pct"], lang) if p.get("rate_pct") else None,
        "duration_months": p.get("duration_months"), "reason": p.get("reason"),
    }.items() if v}
