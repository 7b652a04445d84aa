"""Committees: when a partner decides in committee, what that adds to a decision, and the
committee's sessions, each sending its iCalendar invitations (dossier.services.notifications).

A partner's catalogue entry may say `"committee": {"required": true, "above_eur": "0"}`:
above that amount (requested or decided) its reviewers cannot decide themselves; they
recommend (`recommended`, route state `committee`) and a committee member decides, with the
minutes. Staff or the partner's reviewers plan sessions: a date and an agenda of routes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.catalogue import N_
from dossier.db import utcnow
from dossier.errors import Conflict, FieldError, Invalid, NotFound
from dossier.formatting import PARIS, paris
from dossier.i18n import register
from dossier.labels import label
from dossier.models import (
    CommitteeItem,
    CommitteeSession,
    Dossier,
    Partner,
    Role,
    Route,
    RouteEvent,
    User,
)
from dossier.money import ZERO, from_cents
from dossier.routing.machine import Actor, State, acting_as, permits
from dossier.schema.types import WebUrl, date_input, integer, text
from dossier.services import committee_invitations, notifications
from dossier.services.ids import parse_id
from dossier.validation import pydantic_errors_to_field_errors

register({
    "committee_required": N_("{partner} decides on this request in committee: propose it to "
                             "the committee first."),
    "committee_without_members": N_("{partner} has no committee member yet: staff name one on "
                                    "the reviewers page."),
    "date_in_past": N_("The date cannot be in the past (today is {today})."),
    "moment_in_past": N_("Choose a date and time to come."),
    "moment_too_far": N_("Choose a date within the next {years} years."),
    "committee_route_unknown": N_("This dossier is not one of {partner}'s."),
    "committee_route_not_waiting": N_("This dossier is not waiting for the committee (it is "
                                      "\"{state}\")."),
    "committee_route_twice": N_("This dossier is already on the agenda."),
    "reviewer_not_found": N_("This reviewer does not exist."),
    "datetime_parsing": N_("A date and a time are expected (e.g. 2027-01-12T14:30)."),
    "datetime_type": N_("A date and a time are expected (e.g. 2027-01-12T14:30)."),
    "datetime_from_date_parsing": N_("A date and a time are expected (e.g. "
                                     "2027-01-12T14:30)."),
})

DECISIONS = ("approved", "declined")
PLANNED_WITHIN_YEARS = 3  # a session further away is a typing error
# A route's part of the payload kept to the partner: the recommendation, the minutes.
PARTNER_ONLY = {"recommended": frozenset({"recommendation", "instrument", "amount_eur",
                                          "rate_pct", "duration_months", "conditions",
                                          "reason", "comment"}),
                "approved": frozenset({"minutes"}), "declined": frozenset({"minutes"})}


@dataclass(frozen=True)
class CommitteeRule:
    """A partner's committee, as its catalogue entry says: required, above which amount."""

    required: bool = False
    above_eur: Decimal = ZERO

    def applies_to(self, amount: Decimal) -> bool:
        """Whether a decision on `amount` is the committee's."""
        return self.required and amount > self.above_eur


def rule_of(partner: Partner | None) -> CommitteeRule:
    """The partner's committee rule (none unless its catalogue entry requires one)."""
    setting = (partner.config or {}).get("committee") if partner is not None else None
    if not isinstance(setting, dict) or setting.get("required") is not True:
        return CommitteeRule()
    try:
        return CommitteeRule(True, Decimal(str(setting.get("above_eur") or "0")))
    except InvalidOperation:
        return CommitteeRule(True)


def amount_at_stake(route: Route, payload: dict[str, Any] | None = None) -> Decimal:
    """The larger of the amount requested and the amount of the decision."""
    requested = from_cents(route.amount_cents) or ZERO
    decided = (payload or {}).get("amount_eur")
    return max(requested, Decimal(str(decided))) if decided else requested


def required_for(partner: Partner | None, route: Route,
                 payload: dict[str, Any] | None = None) -> bool:
    """Whether this route's decision belongs to the partner's committee."""
    return rule_of(partner).applies_to(amount_at_stake(route, payload))


def is_member(user: User | None) -> bool:
    """Whether the user sits on a partner's committee."""
    return bool(user is not None and user.role == Role.reviewer and user.committee and user.active)


def seat(*, db: Session, reviewer_id: str, member: bool) -> User:
    """Staff seat a reviewer on their partner's committee, or take them off it."""
    user = db.get(User, parse_id(reviewer_id, "reviewer_not_found"))
    if user is None or user.role != Role.reviewer:
        raise NotFound("reviewer_not_found")
    user.committee = member
    db.flush()
    return user


def guard(*, db: Session, route: Route, actor: Actor, event: str,
          payload: dict[str, Any], today: date | None = None) -> None:
    """What committees add once the machine allows the event: a partner that decides in
    committee is not decided (nor its decision revised) outside it (409); a committee's
    decision carries its minutes; a dossier goes before a committee someone sits on, on a
    day to come."""
    if not permits(event, route.state, actor):
        return  # the machine's own refusal is the answer
    partner = db.get(Partner, route.partner_code)
    name = partner.name if partner is not None else route.partner_code
    if event == "recommended":
        if not notifications.committee_of(db=db, partner_code=route.partner_code):
            raise Conflict("committee_without_members", {"partner": name})
        today = today or paris(utcnow()).date()
        if date.fromisoformat(payload["committee_date"]) < today:
            raise Invalid(errors=[FieldError("committee_date", "date_in_past",
                                             {"today": today.isoformat()})])
    elif event in DECISIONS:
        if route.state == State.committee:
            if not payload.get("minutes"):
                raise Invalid(errors=[FieldError("minutes", "missing")])
        elif required_for(partner, route, payload):
            raise Conflict("committee_required", {"partner": name})
    elif event == "revised" and Actor.committee not in acting_as(actor) \
            and required_for(partner, route, payload.get("decision")):
        raise Conflict("committee_required", {"partner": name})  # the committee's to revise


def for_founder(event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An event's payload as the founder reads it: without what stays with the partner."""
    hidden = PARTNER_ONLY.get(event, frozenset())
    shown = {k: v for k, v in payload.items() if k not in hidden}
    if isinstance(shown.get("decision"), dict):  # a revision: the decision taken again
        shown["decision"] = decision_of(shown["decision"])
    return shown


def decision_of(payload: dict[str, Any]) -> dict[str, Any]:
    """What a route's decision keeps of its event (the minutes stay in the event)."""
    return {k: v for k, v in payload.items() if k != "minutes"}


# --- sessions ------------------------------------------------------------------------------

RouteId = text(64)
Place = text(200)
Minutes = integer(15, 720)


class SessionIn(BaseModel):
    """POST /partners/{code}/committees: when (Paris time unless an offset is given), the
    agenda in order, and optionally how long, where, the video link."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    date: Annotated[datetime, BeforeValidator(date_input)]
    route_ids: list[RouteId] = Field(min_length=1, max_length=40)
    duration_minutes: Minutes = 120
    place: Place | None = None
    video_url: WebUrl | None = None


def pitch(partner: Partner, route: Route) -> bool:
    """Whether the founder comes to pitch (an honour loan's jury hears the founder)."""
    return partner.kind == "honor_loan" or route.instrument == "honor_loan"


def plan(*, db: Session, partner: Partner, user: User, body: Any,
         now: datetime | None = None) -> CommitteeSession:
    """Plan a session of the partner's committee and invite its members (and, for an honour
    loan, each founder at their slot)."""
    now = now or utcnow()
    try:
        data = SessionIn.model_validate(body)
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc
    starts_at = data.date if data.date.tzinfo else data.date.replace(tzinfo=PARIS)
    errors = _when_errors(starts_at, now)
    agenda = _agenda(db, partner, data.route_ids, errors)
    if errors:
        raise Invalid(errors=errors)
    members = notifications.committee_of(db=db, partner_code=partner.code)
    if not members:
        raise Conflict("committee_without_members", {"partner": partner.name})
    session = CommitteeSession(
        id=uuid.uuid4(), partner_code=partner.code, starts_at=starts_at.astimezone(UTC),
        duration_minutes=data.duration_minutes,
        slot_minutes=max(5, data.duration_minutes // len(agenda)), place=data.place,
        video_url=data.video_url, created_by=user.id, created_at=now,
        items=[CommitteeItem(route_id=r.id, position=i) for i, r in enumerate(agenda)])
    db.add(session)
    db.flush()
    committee_invitations.invite(
        db=db, session=session, partner=partner, organizer=user, members=members,
        agenda=[(r, slot_of(session, i), pitch(partner, r)) for i, r in enumerate(agenda)])
    return session


def _when_errors(starts_at: datetime, now: datetime) -> list[FieldError]:
    """What is wrong with a session's moment: past, or years away."""
    if starts_at <= now:
        return [FieldError("date", "moment_in_past")]
    if starts_at > now + timedelta(days=366 * PLANNED_WITHIN_YEARS):
        return [FieldError("date", "moment_too_far", {"years": PLANNED_WITHIN_YEARS})]
    return []


def _agenda(db: Session, partner: Partner, ids: list[str],
            errors: list[FieldError]) -> list[Route]:
    """The routes named, in order; what is wrong with any goes into `errors`."""
    found: list[Route] = []
    for index, raw in enumerate(ids):
        loc = f"route_ids[{index}]"
        try:
            route = db.get(Route, uuid.UUID(raw))
        except ValueError:
            route = None
        if route is None or route.partner_code != partner.code:
            errors.append(FieldError(loc, "committee_route_unknown", {"partner": partner.name}))
        elif route in found:
            errors.append(FieldError(loc, "committee_route_twice"))
        elif route.state != State.committee:
            errors.append(FieldError(loc, "committee_route_not_waiting",
                                     {"state": label("state", route.state)}))
        else:
            found.append(route)
    return found


def slot_of(session: CommitteeSession, position: int) -> datetime:
    """When the dossier at `position` on the agenda comes up."""
    return session.starts_at + timedelta(minutes=session.slot_minutes * position)


def sessions_of(*, db: Session, partner_code: str) -> list[CommitteeSession]:
    """The partner's committee sessions, latest first."""
    return list(db.scalars(select(CommitteeSession)
                           .where(CommitteeSession.partner_code == partner_code)
                           .order_by(CommitteeSession.starts_at.desc(),
                                     CommitteeSession.id)))


def waiting(*, db: Session, partner_code: str) -> list[tuple[Route, str | None]]:
    """The partner's routes in committee, with their company, longest waiting first."""
    return [(route, company) for route, company in db.execute(
        select(Route, Dossier.company_name).join(Dossier, Dossier.id == Route.dossier_id)
        .where(Route.partner_code == partner_code, Route.state == State.committee.value)
        .order_by(Route.updated_at, Route.id))]


def companies(*, db: Session, sessions: list[CommitteeSession]) -> dict[uuid.UUID, str | None]:
    """Route id -> company name, for the agendas of these sessions."""
    ids = {item.route_id for s in sessions for item in s.items}
    if not ids:
        return {}
    return dict(db.execute(select(Route.id, Dossier.company_name)
                           .join(Dossier, Dossier.id == Route.dossier_id)
                           .where(Route.id.in_(ids))).all())


def session_view(session: CommitteeSession,
                 names: dict[uuid.UUID, str | None]) -> dict[str, Any]:
    """The public shape of a session (GET /partners/{code}/committees)."""
    return {"id": str(session.id), "partner": session.partner_code,
            "date": paris(session.starts_at).isoformat(),
            "duration_minutes": session.duration_minutes,
            "slot_minutes": session.slot_minutes, "place": session.place,
            "video_url": session.video_url,
            "route_ids": [str(i.route_id) for i in session.items],
            "agenda": [{"route_id": str(i.route_id), "company": names.get(i.route_id),
                        "at": paris(slot_of(session, i.position)).isoformat()}
                       for i in session.items],
            "created_at": session.created_at.isoformat()}


@dataclass(frozen=True)
class CommitteeDate:
    """When a route goes before its partner's committee: the day the reviewer proposed and,
    once a session is planned, the session's start and the dossier's own moment (a founder
    who pitches: their slot; otherwise the session's start)."""

    day: date | None
    at: datetime | None
    pitch: bool = False
    session_at: datetime | None = None


def recommendation(*, db: Session, route: Route) -> RouteEvent | None:
    """The route's latest recommendation to the committee."""
    return db.scalars(select(RouteEvent).where(RouteEvent.route_id == route.id,
                                               RouteEvent.type == "recommended")
                      .order_by(RouteEvent.created_at.desc(), RouteEvent.id.desc())).first()


def date_of(*, db: Session, route: Route, now: datetime | None = None) -> CommitteeDate | None:
    """When the route goes before the committee (None: it is not in committee)."""
    if route.state != State.committee:
        return None
    now = now or utcnow()
    proposed = recommendation(db=db, route=route)
    day = date.fromisoformat(proposed.payload["committee_date"]) if proposed else None
    rows = db.execute(select(CommitteeSession, CommitteeItem.position)
                      .join(CommitteeItem, CommitteeItem.session_id == CommitteeSession.id)
                      .where(CommitteeItem.route_id == route.id)
                      .order_by(CommitteeSession.starts_at)).all()
    if not rows:
        return CommitteeDate(day, None)
    to_come = [(s, p) for s, p in rows
               if s.starts_at + timedelta(minutes=s.duration_minutes) >= now]
    session, position = to_come[0] if to_come else rows[-1]
    partner = db.get(Partner, route.partner_code)
    heard = partner is not None and pitch(partner, route)
    at = slot_of(session, position) if heard else session.starts_at
    return CommitteeDate(paris(at).date(), at, heard, session.starts_at)
