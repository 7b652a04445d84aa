"""The conversation of one route, as démarches-simplifiées' messagerie shows it: one
chronological thread per partner with its information requests, the founder's answers and
every other message, each with its documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.models import Message, Role, Route, RouteEvent


@dataclass
class Entry:
    """One item of the thread: a request, an answer or a message."""

    kind: str  # "request", "answer" or "message"
    author_role: str
    author_id: uuid.UUID | None
    at: datetime
    body: str
    request_kind: str | None = None
    attachment_ids: list[str] = field(default_factory=list)
    open: bool = False  # a request still waiting for its answer
    version: int | None = None  # an answer given by amending the dossier: its version
    document: dict | None = None  # a request naming the document to replace (outdated.py)


def conversation(*, db: Session, route: Route) -> list[Entry]:
    """The route's thread, oldest first."""
    return conversations(db=db, routes=[route])[route.id]


THREAD_EVENTS = ("info_requested", "info_answered")


def conversations(*, db: Session, routes: list[Route],
                  history: dict[uuid.UUID, list[RouteEvent]] | None = None
                  ) -> dict[uuid.UUID, list[Entry]]:
    """The threads of several routes (two queries for them all; one when the caller has read
    their `history`, each route's events oldest first), by route id."""
    ids = [r.id for r in routes]
    if not ids:
        return {}
    events: dict[uuid.UUID, list[RouteEvent]] = {i: [] for i in ids}
    messages: dict[uuid.UUID, list[Message]] = {i: [] for i in ids}
    if history is not None:
        events = {i: [e for e in history[i] if e.type in THREAD_EVENTS] for i in ids}
    else:
        for event in db.scalars(select(RouteEvent).where(
                RouteEvent.route_id.in_(ids), RouteEvent.type.in_(THREAD_EVENTS))
                .order_by(RouteEvent.created_at, RouteEvent.id)):
            events[event.route_id].append(event)
    for message in db.scalars(select(Message).where(Message.route_id.in_(ids))
                              .order_by(Message.created_at, Message.id)):
        messages[message.route_id].append(message)
    return {r.id: _thread(r, events[r.id], messages[r.id]) for r in routes}


def _thread(route: Route, events: list[RouteEvent], messages: list[Message]) -> list[Entry]:
    """One route's thread from its request/answer events and its messages, oldest first."""
    answers = _answers(events, messages)
    entries = [Entry("answer" if m.id in answers else "message", m.author_role, m.author_id,
                     m.created_at, m.body, attachment_ids=[str(a) for a in m.attachment_ids])
               for m in messages]
    entries += [Entry("answer", Role.founder.value, e.actor_id, e.created_at, "",
                      version=(e.payload or {}).get("version"))
                for e in events if e.type == "info_answered"
                and (e.payload or {}).get("by") == "amendment"]
    requests = [e for e in events if e.type == "info_requested"]
    for event in requests:
        p = event.payload or {}
        entries.append(Entry("request", event.actor_role, event.actor_id, event.created_at,
                             str(p.get("message") or ""), request_kind=p.get("request_kind"),
                             open=event is requests[-1] and route.state == "info_requested",
                             document=p.get("document")))
    return sorted(entries, key=lambda e: e.at)


def _answers(events: list[RouteEvent], messages: list[Message]) -> set[uuid.UUID]:
    """The founder's messages that answered a request: named by the `info_answered` event,
    or (older events) the founder's last message written before it."""
    by_id = {str(m.id): m for m in messages}
    founders = [m for m in messages if m.author_role == Role.founder.value]
    found: set[uuid.UUID] = set()
    for event in events:
        if event.type != "info_answered" or (event.payload or {}).get("by") == "amendment":
            continue
        named = by_id.get(str((event.payload or {}).get("message_id")))
        if named is None:
            earlier = [m for m in founders if m.created_at <= event.created_at
                       and m.id not in found]
            named = earlier[-1] if earlier else None
        if named is not None:
            found.add(named.id)
    return found


def from_rows(route: Route, events: list[RouteEvent], messages: list[Message]) -> list[Entry]:
    """The route's thread from rows the caller already read: all its events (any type) and
    its messages, each oldest first."""
    return _thread(route, [e for e in events if e.type in ("info_requested", "info_answered")],
                   messages)
