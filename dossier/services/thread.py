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
    events = list(db.scalars(select(RouteEvent).where(
        RouteEvent.route_id == route.id,
        RouteEvent.type.in_(("info_requested", "info_answered")))
        .order_by(RouteEvent.created_at, RouteEvent.id)))
    messages = list(db.scalars(select(Message).where(Message.route_id == route.id)
                               .order_by(Message.created_at, Message.id)))
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
