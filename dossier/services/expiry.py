"""Reminders before a document expires for a partner that holds it: while a route is open
(sent, not decided nor withdrawn), the founders are told some days before a document the
partner requires stops counting for it (dossier.validity, the partner's own validity first),
once per route, document and threshold. The reminders run creates them (workflows/reminders)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from dossier.catalogue import gettext
from dossier.formatting import format_date, paris
from dossier.labels import label
from dossier.models import (
    Attachment,
    Dossier,
    DossierVersion,
    Message,
    Notification,
    Partner,
    Route,
    User,
)
from dossier.routing.machine import OPEN_STATES
from dossier.services.notifications import (
    Notice,
    Policy,
    _body,
    _clip,
    _company,
    add,
    founder_link,
    founders_of,
    lang_of,
)
from dossier.validity import Document, expires_on, partner_months

KIND = "document_expiring"


@dataclass(frozen=True)
class Held:
    """A dated document the partner of a route holds, and the day it stops counting."""

    id: str
    kind: str
    filename: str
    issued_on: date
    ends: date


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _held(items: Iterable[Mapping[str, Any]], months: Mapping[str, int],
          required: set[str]) -> list[Held]:
    out = []
    for item in items:
        kind, issued = str(item.get("kind")), _date(item.get("issued_on"))
        ends = expires_on(Document(kind, issued), months) if kind in required else None
        if issued is not None and ends is not None:
            out.append(Held(str(item.get("id")), kind, str(item.get("filename") or ""),
                            issued, ends))
    return out


def threshold(ends: date, today: date, days: Sequence[int]) -> int | None:
    """The tightest reminder threshold reached by `today` (days before `ends`), if any; None
    once the document has expired (then it counts as missing: eligibility says so)."""
    left = (ends - today).days
    reached = [d for d in days if 0 < left <= d]
    return min(reached) if reached else None


def _open_routes(db: Session) -> list[tuple[Route, Dossier, list[Any]]]:
    """Open routes with the attachments of the version their partner has (or is being sent)."""
    number = func.coalesce(Route.delivered_version, Dossier.current_version)
    return [tuple(row) for row in db.execute(
        select(Route, Dossier, DossierVersion.attachments)
        .join(Dossier, Dossier.id == Route.dossier_id)
        .join(DossierVersion, and_(DossierVersion.dossier_id == Route.dossier_id,
                                   DossierVersion.number == number))
        .where(Route.state.in_([s.value for s in OPEN_STATES]))
        .order_by(Route.created_at, Route.id))]


def _sent_in_messages(db: Session, route_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """Attachments the founders sent in messages on these routes (a newer Kbis, say)."""
    ids: dict[uuid.UUID, set[str]] = defaultdict(set)
    for route_id, attached in db.execute(select(Message.route_id, Message.attachment_ids)
                                         .where(Message.route_id.in_(route_ids))):
        ids[route_id].update(str(a) for a in attached or [])
    wanted = {uuid.UUID(a) for found in ids.values() for a in found}
    rows = {str(a.id): a for a in db.scalars(select(Attachment).where(Attachment.id.in_(wanted)))
            } if wanted else {}
    return {route_id: [{"id": a.id, "kind": a.kind, "filename": a.filename,
                        "issued_on": a.issued_on.isoformat() if a.issued_on else None}
                       for a in (rows.get(x) for x in found) if a is not None]
            for route_id, found in ids.items()}


@dataclass(frozen=True)
class Due:
    """One document of one route whose reminder threshold is reached."""

    route: Route
    dossier: Dossier
    document: Held
    days: int


def _candidates(db: Session, today: date, days: Sequence[int]) -> list[tuple[Any, ...]]:
    """Open routes whose version holds a document reaching a threshold for the partner."""
    partners = {p.code: p for p in db.scalars(select(Partner))}
    found = []
    for route, dossier, attachments in _open_routes(db):
        partner = partners.get(route.partner_code)
        config = partner.config if partner else {}
        required = {str(k) for k in (config.get("required_attachments") or [])}
        months = partner_months(config)
        docs = _held(attachments or [], months, required)
        if any(threshold(d.ends, today, days) is not None for d in docs):
            found.append((route, dossier, docs, months, required))
    return found


def _latest(docs: Iterable[Held]) -> dict[str, date]:
    """The last day any document of each kind counts."""
    last: dict[str, date] = {}
    for doc in docs:
        last[doc.kind] = max(last.get(doc.kind, doc.ends), doc.ends)
    return last


def due(*, db: Session, today: date, days: Sequence[int]) -> list[Due]:
    """Documents of open routes that stop counting for their partner within a threshold, unless
    the partner already holds a document of the same kind that lasts longer (sent since in a
    message)."""
    candidates = _candidates(db, today, days)
    sent = _sent_in_messages(db, [c[0].id for c in candidates]) if candidates else {}
    out = []
    for route, dossier, docs, months, required in candidates:
        docs = docs + _held(sent.get(route.id, []), months, required)
        last = _latest(docs)
        for doc in docs:
            step = threshold(doc.ends, today, days)
            if step is not None and doc.ends == last[doc.kind]:
                out.append(Due(route, dossier, doc, step))
    return out


def _words(item: Due, partner: str, lang: str) -> tuple[str, str]:
    doc, company = item.document, _company(item.dossier, lang)
    last_day = format_date(doc.ends - timedelta(days=1), lang)
    kind = label("attachment_kind", doc.kind, lang, "founder")
    subject = gettext("{partner} will no longer accept the document “{filename}” after {date}",
                      lang).format(partner=partner, filename=doc.filename, date=last_day)
    body = _body(lang, gettext(
        "{partner} will no longer accept the document “{filename}” ({kind}, dated {issued}) of "
        "the {company} dossier after {date}: please upload a more recent one from your dossier "
        "and send it to {partner}.", lang).format(
            partner=partner, filename=doc.filename, kind=kind,
            issued=format_date(doc.issued_on, lang), company=company, date=last_day))
    return _clip(subject, 200), body


def _key(route: Route, item: Due, person: User) -> str:
    """Once per route, document, threshold and person (hex ids: the key holds 120 characters)."""
    document = item.document.id.replace("-", "")
    return f"expiry:{route.id.hex}:{document}:{item.days}:{person.id.hex}"


def notices(*, db: Session, now: datetime, policy: Policy) -> list[Notice]:
    """The expiry reminders due at `now`, one per founder, route, document and threshold."""
    found = due(db=db, today=paris(now).date(), days=policy.expiry_days)
    names = {code: name for code, name in db.execute(select(Partner.code, Partner.name))}
    people: dict[uuid.UUID, list[User]] = {}
    out = []
    for item in found:
        route = item.route
        if route.dossier_id not in people:
            people[route.dossier_id] = founders_of(db=db, dossier=item.dossier)
        for person in people[route.dossier_id]:
            subject, body = _words(item, names.get(route.partner_code, route.partner_code),
                                   lang_of(person))
            out.append(Notice(person.id, KIND, subject, body, route.id,
                              _key(route, item, person), founder_link(route)))
    return out


def pending(*, db: Session, now: datetime, policy: Policy) -> list[Notice]:
    """The expiry reminders due at `now` that do not exist yet."""
    found = notices(db=db, now=now, policy=policy)
    keys = [n.dedupe_key for n in found]
    existing: set[str | None] = set()
    for start in range(0, len(keys), 500):
        existing.update(db.scalars(select(Notification.dedupe_key)
                                   .where(Notification.dedupe_key.in_(keys[start:start + 500]))))
    return [n for n in found if n.dedupe_key not in existing]


def create_due(*, db: Session, now: datetime, policy: Policy) -> dict[str, int]:
    """Create the expiry reminders due at `now`, idempotently (their dedupe keys, even when two
    runs overlap); how many were made."""
    made = sum(add(db=db, notice=n) for n in pending(db=db, now=now, policy=policy))
    return {KIND: made} if made else {}
