"""External opinions: a partner's reviewer invites an outside expert by e-mail to give an
opinion on one route (api-v1.md, "Decisions beyond one reviewer").

The expert has no account. The e-mailed link is signed (dossier.security) over the
invitation's id, address, route and version; it names one route and the version delivered
when the expert was invited, and works until the end of `expires_on` (Paris) unless the
partner revokes it or withdraws. Reading after the date, or another route, is a 409; every
reading is in the founder's access log. The opinion is the partner's alone: its reviewers
see it, never the founder, another partner or staff (the policy table's `ask_opinion`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import access
from dossier.access import Action, Expert
from dossier.catalogue import N_
from dossier.db import utcnow
from dossier.errors import Conflict, DomainError, FieldError, Invalid, NotFound
from dossier.formatting import format_date
from dossier.i18n import register
from dossier.models import Attachment, DossierVersion, Opinion, Route, User
from dossier.opinions import MAX_DAYS, OpinionStatus, expired, status, today
from dossier.schema.types import Email, LongText, text
from dossier.security import link_signature
from dossier.services import attachments, notifications, routes, users
from dossier.services.access import AccessKind, record_access
from dossier.services.ids import parse_id, signed_row
from dossier.validation import pydantic_errors_to_field_errors

PURPOSE = "opinion"  # the signed link's purpose (dossier.security.link_signature)

register({
    "opinion_link_invalid": N_("This link is not valid: it was altered or cut. Open the link "
                               "of your invitation e-mail again."),
    "opinion_link_required": N_("Open the link of your invitation e-mail to read this "
                                "dossier."),
    "opinion_expired": N_("This invitation expired on {date}: the dossier can no longer be "
                          "read nor the opinion given. Ask the person who invited you."),
    "opinion_revoked": N_("The partner withdrew this invitation: the dossier can no longer be "
                          "read."),
    "opinion_other_route": N_("Your invitation is for another dossier: open the link of the "
                              "e-mail about this one."),
    "opinion_answered": N_("The opinion has already been given."),
    "opinion_not_found": N_("This invitation does not exist."),
    "opinion_expires_past": N_("The date must be after today ({today})."),
    "opinion_expires_far": N_("The date must be at most {days} days ahead (until {last})."),
    "opinion_not_delivered": N_("The dossier has not been delivered yet."),
})


def _date_input(value: Any) -> Any:
    if isinstance(value, bool | int | float):  # pydantic would read a Unix timestamp
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


def _ahead(value: date, info: ValidationInfo) -> date:
    """After today (Paris) and at most MAX_DAYS ahead; `today` comes with the context."""
    on = (info.context or {}).get("today") or today()
    last = on + timedelta(days=MAX_DAYS)
    if value <= on:
        raise PydanticCustomError("opinion_expires_past", "The date must be after today",
                                  _dates(today=on))
    if value > last:
        raise PydanticCustomError("opinion_expires_far", "The date is too far ahead",
                                  {"days": MAX_DAYS, **_dates(last=last)})
    return value


class OpinionIn(BaseModel):
    """A reviewer's invitation: the expert's address, the question, the last day (after
    today, at most 90 days ahead)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    question: LongText
    expires_on: Annotated[date, BeforeValidator(_date_input), AfterValidator(_ahead)]


class AnswerIn(BaseModel):
    """The expert's opinion."""

    model_config = ConfigDict(extra="forbid")

    answer: text(10_000, multiline=True)


class OpinionLinkInvalid(DomainError, status=400, code="opinion_link_invalid"):
    """A link that was never signed here, or was altered."""


def _validated(model: type[BaseModel], body: Any, **context: Any) -> Any:
    if not isinstance(body, dict):
        raise Invalid(errors=[FieldError("body", "model_type")])
    try:
        return model.model_validate(body, context=context)
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc


def _dates(**days: date) -> dict[str, str]:
    """Days as a message shows them, in each language (`today_fr`, `today_en`)."""
    return {f"{name}_{lang}": format_date(day, lang) for name, day in days.items()
            for lang in ("fr", "en")}


# --- the partner's side ----------------------------------------------------------------------

def invite(*, db: Session, route: Route, user: User, body: Any,
           now: datetime | None = None) -> Opinion:
    """A reviewer of the route's partner invites an expert; inviting the same address on the
    same route again revokes the older link."""
    access.require(user, Action.ask_opinion, route=route)
    now = now or utcnow()
    data = _validated(OpinionIn, body, today=today(now))
    if not route.delivered_version:
        raise Conflict("opinion_not_delivered")
    email = users.normalize_email(data.email)
    for older in db.scalars(select(Opinion).where(
            Opinion.route_id == route.id, Opinion.email == email,
            Opinion.answered_at.is_(None), Opinion.revoked_at.is_(None))):
        older.revoked_at = now
    row = Opinion(route_id=route.id, version=route.delivered_version, invited_by=user.id,
                  email=email, question=data.question, expires_on=data.expires_on,
                  created_at=now)
    db.add(row)
    db.flush()
    return row


def opinions_of(*, db: Session, route: Route, user: User) -> list[Opinion]:
    """The route's invitations and opinions, newest first, for its partner's reviewers."""
    access.require(user, Action.ask_opinion, route=route)
    return list(db.scalars(select(Opinion).where(Opinion.route_id == route.id)
                           .order_by(Opinion.created_at.desc(), Opinion.id)))


def get(*, db: Session, route: Route, opinion_id: Any) -> Opinion:
    """One invitation of this route; NotFound for any other id."""
    row = db.get(Opinion, parse_id(opinion_id, "opinion_not_found"))
    if row is None or row.route_id != route.id:
        raise NotFound("opinion_not_found")
    return row


def revoke(*, db: Session, route: Route, user: User, opinion_id: Any,
           now: datetime | None = None) -> Opinion:
    """End the expert's access at once (an opinion given stays the partner's to read)."""
    access.require(user, Action.ask_opinion, route=route)
    row = get(db=db, route=route, opinion_id=opinion_id)
    _hold(db, route, row)
    if row.revoked_at is not None:
        raise Conflict("opinion_revoked")
    row.revoked_at = now or utcnow()
    db.flush()
    return row


def _hold(db: Session, route: Route, row: Opinion) -> None:
    """Hold the route until commit and read the invitation again: of an answer and a
    revocation (or two answers) at once, the second sees the first (on SQLite too)."""
    routes.lock(db=db, route=route)
    db.refresh(row)


def inviters(*, db: Session, rows: list[Opinion]) -> dict[uuid.UUID, User]:
    """The reviewers who asked, by id."""
    ids = {r.invited_by for r in rows if r.invited_by}
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def view(row: Opinion, *, on: date | None = None,
         people: dict[uuid.UUID, User] | None = None) -> dict[str, Any]:
    """The public shape of an invitation and its opinion (the partner's reviewers only)."""
    inviter = (people or {}).get(row.invited_by) if row.invited_by else None
    return {"id": str(row.id), "route_id": str(row.route_id), "email": row.email,
            "question": row.question, "expires_on": row.expires_on.isoformat(),
            "version": row.version, "status": status(row, on or today()).value,
            "invited_by": inviter.email if inviter else None,
            "created_at": row.created_at.isoformat(), "answer": row.answer,
            "answered_at": row.answered_at.isoformat() if row.answered_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


@dataclass(frozen=True)
class Line:
    """One invitation as the reviewers' page lists it."""

    row: Opinion
    status: OpinionStatus
    inviter: User | None


@dataclass(frozen=True)
class Panel:
    """The route page's "expert opinions" part: the invitations, and the dates the form
    accepts."""

    lines: list[Line]
    version: int | None
    first_day: date
    last_day: date


def panel(*, db: Session, route: Route, user: User, now: datetime | None = None) -> Panel:
    """What the partner's reviewers see of the route's expert opinions."""
    rows = opinions_of(db=db, route=route, user=user)
    on, people = today(now), inviters(db=db, rows=rows)
    return Panel(lines=[Line(r, status(r, on), people.get(r.invited_by)) for r in rows],
                 version=route.delivered_version, first_day=on + timedelta(days=1),
                 last_day=on + timedelta(days=MAX_DAYS))


# --- the expert's side -----------------------------------------------------------------------

def _signature(secret: bytes, row: Opinion) -> str:
    return link_signature(secret, PURPOSE, row.id, row.email, row.route_id, row.version)


def link_token(secret: bytes, row: Opinion) -> str:
    """The e-mailed link's token: the invitation's id and its signature."""
    return f"{row.id}.{_signature(secret, row)}"


def open_link(*, db: Session, secret: bytes, token: str, now: datetime | None = None) -> Opinion:
    """The invitation a link names, while the expert may still use it: OpinionLinkInvalid
    (400) for a forged or altered link, a 409 once revoked or past its date."""
    row = signed_row(db, Opinion, token, lambda r: _signature(secret, r))
    if row is None:
        raise OpinionLinkInvalid()
    check_open(row, now=now)
    return row


def check_open(row: Opinion, *, now: datetime | None = None) -> None:
    """409 once the partner revoked the invitation or its last day is past."""
    if row.revoked_at is not None:
        raise Conflict("opinion_revoked")
    if expired(row, today(now)):
        raise Conflict("opinion_expired", _dates(date=row.expires_on))


def caller(*, db: Session, row: Opinion) -> Expert:
    """The expert of an invitation, as the policy table sees it."""
    route = db.get(Route, row.route_id)
    if route is None:
        raise NotFound("route_not_found")
    return Expert(opinion_id=row.id, email=row.email, partner_code=route.partner_code,
                  route_id=row.route_id, version=row.version)


def expert_route(*, db: Session, expert: Expert, route_id: Any, action: Action) -> Route:
    """The route the expert's link names, once the table allows `action`; any other route is
    a 409 (the link's route is known without looking the other one up)."""
    if parse_id(route_id, "route_not_found") != expert.route_id:
        raise Conflict("opinion_other_route")
    return access.load_route(db=db, route_id=route_id, user=expert, action=action)


def for_expert(*, db: Session, expert: Expert) -> Opinion:
    """The expert's own invitation (its question, date and opinion)."""
    row = db.get(Opinion, expert.opinion_id)
    if row is None:
        raise NotFound("opinion_not_found")
    return row


def version_of(*, db: Session, expert: Expert) -> DossierVersion:
    """The version the expert reads: the one delivered when it was invited."""
    route = db.get(Route, expert.route_id)
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == expert.version)) if route is not None else None
    if version is None:
        raise NotFound("route_not_found")
    return version


def attachment(*, db: Session, route: Route, expert: Expert, attachment_id: str) -> Attachment:
    """A document of the expert's version, cleared for download; NotFound for any other (a
    later version's, a message's)."""
    listed = {str(a["id"]) for a in version_of(db=db, expert=expert).attachments}
    item = attachments.get(db=db, dossier=route.dossier, attachment_id=attachment_id)
    if str(item.id) not in listed:
        raise NotFound("attachment_not_found")
    attachments.check_readable(item)
    return item


def record_read(*, db: Session, route: Route, expert: Expert, kind: AccessKind,
                item: Attachment | None = None, name: str | None = None) -> None:
    """One reading by the expert, in the founder's access log."""
    record_access(db=db, route=route, user=expert, kind=kind, via="web",
                  version=expert.version, attachment=item, name=name)


def answer(*, db: Session, route: Route, expert: Expert, body: Any,
           now: datetime | None = None) -> Opinion:
    """The expert gives the opinion, once, before its date; the reviewer who asked is told."""
    access.require(expert, Action.give_opinion, route=route)
    data = _validated(AnswerIn, body)
    row = for_expert(db=db, expert=expert)
    _hold(db, route, row)
    now = now or utcnow()
    check_open(row, now=now)
    if row.answered_at is not None:
        raise Conflict("opinion_answered")
    row.answer, row.answered_at = data.answer, now
    db.flush()
    notifications.opinion_received(db=db, opinion=row, route=route)
    return row
