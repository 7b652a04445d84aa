"""Notifications: SLA and information-request reminders, decision notices, the user's list."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dossier.catalogue import N_
from dossier.db import utcnow
from dossier.errors import NotFound
from dossier.i18n import register
from dossier.labels import label
from dossier.models import (
    Delivery,
    Dossier,
    Notification,
    Partner,
    Role,
    Route,
    RouteEvent,
    User,
)
from dossier.routing.machine import State
from dossier.routing.payloads import DECLINE_REASON_LABELS
from dossier.services.ids import parse_id
from dossier.sla import late_sql, sla_by_partner

NOTICE_EVENTS = ("approved", "declined", "info_requested")
REMINDERS = ("sla_reminder", "info_reminder")
REVIEWER_LINK = "/reviewer/routes/{route_id}"
FOUNDER_LINK = "/founder/dossiers/{dossier_id}"
STAFF_LINK = "/staff"
PARIS = ZoneInfo("Europe/Paris")
SIGNATURE = ("--\nDossier unique de financement — message automatique, merci de ne pas "
             "répondre. / Automatic message, please do not reply.")

register({"notification_not_found": N_("This notification does not exist or is not yours.")})


@dataclass(frozen=True)
class Policy:
    """When reminders fall due, how often they repeat, how far back notices and e-mails go."""

    every_days: int = 3
    info_after_days: int = 5
    lookback_days: int = 14
    mail_window_days: int = 3


@dataclass(frozen=True)
class Notice:
    """A notification to create; its dedupe key makes creating it twice a no-op."""

    user_id: uuid.UUID
    kind: str
    subject: str
    body: str
    route_id: uuid.UUID
    dedupe_key: str


def bucket(start: datetime, now: datetime, every_days: int) -> str:
    """The period of `now` counted from `start`, named by its first day (yyyy-mm-dd)."""
    period = timedelta(days=every_days)
    return (start + (now - start) // period * period).date().isoformat()


def _locale(lang: str) -> str:
    return "fr_FR" if lang == "fr" else "en"


def _day(at: datetime, lang: str) -> str:
    return format_date(at.astimezone(PARIS).date(), "long", locale=_locale(lang))


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _body(fr: str, en: str, link: str) -> str:
    return _clip(f"Bonjour,\n\n{fr}\n\n{link}\n\n(English) {en}\n\n{SIGNATURE}\n", 5000)


def _link(base: str, template: str, **ids: Any) -> str:
    return base.rstrip("/") + template.format(**ids)


def _amount(value: Any, lang: str) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format_currency(number, "EUR", locale=_locale(lang))


def sla_notices(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Late routes (see dossier.sla): one reminder per reviewer and period."""
    partners = {p.code: p for p in db.scalars(select(Partner))}
    sla = sla_by_partner(partners.values())
    if not sla:
        return []
    rows = db.execute(select(Route, Dossier.company_name)
                      .join(Dossier, Dossier.id == Route.dossier_id)
                      .where(Route.partner_code.in_(sla), late_sql(sla, now))
                      .order_by(Route.delivered_at)).all()
    if not rows:
        return []
    reviewers: dict[str, list[User]] = defaultdict(list)
    for user in db.scalars(select(User).where(
            User.role == Role.reviewer, User.active.is_(True),
            User.partner_code.in_({route.partner_code for route, _ in rows}))):
        reviewers[user.partner_code].append(user)
    notices = []
    for route, company in rows:
        days, partner = sla[route.partner_code], partners[route.partner_code].name
        company = company or "(sans nom)"
        period = bucket(route.delivered_at + timedelta(days=days), now, policy.every_days)
        waited = (now - route.delivered_at).days
        subject = _clip(f"Relance : le dossier {company} attend la réponse de {partner} "
                        f"depuis {waited} jours", 200)
        body = _body(
            f"Le dossier de financement de {company} a été transmis à {partner} le "
            f"{_day(route.delivered_at, 'fr')}. Il attend une réponse depuis {waited} jours, "
            f"au-delà du délai de traitement de {days} jours. Merci de l'examiner et d'y donner "
            f"suite :",
            f"{company}'s funding dossier was delivered to {partner} on "
            f"{_day(route.delivered_at, 'en')} and has waited {waited} days, past the {days}-day "
            f"review time. Please review it.",
            _link(link_base, REVIEWER_LINK, route_id=route.id))
        notices += [Notice(user.id, "sla_reminder", subject, body, route.id,
                           f"sla:{route.id}:{user.id}:{period}")
                    for user in reviewers[route.partner_code]]
    return notices


def info_notices(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Information requests the founder has left unanswered: one reminder per period."""
    rows = db.execute(select(Route, Dossier, Partner.name)
                      .join(Dossier, Dossier.id == Route.dossier_id)
                      .join(Partner, Partner.code == Route.partner_code)
                      .where(Route.state == State.info_requested.value)).all()
    if not rows:
        return []
    last: dict[uuid.UUID, RouteEvent] = {}
    for event in db.scalars(select(RouteEvent).where(
            RouteEvent.route_id.in_([route.id for route, _, _ in rows]),
            RouteEvent.type == "info_requested").order_by(RouteEvent.created_at)):
        last[event.route_id] = event
    after = timedelta(days=policy.info_after_days)
    notices = []
    for route, dossier, partner in rows:
        event = last.get(route.id)
        if event is None or now - event.created_at <= after:
            continue
        company = dossier.company_name or "(sans nom)"
        period = bucket(event.created_at + after, now, policy.every_days)
        message = _clip(str(event.payload.get("message") or ""), 1500)
        body = _body(
            f"{partner} vous a demandé un complément d'information le "
            f"{_day(event.created_at, 'fr')} pour le dossier {company}, et attend toujours "
            f"votre réponse :\n\n« {message} »\n\nRépondez depuis votre dossier :",
            f"{partner} asked you for more information on {_day(event.created_at, 'en')} "
            f"about {company} and is still waiting for your answer.",
            _link(link_base, FOUNDER_LINK, dossier_id=dossier.id))
        notices.append(Notice(dossier.owner_id, "info_reminder",
                              _clip(f"Relance : {partner} attend votre réponse pour {company}",
                                    200), body, route.id, f"info:{event.id}:{period}"))
    return notices


def _reason(code: Any, lang: str) -> str:
    """A decline reason in the founder's words, to sit inside a sentence."""
    known = isinstance(code, str) and code in DECLINE_REASON_LABELS
    words = label("decline_reason", code if known else "other", lang, "founder")
    return words[:1].lower() + words[1:]


def event_notice(event: RouteEvent, *, dossier: Dossier, partner: str,
                 link_base: str) -> Notice | None:
    """The founder's notice of a reviewer's decision or information request."""
    if event.type not in NOTICE_EVENTS:
        return None
    company, p = dossier.company_name or "(sans nom)", event.payload
    if event.type == "approved":
        amount = p.get("amount_eur")
        subject = f"{partner} a donné son accord pour {company}"
        fr = f"Bonne nouvelle : {partner} a donné son accord au financement de {company}"
        fr += f" pour {_amount(amount, 'fr')}." if amount else "."
        fr += f"\nConditions : {_clip(str(p['conditions']), 1500)}" if p.get("conditions") else ""
        en = f"{partner} approved {company}'s funding request"
        en += f" for {_amount(amount, 'en')}." if amount else "."
    elif event.type == "declined":
        fr_reason, en_reason = (_reason(p.get("reason"), lang) for lang in ("fr", "en"))
        subject = f"{partner} a décliné le dossier {company}"
        fr = f"{partner} a décliné la demande de financement de {company} (motif : {fr_reason})."
        fr += f"\n\n« {_clip(str(p['comment']), 1500)} »" if p.get("comment") else ""
        en = f"{partner} declined {company}'s funding request (reason: {en_reason})."
    else:
        subject = f"{partner} demande un complément pour le dossier {company}"
        fr = (f"{partner} vous demande un complément d'information pour le dossier {company} :"
              f"\n\n« {_clip(str(p.get('message') or ''), 1500)} »\n\nRépondez depuis votre "
              f"dossier :")
        en = f"{partner} asks you for more information about {company}."
    kind = "info_request" if event.type == "info_requested" else "decision"
    return Notice(dossier.owner_id, kind, _clip(subject, 200),
                  _body(fr, en, _link(link_base, FOUNDER_LINK, dossier_id=dossier.id)),
                  event.route_id, f"event:{event.id}")


def event_notices(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Recent decisions and information requests, announced to the founder once each."""
    rows = db.execute(select(RouteEvent, Dossier, Partner.name)
                      .join(Route, Route.id == RouteEvent.route_id)
                      .join(Dossier, Dossier.id == Route.dossier_id)
                      .join(Partner, Partner.code == Route.partner_code)
                      .where(RouteEvent.type.in_(NOTICE_EVENTS),
                             RouteEvent.created_at >= now - timedelta(days=policy.lookback_days))
                      .order_by(RouteEvent.created_at)).all()
    return [n for event, dossier, partner in rows
            if (n := event_notice(event, dossier=dossier, partner=partner, link_base=link_base))]


def pending(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Every notification due at `now` that does not exist yet."""
    notices = (sla_notices(db=db, now=now, policy=policy, link_base=link_base)
               + info_notices(db=db, now=now, policy=policy, link_base=link_base)
               + event_notices(db=db, now=now, policy=policy, link_base=link_base))
    keys = [n.dedupe_key for n in notices]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(db.scalars(select(Notification.dedupe_key)
                                   .where(Notification.dedupe_key.in_(keys[start:start + 500]))))
    return [n for n in notices if n.dedupe_key not in existing]


def add(*, db: Session, notice: Notice) -> bool:
    """Insert one notification unless its dedupe key exists (even if written concurrently)."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Notification.__table__).values(
        id=uuid.uuid4(), user_id=notice.user_id, kind=notice.kind, subject=notice.subject,
        body=notice.body, route_id=notice.route_id, dedupe_key=notice.dedupe_key,
        created_at=utcnow()).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.execute(stmt.returning(Notification.__table__.c.id)).first() is not None


def delivery_failed(*, db: Session, delivery: Delivery, route: Route, link_base: str) -> int:
    """Tell every active staff user that a delivery failed for good; once each (dedupe key)."""
    company = db.scalar(select(Dossier.company_name).where(Dossier.id == route.dossier_id))
    company = company or "(sans nom)"
    partner = db.scalar(select(Partner.name).where(Partner.code == delivery.partner_code))
    partner = partner or delivery.partner_code
    error = _clip(delivery.last_error or "", 500)
    subject = _clip(f"Échec d'envoi : le dossier {company} n'a pas pu être transmis à "
                    f"{partner}", 200)
    body = _body(
        f"Le dossier de {company} n'a pas pu être transmis à {partner} ({delivery.channel}) "
        f"après {delivery.attempts} tentative(s). Dernière erreur :\n\n« {error} »\n\n"
        f"Aucun nouvel essai automatique n'aura lieu. Vérifiez la configuration d'envoi du "
        f"partenaire :",
        f"{company}'s dossier could not be delivered to {partner} ({delivery.channel}) "
        f"after {delivery.attempts} attempt(s); no further attempt will be made. Last error: "
        f"{error}. Check the partner's delivery configuration.",
        _link(link_base, STAFF_LINK))
    staff = db.scalars(select(User.id).where(User.role == Role.staff, User.active.is_(True)))
    return sum(add(db=db, notice=Notice(user_id, "delivery_failed", subject, body, route.id,
                                        f"delivery:{delivery.id}:{user_id}"))
               for user_id in staff)


def create_due(*, db: Session, now: datetime, policy: Policy, link_base: str) -> dict[str, int]:
    """Create what is due at `now`, idempotently; the count created of each kind."""
    counts: dict[str, int] = defaultdict(int)
    reminded = set()
    for notice in pending(db=db, now=now, policy=policy, link_base=link_base):
        if add(db=db, notice=notice):
            counts[notice.kind] += 1
            if notice.kind in REMINDERS:
                reminded.add(notice.route_id)
    if reminded:
        db.execute(update(Route).where(Route.id.in_(reminded)).values(reminded_at=now))
    return dict(counts)


def anything_due(*, db: Session, now: datetime, policy: Policy, link_base: str,
                 mail: bool) -> bool:
    """Whether a reminders run would do anything (a cheap check before starting one)."""
    if mail and unsent(db=db, now=now, policy=policy, limit=1):
        return True
    return bool(pending(db=db, now=now, policy=policy, link_base=link_base))


def unsent(*, db: Session, now: datetime, policy: Policy, limit: int = 200) -> list[uuid.UUID]:
    """Recent notifications not yet e-mailed nor read in the app, oldest first."""
    return list(db.scalars(select(Notification.id).where(
        Notification.emailed_at.is_(None), Notification.read_at.is_(None),
        Notification.created_at >= now - timedelta(days=policy.mail_window_days))
        .order_by(Notification.created_at, Notification.id).limit(limit)))


def claim_for_mail(*, db: Session, notification_id: uuid.UUID) -> tuple[Notification, str] | None:
    """The unsent notification and its recipient's address, locked until the transaction ends."""
    row = db.execute(select(Notification, User.email)
                     .join(User, User.id == Notification.user_id)
                     .where(Notification.id == notification_id,
                            Notification.emailed_at.is_(None), User.active.is_(True))
                     .with_for_update(of=Notification, skip_locked=True)).first()
    return (row[0], row[1]) if row else None


def mark_emailed(*, db: Session, notification: Notification, now: datetime | None = None) -> None:
    """Record that the e-mail has been handed to the SMTP server."""
    notification.emailed_at = now or utcnow()
    db.flush()


def for_user(*, db: Session, user: User, unread: bool | None = None, page: int = 1,
             page_size: int = 50) -> tuple[list[Notification], int]:
    """The user's own notifications, newest first, and how many are unread."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread
                          else Notification.read_at.is_not(None))
    items = list(db.scalars(stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)))
    count = db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))
    return items, count or 0


def mark_read(*, db: Session, user: User, notification_id: Any,
              now: datetime | None = None) -> Notification:
    """Mark one of the user's notifications read; anyone else's is NotFound."""
    row = db.get(Notification, parse_id(notification_id, "notification_not_found"))
    if row is None or row.user_id != user.id:
        raise NotFound("notification_not_found")
    if row.read_at is None:
        row.read_at = now or utcnow()
        db.flush()
    return row


def view(row: Notification) -> dict[str, Any]:
    """The public shape of a notification."""
    return {"id": str(row.id), "kind": row.kind, "subject": row.subject, "body": row.body,
            "route_id": str(row.route_id) if row.route_id else None,
            "created_at": row.created_at.isoformat(),
            "read_at": row.read_at.isoformat() if row.read_at else None,
            "emailed_at": row.emailed_at.isoformat() if row.emailed_at else None}
