"""A partner's internal side of a route: notes between its reviewers, and who handles it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import access
from dossier.access import Action
from dossier.catalogue import N_
from dossier.errors import FieldError, Invalid, NotFound
from dossier.i18n import register
from dossier.models import Role, Route, RouteNote, User
from dossier.routing.payloads import MessageIn
from dossier.validation import pydantic_errors_to_field_errors

register({
    "assignee_unknown": N_("Choose a reviewer of your institution."),
})


def _check_partner_reviewer(user: User, route: Route) -> None:
    """Only the reviewers of the route's partner, while the partner may see the route."""
    if not access.allows(user, Action.write_note, route=route):
        raise NotFound("route_not_found")


def notes(*, db: Session, route: Route, user: User) -> list[RouteNote]:
    """The route's internal notes, oldest first; only for its partner's reviewers."""
    _check_partner_reviewer(user, route)
    return list(db.scalars(select(RouteNote).where(RouteNote.route_id == route.id)
                           .order_by(RouteNote.created_at, RouteNote.id)))


def add_note(*, db: Session, route: Route, user: User, body: Any) -> RouteNote:
    """Write an internal note (never shown to the founder or to other partners)."""
    _check_partner_reviewer(user, route)
    try:
        text = MessageIn.model_validate({"body": body}).body
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc
    take_on(route=route, user=user)
    note = RouteNote(route_id=route.id, author_id=user.id, body=text)
    db.add(note)
    db.flush()
    return note


def take_on(*, route: Route, user: User | None) -> None:
    """The reviewer who acts first on a route nobody handles yet handles it."""
    if (route.assigned_to_id is None and user is not None and user.role == Role.reviewer
            and user.partner_code == route.partner_code):
        route.assigned_to_id = user.id


def colleagues(*, db: Session, user: User) -> list[User]:
    """The active reviewers of the user's partner (the user included), by e-mail."""
    if user.role != Role.reviewer or not user.partner_code:
        return []
    return list(db.scalars(select(User).where(
        User.role == Role.reviewer, User.partner_code == user.partner_code,
        User.active.is_(True)).order_by(User.email)))


def assign(*, db: Session, route: Route, user: User, assignee_id: Any) -> User | None:
    """Give the route to a reviewer of the same partner; None (or "") unassigns it."""
    _check_partner_reviewer(user, route)
    if assignee_id in (None, ""):
        route.assigned_to_id = None
        db.flush()
        return None
    try:
        key = assignee_id if isinstance(assignee_id, uuid.UUID) else uuid.UUID(str(assignee_id))
    except ValueError:
        key = None
    assignee = db.get(User, key) if key else None
    if (assignee is None or not assignee.active or assignee.role != Role.reviewer
            or assignee.partner_code != route.partner_code):
        raise Invalid(errors=[FieldError("assignee", "assignee_unknown")])
    route.assigned_to_id = assignee.id
    db.flush()
    return assignee


def people(*, db: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    """Users by id (authors of notes, assignees), for display."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def assignees(*, db: Session, partner: str, route_ids: Iterable[Any]) -> dict[str, User]:
    """Who handles each of these routes of a partner: route id -> user (assigned only)."""
    keys = [uuid.UUID(str(r)) for r in route_ids]
    if not keys:
        return {}
    rows = db.execute(select(Route.id, User).join(User, User.id == Route.assigned_to_id)
                      .where(Route.id.in_(keys), Route.partner_code == partner)).all()
    return {str(rid): person for rid, person in rows}
