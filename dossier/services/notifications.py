"""Notifications: what waits for each person, created with the event that causes it, the
SLA and information-request reminders, the user's list, and what the e-mail sender sends.

The one home of who is told what: `on_event` is called by every transition of a route
(`dossier.services.routes.fire`), in the event's own transaction; a dedupe key per event and
recipient makes creating a notice twice a no-op. Texts come from the catalogue, in the
recipient's language.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import InvalidOperation
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dossier.catalogue import N_, gettext, ngettext
from dossier.db import utcnow
from dossier.errors import NotFound
from dossier.formatting import fill, format_date, format_money
from dossier.i18n import register
from dossier.labels import label
from dossier.models import (
    Attachment,
    Delivery,
    Dossier,
    DossierMember,
    Message,
    Notification,
    Opinion,
    Partner,
    Role,
    Route,
    RouteEvent,
    User,
)
from dossier.routing.machine import State
from dossier.routing.payloads import (
    DECLINE_REASON_LABELS,
    REQUEST_KIND_LABELS,
    Recommendation,
)
from dossier.services import outdated
from dossier.services.decisions import broken_by
from dossier.services.ids import parse_id
from dossier.sla import late_sql, sla_by_partner
from dossier.validity import REMIND_DAYS_BEFORE

REMINDERS = ("sla_reminder", "info_reminder")
REVIEWER_LINK = "/reviewer/routes/{route_id}"
FOUNDER_LINK = "/founder/dossiers/{dossier_id}"
STAFF_LINK = "/staff"
SETTINGS_LINK = "/account/notifications"  # where a person turns the e-mails off

register({"notification_not_found": N_("This notification does not exist or is not yours.")})


@dataclass(frozen=True)
class Policy:
    """When reminders fall due, how often they repeat, how far back e-mails go."""

    every_days: int = 3
    info_after_days: int = 5
    lookback_days: int = 14
    mail_window_days: int = 3
    # days before a document stops counting for a partner that its founders are told (expiry.py)
    expiry_days: tuple[int, ...] = (REMIND_DAYS_BEFORE, 3)


def current_policy() -> Policy:
    """The policy the environment sets (INFO_REMINDER_DAYS, REMINDER_EVERY_DAYS, as the
    reminders run reads them), for the dates the pages and notices announce."""
    def days(name: str, default: int) -> int:
        try:
            value = int(os.environ.get(name, default))
        except ValueError:
            return default
        return value if 1 <= value <= 365 else default
    return Policy(every_days=days("REMINDER_EVERY_DAYS", 3),
                  info_after_days=days("INFO_REMINDER_DAYS", 5))


@dataclass(frozen=True)
class Notice:
    """A notification to create; its dedupe key makes creating it twice a no-op.

    `link` is the page it is about, relative to the site; a notice without one carries its
    link in its body. `calendar`: an iCalendar invitation its e-mail carries."""

    user_id: uuid.UUID
    kind: str
    subject: str
    body: str
    route_id: uuid.UUID | None
    dedupe_key: str
    link: str | None = None
    calendar: str | None = None


def bucket(start: datetime, now: datetime, every_days: int) -> str:
    """The period of `now` counted from `start`, named by its first day (yyyy-mm-dd)."""
    period = timedelta(days=every_days)
    return (start + (now - start) // period * period).date().isoformat()


def lang_of(user: User | None) -> str:
    """The language of a person's notifications (French unless they chose English)."""
    return "en" if user is not None and user.language == "en" else "fr"


def _day(at: datetime, lang: str) -> str:
    return format_date(at, lang)


def _days(n: int, lang: str) -> str:
    return ngettext("{n} day", "{n} days", n, lang).format(n=n)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _quote(text: Any, lang: str, size: int = 1500) -> str:
    return gettext("“{text}”", lang).format(text=_clip(str(text or ""), size))


def _body(lang: str, *paragraphs: str) -> str:
    """The text of a notice: a greeting, then its paragraphs (the e-mail adds link and
    signature)."""
    return _clip("\n\n".join([gettext("Hello,", lang), *[p for p in paragraphs if p]]), 5000)


def _amount(value: Any, lang: str) -> str:
    try:
        return format_money(str(value), lang)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _company(dossier: Dossier | None, lang: str) -> str:
    name = dossier.company_name if dossier is not None else None
    return name or gettext("Unnamed company", lang)


def founder_link(route: Route) -> str:
    """The founder's page of a route: the partner's part of the dossier's status page."""
    return FOUNDER_LINK.format(dossier_id=route.dossier_id) + f"#route-{route.id}"


def reviewer_link(route: Route, anchor: str = "") -> str:
    """The partner's page of a route."""
    return REVIEWER_LINK.format(route_id=route.id) + anchor


# --- notices of events, created in the event's transaction ------------------------------

def reviewers_of(*, db: Session, route: Route) -> list[User]:
    """Who at the partner should hear of the founder's side: the reviewer in charge of the
    route, or every active reviewer of the partner when nobody is (its committee members
    hear of what the committee decides: see `committee_of`)."""
    if route.assigned_to_id is not None:
        person = db.get(User, route.assigned_to_id)
        if person is not None and person.active and person.partner_code == route.partner_code:
            return [person]
    return list(db.scalars(select(User).where(
        User.role == Role.reviewer, User.partner_code == route.partner_code,
        User.active.is_(True), User.committee.is_(False)).order_by(User.email)))


def committee_of(*, db: Session, partner_code: str) -> list[User]:
    """The partner's committee members: its active reviewers who sit on its committee."""
    return list(db.scalars(select(User).where(
        User.role == Role.reviewer, User.partner_code == partner_code,
        User.active.is_(True), User.committee.is_(True)).order_by(User.email)))


def _last_message(db: Session, route: Route, role: str) -> Message | None:
    """The latest message written on the route by this side (the one an event is about)."""
    return db.scalars(select(Message).where(Message.route_id == route.id,
                                            Message.author_role == role)
                      .order_by(Message.created_at.desc(), Message.id.desc()).limit(1)).first()


def _files(db: Session, message: Message | None, lang: str) -> str:
    """"Attached documents: a.pdf, b.xlsx" for a message with documents, else ""."""
    if message is None or not message.attachment_ids:
        return ""
    keys = [parse_id(a, "attachment_not_found") for a in message.attachment_ids]
    names = list(db.scalars(select(Attachment.filename).where(Attachment.id.in_(keys))
                            .order_by(Attachment.filename)))
    if not names:
        return ""
    return gettext("Attached documents: {names}", lang).format(names=", ".join(names))


def _reason(code: Any, lang: str) -> str:
    """A decline reason in the founder's words, to sit inside a sentence."""
    known = isinstance(code, str) and code in DECLINE_REASON_LABELS
    words = label("decline_reason", code if known else "other", lang, "founder")
    return words[:1].lower() + words[1:]


def _request_kind(code: Any, lang: str) -> str:
    known = isinstance(code, str) and code in REQUEST_KIND_LABELS
    return label("request_kind", code, lang, "founder").lower() if known else ""


@dataclass(frozen=True)
class Context:
    """What the texts of one event's notices name."""

    db: Session
    route: Route
    event: RouteEvent
    dossier: Dossier
    partner: str
    policy: Policy


def _info_request(c: Context, lang: str) -> tuple[str, str]:
    p, company = c.event.payload or {}, _company(c.dossier, lang)
    kind = _request_kind(p.get("request_kind"), lang)
    due = answer_due(c.event.created_at, c.policy)
    intro = (gettext("{partner} asks you for more information about the {company} dossier "
                     "({kind}):", lang) if kind else
             gettext("{partner} asks you for more information about the {company} dossier:",
                     lang))
    return (gettext("{partner} asks for more information about the {company} dossier", lang)
            .format(partner=c.partner, company=company),
            _body(lang, intro.format(partner=c.partner, company=company, kind=kind),
                  _quote(p.get("message"), lang),
                  outdated.describe(p.get("document"), c.partner, lang),
                  gettext("Please answer before {date}, from your dossier.", lang)
                  .format(date=_day(due, lang))))


def _approved(c: Context, lang: str) -> tuple[str, str]:
    p, company = c.event.payload or {}, _company(c.dossier, lang)
    amount = p.get("amount_eur")
    text = (gettext("Good news: {partner} approved the funding of the {company} dossier, for "
                    "{amount}.", lang) if amount else
            gettext("Good news: {partner} approved the funding of the {company} dossier.",
                    lang)).format(partner=c.partner, company=company,
                                  amount=_amount(amount, lang) if amount else "")
    conditions = (gettext("Conditions: {conditions}", lang).format(
        conditions=_clip(str(p["conditions"]), 1500)) if p.get("conditions") else "")
    return (gettext("{partner} approved the {company} dossier", lang)
            .format(partner=c.partner, company=company), _body(lang, text, conditions))


def _declined(c: Context, lang: str) -> tuple[str, str]:
    p, company = c.event.payload or {}, _company(c.dossier, lang)
    text = gettext("{partner} declined the funding request of the {company} dossier (reason: "
                   "{reason}).", lang).format(partner=c.partner, company=company,
                                              reason=_reason(p.get("reason"), lang))
    return (gettext("{partner} declined the {company} dossier", lang)
            .format(partner=c.partner, company=company),
            _body(lang, text, _quote(p["comment"], lang) if p.get("comment") else ""))


def _partner_wrote(c: Context, lang: str) -> tuple[str, str]:
    company = _company(c.dossier, lang)
    message = _last_message(c.db, c.route, Role.reviewer.value)
    return (gettext("{partner} wrote to you about the {company} dossier", lang)
            .format(partner=c.partner, company=company),
            _body(lang, gettext("{partner} wrote to you about the {company} dossier:", lang)
                  .format(partner=c.partner, company=company),
                  _quote(message.body if message else "", lang),
                  _files(c.db, message, lang),
                  gettext("You can answer from your dossier.", lang)))


def _founder_wrote(c: Context, lang: str) -> tuple[str, str]:
    company = _company(c.dossier, lang)
    message = _last_message(c.db, c.route, Role.founder.value)
    return (gettext("The founder wrote about the {company} dossier", lang)
            .format(company=company),
            _body(lang, gettext("The founder of the {company} dossier wrote to {partner}:",
                                lang).format(partner=c.partner, company=company),
                  _quote(message.body if message else "", lang),
                  _files(c.db, message, lang),
                  gettext("Answer from the dossier page.", lang)))


def _answered(c: Context, lang: str) -> tuple[str, str]:
    company, p = _company(c.dossier, lang), c.event.payload or {}
    subject = gettext("The founder answered your request about the {company} dossier",
                      lang).format(company=company)
    if p.get("by") == "amendment":
        return subject, _body(lang, gettext(
            "The founder answered your request for more information about the {company} "
            "dossier by amending it (version {version}); it will reach you shortly.",
            lang).format(company=company, version=p.get("version", "")))
    message = _last_message(c.db, c.route, Role.founder.value)
    return (subject,
            _body(lang, gettext("The founder answered your request for more information "
                                "about the {company} dossier:", lang).format(company=company),
                  _quote(message.body if message else "", lang),
                  _files(c.db, message, lang)))


def _delivered(c: Context, lang: str) -> tuple[str, str]:
    company = _company(c.dossier, lang)
    return (gettext("New dossier: {company}", lang).format(company=company),
            _body(lang, gettext("The funding dossier of {company} has been delivered to "
                                "{partner}. It is waiting for your review in your inbox.",
                                lang).format(company=company, partner=c.partner)))


def _new_version(c: Context, lang: str) -> tuple[str, str]:
    company, version = _company(c.dossier, lang), (c.event.payload or {}).get("version", "")
    return (gettext("The {company} dossier was amended (version {version})", lang)
            .format(company=company, version=version),
            _body(lang, gettext("The founder amended the {company} dossier: {partner} has "
                                "received version {version}. The dossier page shows what "
                                "changed.", lang)
                  .format(company=company, partner=c.partner, version=version)))


def _accepted(c: Context, lang: str) -> tuple[str, str]:
    company = _company(c.dossier, lang)
    return (gettext("The {company} dossier: your offer was accepted", lang)
            .format(company=company),
            _body(lang, gettext("The founder of {company} accepted the offer of {partner}. "
                                "Record the tranches as they are paid out, from the dossier "
                                "page.", lang).format(company=company, partner=c.partner)))


def _disbursed(c: Context, lang: str) -> tuple[str, str]:
    p, company = c.event.payload or {}, _company(c.dossier, lang)
    amount = _amount(p.get("amount_eur"), lang)
    return (gettext("{partner} paid out {amount} for the {company} dossier", lang)
            .format(partner=c.partner, amount=amount, company=company),
            _body(lang, gettext("{partner} recorded a tranche of {amount} paid out on "
                                "{date} for the {company} dossier.", lang)
                  .format(partner=c.partner, amount=amount, company=company,
                          date=format_date(p["date"], lang) if p.get("date") else "")))


def _revised(c: Context, lang: str) -> tuple[str, str]:
    p, company = c.event.payload or {}, _company(c.dossier, lang)
    return (gettext("{partner} revised its decision on the {company} dossier", lang)
            .format(partner=c.partner, company=company),
            _body(lang, gettext("{partner} revised its decision on the {company} dossier, "
                                "for this reason:", lang)
                  .format(partner=c.partner, company=company),
                  _quote(p.get("reason"), lang),
                  gettext("The dossier page shows the new decision.", lang)))


def condition_failed(*, db: Session, route: Route, event: RouteEvent) -> int:
    """`route`'s partner said no (or less than asked): tell the founder, the partners whose
    approval depended on it, and staff; once per condition and person."""
    told = 0
    for broken in broken_by(db=db, route=route):
        dossier = db.get(Dossier, broken.dossier_id)
        names = dict(db.execute(select(Partner.code, Partner.name).where(
            Partner.code.in_([broken.partner_code, route.partner_code]))).all())
        people = [(p, founder_link(broken)) for p in founders_of(db=db, dossier=dossier)]
        people += [(p, reviewer_link(broken)) for p in reviewers_of(db=db, route=broken)]
        people += [(p, STAFF_LINK) for p in db.scalars(select(User).where(
            User.role == Role.staff, User.active.is_(True)))]
        for person, link in people:
            lang = lang_of(person)
            words = {"company": _company(dossier, lang),
                     "partner": names.get(broken.partner_code, broken.partner_code),
                     "other": names.get(route.partner_code, route.partner_code)}
            subject = gettext("Condition failed: {partner}'s approval for {company} depended "
                              "on {other}", lang).format(**words)
            body = _body(lang, gettext(
                "{partner} approved the {company} dossier on condition that {other} approves "
                "it too. {other} has not: the condition failed, and the approval of {partner} "
                "no longer holds as it stands. {partner} may revise its decision; the founder "
                "may turn to other partners.", lang).format(**words))
            told += add(db=db, notice=Notice(
                person.id, "condition_failed", _clip(subject, 200), body, broken.id,
                f"condition:{broken.id}:{route.partner_code}:{person.id}", link))
    return told


def _terms(p: dict[str, Any], lang: str) -> str:
    """Proposed terms in one line: instrument, amount, duration."""
    parts = [label("instrument", p["instrument"], lang, "reviewer")] if p.get("instrument") else []
    if p.get("amount_eur"):
        parts.append(_amount(p["amount_eur"], lang))
    if p.get("duration_months"):
        parts.append(_months(int(p["duration_months"]), lang))
    return ", ".join(parts)


def _months(n: int, lang: str) -> str:
    return ngettext("{n} month", "{n} months", n, lang).format(n=n)


def _committee_day(c: Context, lang: str) -> str:
    day = (c.event.payload or {}).get("committee_date")
    return format_date(day, lang) if day else ""


def _before_committee(c: Context, lang: str) -> tuple[str, str]:
    names = {"partner": c.partner, "company": _company(c.dossier, lang),
             "date": _committee_day(c, lang)}
    return (fill(gettext("{partner} puts the {company} dossier before its committee", lang),
                 lang, **names),
            _body(lang, fill(gettext("{partner} will present the {company} dossier to its "
                                     "committee on {date}. You will be told of its decision.",
                                     lang), lang, **names)))


def _for_committee(c: Context, lang: str) -> tuple[str, str]:
    p = c.event.payload or {}
    who = c.db.get(User, c.event.actor_id) if c.event.actor_id else None
    names = {"partner": c.partner, "company": _company(c.dossier, lang),
             "date": _committee_day(c, lang),
             "reviewer": (who.full_name or who.email) if who else c.partner}
    text = (gettext("{reviewer} recommends approving the {company} dossier to the committee "
                    "of {date}.", lang)
            if p.get("recommendation") == Recommendation.approve else
            gettext("{reviewer} recommends declining the {company} dossier to the committee "
                    "of {date}.", lang))
    terms = _terms(p, lang)
    return (fill(gettext("For the {partner} committee: the {company} dossier", lang), lang,
                 **names),
            _body(lang, fill(text, lang, **names),
                  gettext("Proposed terms: {terms}", lang).format(terms=terms) if terms else "",
                  _quote(p["comment"], lang) if p.get("comment") else "",
                  gettext("Record the committee's decision and its minutes from the dossier "
                          "page.", lang)))


@dataclass(frozen=True)
class Rule:
    """Who hears of an event, under which kind, with which words, pointing where."""

    kind: str
    to_founder: bool
    words: Any
    anchor: str = ""
    to_committee: bool = False  # the partner's committee members rather than its reviewers


# event type (and, for messages, the author's side) -> the notice it makes
RULES: dict[tuple[str, str | None], Rule] = {
    ("info_requested", None): Rule("info_request", True, _info_request),
    ("approved", None): Rule("decision", True, _approved),
    ("declined", None): Rule("decision", True, _declined),
    ("message", Role.reviewer.value): Rule("message", True, _partner_wrote),
    ("message", Role.founder.value): Rule("message", False, _founder_wrote, "#messages"),
    ("info_answered", None): Rule("info_answered", False, _answered, "#messages"),
    ("updated", None): Rule("new_version", False, _new_version, "#changes"),
    ("delivered", None): Rule("new_dossier", False, _delivered),
    ("accepted", None): Rule("decision", False, _accepted),
    ("disbursed", None): Rule("disbursement", True, _disbursed),
    ("revised", None): Rule("decision", True, _revised),
    ("recommended", None): Rule("committee_date", True, _before_committee),
    ("recommended", Role.reviewer.value): Rule("committee_agenda", False, _for_committee,
                                               "#committee", to_committee=True),
}
# events after which another partner's conditional approval may have failed
BREAKING = frozenset({"declined", "withdrawn", "revised", "approved"})


def rules_for(event: RouteEvent) -> list[Rule]:
    """Every notice an event makes: for everyone's side, and for the actor's side."""
    return [r for r in (RULES.get((event.type, None)), RULES.get((event.type, event.actor_role)))
            if r is not None]


def on_event(*, db: Session, route: Route, event: RouteEvent,
             policy: Policy | None = None) -> int:
    """Tell the people an event waits on, in its own transaction; the number told."""
    if event.type in BREAKING:
        condition_failed(db=db, route=route, event=event)
    if event.type == "withdrawn":
        forget_partner(db=db, route=route)
        return 0
    rules = rules_for(event)
    dossier = db.get(Dossier, route.dossier_id) if rules else None
    if dossier is None:
        return 0
    partner = db.scalar(select(Partner.name).where(Partner.code == route.partner_code))
    context = Context(db, route, event, dossier, partner or route.partner_code,
                      policy or current_policy())
    return sum(_tell(context, rule) for rule in rules)


def _tell(context: Context, rule: Rule) -> int:
    """Create one rule's notices of an event; the number told."""
    db, route, dossier, event = context.db, context.route, context.dossier, context.event
    if rule.to_founder:
        people, link = founders_of(db=db, dossier=dossier), founder_link(route)
    elif rule.to_committee:
        people = committee_of(db=db, partner_code=route.partner_code)
        link = reviewer_link(route, rule.anchor)
    else:
        people, link = reviewers_of(db=db, route=route), reviewer_link(route, rule.anchor)
    told = 0
    for person in people:
        if person.id == event.actor_id:
            continue
        subject, body = rule.words(context, lang_of(person))
        told += add(db=db, notice=Notice(person.id, rule.kind, _clip(subject, 200), body,
                                         route.id, f"event:{event.id}:{person.id}", link))
    return told


def founders_of(*, db: Session, dossier: Dossier) -> list[User]:
    """The dossier's owner and its co-founders (members), the people founder notices go to."""
    members = select(DossierMember.user_id).where(DossierMember.dossier_id == dossier.id)
    return list(db.scalars(select(User).where(
        or_(User.id == dossier.owner_id, User.id.in_(members)), User.active.is_(True))
        .order_by(User.email)))


def forget_partner(*, db: Session, route: Route) -> None:
    """The founder withdrew the dossier from a partner: its reviewers lose what they were
    told about it with their access (names, messages)."""
    reviewers = select(User.id).where(User.role == Role.reviewer,
                                      User.partner_code == route.partner_code)
    db.execute(delete(Notification).where(Notification.route_id == route.id,
                                          Notification.user_id.in_(reviewers))
               .execution_options(synchronize_session=False))


def opinion_received(*, db: Session, opinion: Opinion, route: Route) -> int:
    """The expert answered: the reviewer who asked hears it (the partner's reviewers when that
    reviewer is gone), once each. Not a route event: an opinion is never the founder's."""
    inviter = db.get(User, opinion.invited_by) if opinion.invited_by else None
    people = ([inviter] if inviter is not None and inviter.active
              and inviter.partner_code == route.partner_code
              else reviewers_of(db=db, route=route))
    dossier = db.get(Dossier, route.dossier_id)
    told = 0
    for person in people:
        lang = lang_of(person)
        company = _company(dossier, lang)
        subject = gettext("{email} gave an opinion on the {company} dossier", lang).format(
            email=opinion.email, company=company)
        body = _body(lang, gettext("The expert you invited, {email}, gave an opinion on the "
                                   "{company} dossier:", lang).format(email=opinion.email,
                                                                      company=company),
                     _quote(opinion.answer, lang),
                     gettext("The opinion is seen only by the reviewers of your institution.",
                             lang))
        told += add(db=db, notice=Notice(person.id, "opinion", _clip(subject, 200), body,
                                         route.id, f"opinion:{opinion.id}:{person.id}",
                                         reviewer_link(route, "#opinions")))
    return told


def delivery_failed(*, db: Session, delivery: Delivery, route: Route, link_base: str) -> int:
    """Tell every active staff user that a delivery failed for good; once each (dedupe key)."""
    dossier = db.get(Dossier, route.dossier_id)
    partner = db.scalar(select(Partner.name).where(Partner.code == delivery.partner_code))
    partner = partner or delivery.partner_code
    error = _clip(delivery.last_error or "", 500)
    told = 0
    for person in db.scalars(select(User).where(User.role == Role.staff, User.active.is_(True))):
        lang = lang_of(person)
        company = _company(dossier, lang)
        subject = gettext("Delivery failed: the {company} dossier could not be sent to "
                          "{partner}", lang).format(company=company, partner=partner)
        body = _body(lang, ngettext(
            "The {company} dossier could not be delivered to {partner} ({channel}) after "
            "{count} attempt. Last error:",
            "The {company} dossier could not be delivered to {partner} ({channel}) after "
            "{count} attempts. Last error:", delivery.attempts, lang).format(
                company=company, partner=partner, channel=delivery.channel,
                count=delivery.attempts),
            _quote(error, lang, 500),
            gettext("No further automatic attempt will be made. Check the partner's delivery "
                    "settings.", lang))
        told += add(db=db, notice=Notice(person.id, "delivery_failed", _clip(subject, 200), body,
                                         route.id, f"delivery:{delivery.id}:{person.id}",
                                         STAFF_LINK))
    return told


# --- reminders, created by the reminders run ---------------------------------------------

def sla_notices(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Late routes (see dossier.sla): one reminder per reviewer and period."""
    partners = {p.code: p for p in db.scalars(select(Partner))}
    sla = sla_by_partner(partners.values())
    if not sla:
        return []
    rows = db.execute(select(Route, Dossier)
                      .join(Dossier, Dossier.id == Route.dossier_id)
                      .where(Route.partner_code.in_(sla), late_sql(sla, now))
                      .order_by(Route.delivered_at)).all()
    if not rows:
        return []
    reviewers: dict[str, list[User]] = defaultdict(list)
    for user in db.scalars(select(User).where(
            User.role == Role.reviewer, User.active.is_(True), User.committee.is_(False),
            User.partner_code.in_({route.partner_code for route, _ in rows}))):
        reviewers[user.partner_code].append(user)
    notices = []
    for route, dossier in rows:
        days, partner = sla[route.partner_code], partners[route.partner_code].name
        period = bucket(route.delivered_at + timedelta(days=days), now, policy.every_days)
        waited = (now - route.delivered_at).days
        for user in reviewers[route.partner_code]:
            lang = lang_of(user)
            company = _company(dossier, lang)
            subject = gettext("Reminder: the {company} dossier has been waiting for your answer "
                              "for {days}", lang).format(company=company,
                                                         days=_days(waited, lang))
            body = _body(lang, gettext(
                "The {company} funding dossier was delivered to {partner} on {date}. It has "
                "been waiting for an answer for {days}, past the agreed review time ({sla}). "
                "Please review it and follow it up.", lang).format(
                    company=company, partner=partner, date=_day(route.delivered_at, lang),
                    days=_days(waited, lang), sla=_days(days, lang)))
            notices.append(Notice(user.id, "sla_reminder", _clip(subject, 200), body, route.id,
                                  f"sla:{route.id}:{user.id}:{period}", reviewer_link(route)))
    return notices


def info_notices(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Information requests the founder has left unanswered: one reminder per period."""
    rows = db.execute(select(Route, Dossier, Partner.name, User)
                      .join(Dossier, Dossier.id == Route.dossier_id)
                      .join(Partner, Partner.code == Route.partner_code)
                      .join(User, User.id == Dossier.owner_id)
                      .where(Route.state == State.info_requested.value)).all()
    if not rows:
        return []
    last = last_requests(db=db, route_ids=[route.id for route, *_ in rows])
    after = timedelta(days=policy.info_after_days)
    notices = []
    for route, dossier, partner, owner in rows:
        event = last.get(route.id)
        if event is None or now - event.created_at <= after:
            continue
        lang = lang_of(owner)
        company = _company(dossier, lang)
        period = bucket(event.created_at + after, now, policy.every_days)
        body = _body(lang, gettext(
            "{partner} asked you for more information on {date} about the {company} dossier, "
            "and is still waiting for your answer:", lang).format(
                partner=partner, date=_day(event.created_at, lang), company=company),
            _quote(event.payload.get("message"), lang),
            gettext("Please answer from your dossier.", lang))
        subject = gettext("Reminder: {partner} is waiting for your answer about the {company} "
                          "dossier", lang).format(partner=partner, company=company)
        notices.append(Notice(owner.id, "info_reminder", _clip(subject, 200), body, route.id,
                              f"info:{event.id}:{period}", founder_link(route)))
    return notices


def last_requests(*, db: Session, route_ids: list[uuid.UUID]) -> dict[uuid.UUID, RouteEvent]:
    """The latest information request of each route."""
    last: dict[uuid.UUID, RouteEvent] = {}
    for start in range(0, len(route_ids), 500):
        for event in db.scalars(select(RouteEvent).where(
                RouteEvent.route_id.in_(route_ids[start:start + 500]),
                RouteEvent.type == "info_requested").order_by(RouteEvent.created_at)):
            last[event.route_id] = event
    return last


def answer_due(requested_at: datetime, policy: Policy) -> datetime:
    """The day by which the founder is expected to answer a request (reminders start then)."""
    return requested_at + timedelta(days=policy.info_after_days)


def answers_due(*, db: Session, dossier_ids: Iterable[uuid.UUID],
                policy: Policy) -> dict[uuid.UUID, tuple[datetime, str]]:
    """For each of these dossiers with an open information request, the earliest date an
    answer is expected by, and the code of the partner that asked."""
    rows = list(db.scalars(select(Route).where(Route.dossier_id.in_(list(dossier_ids)),
                                               Route.state == State.info_requested.value)))
    last = last_requests(db=db, route_ids=[r.id for r in rows])
    due: dict[uuid.UUID, tuple[datetime, str]] = {}
    for route in rows:
        if (event := last.get(route.id)) is not None:
            when = (answer_due(event.created_at, policy), route.partner_code)
            due[route.dossier_id] = min(due.get(route.dossier_id, when), when)
    return due


def pending(*, db: Session, now: datetime, policy: Policy, link_base: str) -> list[Notice]:
    """Every reminder due at `now` that does not exist yet (notices of events are made with
    their event)."""
    notices = (sla_notices(db=db, now=now, policy=policy, link_base=link_base)
               + info_notices(db=db, now=now, policy=policy, link_base=link_base))
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
        link=notice.link, calendar=notice.calendar, created_at=utcnow()).on_conflict_do_nothing(
            index_elements=["dedupe_key"])
    return db.execute(stmt.returning(Notification.__table__.c.id)).first() is not None


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


# --- e-mail --------------------------------------------------------------------------------

def unsent(*, db: Session, now: datetime, policy: Policy, limit: int = 200) -> list[uuid.UUID]:
    """Recent notifications not yet e-mailed nor read in the app, of people who take
    e-mails, oldest first."""
    return list(db.scalars(select(Notification.id)
                           .join(User, User.id == Notification.user_id)
                           .where(Notification.emailed_at.is_(None),
                                  Notification.read_at.is_(None),
                                  User.email_notifications.is_(True), User.active.is_(True),
                                  Notification.created_at >= now - timedelta(
                                      days=policy.mail_window_days))
                           .order_by(Notification.created_at, Notification.id).limit(limit)))


@dataclass(frozen=True)
class Mail:
    """One notification as the e-mail sender sends it."""

    notification: Notification
    address: str
    subject: str
    text: str
    calendar: str | None = None  # an iCalendar invitation to attach


def mail_text(row: Notification, *, link_base: str, lang: str) -> str:
    """The e-mail's text: the notice, the absolute link of its page, the signature."""
    if not row.link:
        return row.body  # written with its link and signature inside
    base = link_base.rstrip("/")
    return (f"{row.body}\n\n{base}{row.link}\n\n"
            "--\n" + gettext("One funding dossier — automatic message, please do not reply.",
                             lang) + "\n"
            + gettext("To stop these e-mails: {link}", lang).format(link=f"{base}{SETTINGS_LINK}")
            + "\n")


def claim_for_mail(*, db: Session, notification_id: uuid.UUID,
                   link_base: str = "") -> Mail | None:
    """The unsent notification ready to e-mail, locked until the transaction ends; None if it
    was sent meanwhile, or its recipient is gone or turned e-mails off."""
    row = db.execute(select(Notification, User)
                     .join(User, User.id == Notification.user_id)
                     .where(Notification.id == notification_id,
                            Notification.emailed_at.is_(None), User.active.is_(True),
                            User.email_notifications.is_(True))
                     .with_for_update(of=Notification, skip_locked=True)).first()
    if row is None:
        return None
    notification, person = row
    return Mail(notification, person.email, notification.subject,
                mail_text(notification, link_base=link_base, lang=lang_of(person)),
                notification.calendar)


def mark_emailed(*, db: Session, notification: Notification, now: datetime | None = None) -> None:
    """Record that the e-mail has been handed to the SMTP server."""
    notification.emailed_at = now or utcnow()
    db.flush()


# --- the person's own list -----------------------------------------------------------------

def unread_count(*, db: Session, user: User) -> int:
    """How many of the user's notifications are unread (the bell's number)."""
    return db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def for_user(*, db: Session, user: User, unread: bool | None = None, page: int = 1,
             page_size: int = 50) -> tuple[list[Notification], int]:
    """The user's own notifications, newest first, and how many are unread."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread
                          else Notification.read_at.is_not(None))
    items = list(db.scalars(stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)))
    return items, unread_count(db=db, user=user)


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


def mark_all_read(*, db: Session, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; how many were."""
    return db.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)).rowcount


def mark_routes_read(*, db: Session, user: User, route_ids: Iterable[uuid.UUID],
                     now: datetime | None = None) -> int:
    """Opening the page of a route reads what the user was told about it; how many."""
    keys = list(route_ids)
    if not keys:
        return 0
    return db.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.route_id.in_(keys),
        Notification.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)).rowcount


def set_preferences(*, db: Session, user: User, email: bool, language: str | None) -> User:
    """Turn the user's notification e-mails on or off, and choose their language."""
    person = db.get(User, user.id)
    if person is None:
        raise NotFound("not_found")
    person.email_notifications = bool(email)
    person.language = language if language in ("fr", "en") else None
    db.flush()
    return person


def view(row: Notification) -> dict[str, Any]:
    """The public shape of a notification."""
    return {"id": str(row.id), "kind": row.kind, "subject": row.subject, "body": row.body,
            "route_id": str(row.route_id) if row.route_id else None, "link": row.link,
            "created_at": row.created_at.isoformat(),
            "read_at": row.read_at.isoformat() if row.read_at else None,
            "emailed_at": row.emailed_at.isoformat() if row.emailed_at else None}

