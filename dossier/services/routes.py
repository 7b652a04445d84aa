"""A route's life: who may see it, the events reviewers and founders fire, its messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dossier import access
from dossier.access import Action
from dossier.db import utcnow
from dossier.decisions import REVISION_DAYS
from dossier.errors import Conflict, FieldError, Invalid
from dossier.locks import hold
from dossier.models import (
    Attachment,
    Delivery,
    Disbursement,
    DossierVersion,
    Message,
    Role,
    Route,
    RouteEvent,
    User,
)
from dossier.routing.machine import (
    DECISION_EVENTS,
    Actor,
    IllegalTransition,
    State,
    acting_as,
    check,
)
from dossier.routing.payloads import EVENT_PAYLOADS, MessageIn
from dossier.services import committees, decisions, inbox, notes, notifications, outdated
from dossier.services.access import AccessKind, record_access
from dossier.services.ids import parse_id
from dossier.validation import pydantic_errors_to_field_errors


def actor_of(user: User | None) -> Actor:
    """The state machine's actor for a user (None is the system; a reviewer who sits on the
    partner's committee is a committee member, and a reviewer too)."""
    if user is None:
        return Actor.system
    if committees.is_member(user):
        return Actor.committee
    return Actor.reviewer if user.role == Role.reviewer else Actor.founder


def lock(*, db: Session, route: Route) -> None:
    """Hold the route until commit: of two conflicting transitions the second sees the first's
    state, and the machine refuses it (409)."""
    hold(db, route, gone="route_not_found")


def fire(*, db: Session, route: Route, user: User | None, event: str,
         payload: dict[str, Any] | None = None, now: datetime | None = None,
         chosen: str | None = None) -> RouteEvent:
    """Apply one transition of the declared machine, under the route's lock, and log it.

    A new route (no state yet) is created by its first event, `submitted`.
    """
    now = now or utcnow()
    actor = actor_of(user)
    source = route.state
    if source is not None:
        lock(db=db, route=route)
        source = route.state
    try:
        target = check(event, source, actor, chosen)
    except IllegalTransition as exc:
        raise Conflict(exc.code, {**exc.ctx, "state": str(source)}) from exc
    if target is not None:
        route.state = target.value
    if Actor.reviewer in acting_as(actor) and route.first_action_at is None:
        route.first_action_at = now
        notes.take_on(route=route, user=user)
    if event in DECISION_EVENTS:  # a revision keeps the first decision's time (its window)
        route.decided_at = now
    route.updated_at = now
    if source is None:
        db.add(route)
        db.flush()  # the event needs the route's id
    row = RouteEvent(route_id=route.id, type=event, from_state=source, to_state=route.state,
                     actor_id=user.id if user else None,
                     actor_role=user.role if user else Actor.system.value,
                     payload=payload or {}, created_at=now)
    db.add(row)
    db.flush()
    notifications.on_event(db=db, route=route, event=row)
    return row


def reviewer_event(*, db: Session, route: Route, user: User, body: Any,
                   revision_days: int = REVISION_DAYS) -> RouteEvent:
    """POST /routes/{rid}/events: validate the payload of the event type, then fire it."""
    event = body.get("type") if isinstance(body, dict) else None
    model = EVENT_PAYLOADS.get(event) if isinstance(event, str) else None
    if model is None:
        raise Invalid(errors=[FieldError("type", "event_type",
                                         {"expected": ", ".join(EVENT_PAYLOADS)})])
    try:
        payload = model.model_validate(body).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc
    if event == "opened" and (earlier := _opened_before(db=db, route=route)) is not None:
        return earlier  # reading the route opened it already: the spec's explicit `opened` holds
    lock(db=db, route=route)
    committees.guard(db=db, route=route, actor=actor_of(user), event=event, payload=payload)
    if event == "revised":
        return revise(db=db, route=route, user=user, payload=payload, days=revision_days)
    if event == "approved":
        decisions.check_conditions(db=db, route=route, payload=payload)
    if payload.get("attachment_id"):  # a request naming the document to replace
        payload["document"] = outdated.named_document(db=db, route=route,
                                                      attachment_id=payload["attachment_id"])
    row = fire(db=db, route=route, user=user, event=event, payload=payload)
    if event in DECISION_EVENTS:
        decisions.record(route, committees.decision_of(payload), row.created_at)
    return row


def revise(*, db: Session, route: Route, user: User, payload: dict[str, Any],
           days: int = REVISION_DAYS) -> RouteEvent:
    """Take the decision again, for a reason, within the revision window."""
    lock(db=db, route=route)
    decisions.check_revisable(db=db, route=route, payload=payload, now=utcnow(), days=days)
    row = fire(db=db, route=route, user=user, event="revised", payload=payload,
               chosen=payload["decision"]["type"])
    decisions.apply_revision(route, {**payload, "decision": committees.decision_of(
        payload["decision"])}, row.created_at)  # a committee's minutes stay in the event
    return row


def accept(*, db: Session, route: Route, user: User) -> RouteEvent:
    """The founder accepts an approved offer (a conditional one once its conditions hold)."""
    lock(db=db, route=route)
    if route.state == State.approved:
        decisions.check_acceptable(db=db, route=route)
    row = fire(db=db, route=route, user=user, event="accepted")
    decisions.mark_accepted(route, row.created_at)
    return row


def disburse(*, db: Session, route: Route, user: User, body: Any) -> Disbursement:
    """The partner records a tranche paid out; never more than approved in all."""
    data = decisions.parse_tranche(body, utcnow())
    lock(db=db, route=route)
    decisions.check_tranche(db=db, route=route, data=data)
    tranche = decisions.new_tranche(route=route, user=user, data=data)
    row = fire(db=db, route=route, user=user, event="disbursed",
               payload=decisions.tranche_payload(tranche))
    tranche.created_at = row.created_at
    db.add(tranche)
    db.flush()
    return tranche


def _opened_before(*, db: Session, route: Route) -> RouteEvent | None:
    """The route's `opened` event if it has one (under the route's lock)."""
    lock(db=db, route=route)
    return db.scalars(select(RouteEvent).where(RouteEvent.route_id == route.id,
                                               RouteEvent.type == "opened")).first()


def _read_now(db: Session, route: Route) -> None:
    """Remember that the partner has looked at the route's current version (its lock held:
    an erasure may have taken it since it was loaded)."""
    route.last_read_at = utcnow()
    route.seen_version = route.delivered_version
    db.flush()


def open_route(*, db: Session, route: Route, user: User, via: str,
               history: list[RouteEvent] | None = None) -> int | None:
    """A reading of the route, by page or API alike: logged for the founder and, by its
    partner, `opened` once delivered and the current version marked read. Returns the
    version the reader had before (the baseline of "what changed"). `history`: the route's
    events, when the caller has read them; an `opened` fired here is added to it."""
    baseline = inbox.baseline_version(db=db, route=route, history=history)
    held = access.allows(user, Action.open_route, route=route) and _news(route, history)
    if held:
        lock(db=db, route=route)  # two tabs opening at once: one `opened`, no 409
        if route.state == State.delivered:
            opened = fire(db=db, route=route, user=user, event="opened")
            if history is not None:
                history.append(opened)
        _read_now(db, route)
    record_access(db=db, route=route, user=user, kind=AccessKind.dossier, via=via,
                  version=route.delivered_version, route_held=held)
    return baseline


def _news(route: Route, history: list[RouteEvent] | None) -> bool:
    """Whether its partner opening the route changes it: `opened` to fire, a version or an
    event since the last reading (assumed when the history is not known). Opening it again
    with nothing new writes no mark, so readers of one route do not queue on its row."""
    if (history is None or route.state == State.delivered or route.last_read_at is None
            or route.seen_version != route.delivered_version):
        return True
    return any(e.created_at > route.last_read_at for e in history)


def withdraw(*, db: Session, route: Route, user: User, reason: str | None = None) -> RouteEvent:
    """The founder withdraws from one partner; its reviewers lose access at once."""
    lock(db=db, route=route)
    access.require(user, Action.withdraw, route=route)
    row = fire(db=db, route=route, user=user, event="withdrawn",
               payload={"reason": reason} if reason else {})
    # Deliveries not yet made are cancelled: a withdrawn partner receives nothing more.
    db.execute(update(Delivery).where(Delivery.route_id == route.id,
                                      Delivery.status == "pending")
               .values(status="cancelled", next_attempt_at=None)
               .execution_options(synchronize_session=False))
    return row


def events(*, db: Session, route: Route) -> list[RouteEvent]:
    """The route's events, oldest first."""
    return list(db.scalars(select(RouteEvent).where(RouteEvent.route_id == route.id)
                           .order_by(RouteEvent.created_at, RouteEvent.id)))


def events_of(*, db: Session, routes: list[Route]) -> dict[uuid.UUID, list[RouteEvent]]:
    """Several routes' events in one query, each route's oldest first, by route id."""
    found: dict[uuid.UUID, list[RouteEvent]] = {r.id: [] for r in routes}
    if found:
        for row in db.scalars(select(RouteEvent).where(RouteEvent.route_id.in_(found))
                              .order_by(RouteEvent.created_at, RouteEvent.id)):
            found[row.route_id].append(row)
    return found


def post_message(*, db: Session, route: Route, user: User, body: Any) -> Message:
    """A message between partner and founder; a founder's reply answers an open request."""
    try:
        data = MessageIn.model_validate(body)
    except ValidationError as exc:
        raise Invalid(errors=pydantic_errors_to_field_errors(exc)) from exc
    # A reviewer may only point at what the partner already has; the founder at any document.
    allowed = shared_attachment_ids(db=db, route=route) if user.role == Role.reviewer else None
    ids = []
    for index, aid in enumerate(data.attachment_ids):
        attachment = db.get(Attachment, parse_id(aid, "attachment_not_found"))
        if (attachment is None or attachment.dossier_id != route.dossier_id
                or (allowed is not None and str(attachment.id) not in allowed)):
            raise Invalid(errors=[FieldError(f"attachment_ids[{index}]", "attachment_unknown")])
        ids.append(str(attachment.id))
    message = Message(id=uuid.uuid4(), route_id=route.id, author_id=user.id,
                      author_role=user.role, body=data.body, attachment_ids=ids,
                      created_at=utcnow())
    db.add(message)
    if user.role == Role.founder and route.state == State.info_requested:
        fire(db=db, route=route, user=user, event="info_answered",
             payload={"by": "message", "attachment_ids": list(data.attachment_ids),
                      "message_id": str(message.id)})
    else:
        fire(db=db, route=route, user=user, event="message", payload={"length": len(data.body)})
    db.flush()
    return message


def shared_attachment_ids(*, db: Session, route: Route) -> set[str]:
    """Ids of the attachments the partner may read: the delivered version's and the messages'."""
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == route.delivered_version)) if route.delivered_version else None
    shared = {str(a["id"]) for a in (version.attachments if version else [])}
    return shared | {str(aid) for m in messages(db=db, route=route) for aid in m.attachment_ids}


def messages(*, db: Session, route: Route) -> list[Message]:
    """The route's messages, oldest first."""
    return list(db.scalars(select(Message).where(Message.route_id == route.id)
                           .order_by(Message.created_at, Message.id)))


def event_view(row: RouteEvent, founder: bool = False) -> dict[str, Any]:
    """The public shape of an event (for a founder: without what stays with the partner, a
    recommendation to its committee, a committee's minutes)."""
    payload = committees.for_founder(row.type, row.payload or {}) if founder else row.payload
    return {"id": str(row.id), "type": row.type, "from_state": row.from_state,
            "to_state": row.to_state, "actor_role": row.actor_role, "payload": payload,
            "created_at": row.created_at.isoformat()}


def message_view(row: Message) -> dict[str, Any]:
    """The public shape of a message."""
    return {"id": str(row.id), "author_role": row.author_role, "body": row.body,
            "attachment_ids": row.attachment_ids, "created_at": row.created_at.isoformat()}


def decision_view(route: Route) -> dict[str, Any] | None:
    """The decision without internal fields."""
    if not route.decision:
        return None
    return {k: v for k, v in route.decision.items() if k != "amount_cents"}


def route_summary(route: Route) -> dict[str, Any]:
    """A route in a dossier's list of routes."""
    return {"id": str(route.id), "partner": route.partner_code, "kind": route.kind,
            "state": route.state,
            "decision": decision_view(route), "updated_at": route.updated_at.isoformat(),
            "delivered_version": route.delivered_version, "consent_at":
            route.consent_at.isoformat(), "consent_version": route.consent_version}

