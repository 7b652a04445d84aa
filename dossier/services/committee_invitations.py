"""The invitations a committee session sends: one iCalendar event to the partner's committee
members, and to each founder on the agenda a notice (with their own event when they come to
pitch, as an honour loan's jury hears them). Sent by e-mail as every notification is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.calendar import Meeting, Person, invitation
from dossier.catalogue import gettext, ngettext
from dossier.formatting import fill, format_appointment, format_date, paris
from dossier.models import CommitteeSession, Dossier, Partner, Route, User
from dossier.services.notifications import (
    Notice,
    _body,
    _clip,
    _company,
    add,
    founder_link,
    founders_of,
    lang_of,
)


@dataclass(frozen=True)
class Sitting:
    """A committee session as its notices name it: the session, the partner, who planned it,
    its members, and each agenda route with its slot and whether its founder pitches."""

    session: CommitteeSession
    partner: Partner
    organizer: User
    members: list[User]
    agenda: list[tuple[Route, datetime, bool]]


def invite(*, db: Session, session: CommitteeSession, partner: Partner, organizer: User,
           members: list[User], agenda: list[tuple[Route, datetime, bool]]) -> int:
    """Invite the members (one iCalendar event for the session) and tell each founder on the
    agenda (with their own event when they pitch); the number told."""
    sitting = Sitting(session, partner, organizer, members, agenda)
    dossiers = {d.id: d for d in db.scalars(select(Dossier).where(
        Dossier.id.in_([route.dossier_id for route, _, _ in agenda])))}
    told = sum(add(db=db, notice=_member_invitation(sitting, dossiers, person))
               for person in members)
    for route, slot, heard in agenda:
        dossier = dossiers.get(route.dossier_id)
        if dossier is None:
            continue
        founders = founders_of(db=db, dossier=dossier)
        for person in founders:
            told += add(db=db, notice=_founder_invitation(sitting, route, dossier, slot, heard,
                                                          founders, person))
    return told


def _where(session: CommitteeSession) -> str | None:
    return session.place or session.video_url


def _place(session: CommitteeSession, lang: str) -> str:
    where = _where(session)
    return gettext("Where: {place}", lang).format(place=where) if where else ""


def _member_invitation(s: Sitting, dossiers: dict[uuid.UUID, Dossier], person: User
                       ) -> Notice:
    """One event for the whole session, the agenda in its description."""
    lang, session, n = lang_of(person), s.session, len(s.agenda)
    names = {"partner": s.partner.name, "when": format_appointment(session.starts_at, lang),
             "minutes": session.duration_minutes, "n": n}
    intro = fill(gettext("The {partner} committee meets on {when} ({minutes} minutes).", lang),
                 lang, **names)
    agenda = "\n".join([gettext("On the agenda:", lang)] + [
        f"{paris(slot).strftime('%H:%M')} — {_company(dossiers.get(r.dossier_id), lang)}"
        for r, slot, _ in s.agenda])
    summary = fill(ngettext("{partner} committee — {n} dossier",
                            "{partner} committee — {n} dossiers", n, lang), lang, **names)
    calendar = invitation(Meeting(
        uid=f"committee-{session.id}@dossier-unique", starts_at=session.starts_at,
        minutes=session.duration_minutes, summary=summary,
        description="\n\n".join(p for p in (intro, _place(session, lang), agenda) if p),
        organizer=Person(s.organizer.email, s.partner.name),
        attendees=tuple(Person(m.email, m.full_name) for m in s.members),
        stamp=session.created_at, location=_where(session), url=session.video_url))
    subject = fill(ngettext("{partner} committee on {when}: {n} dossier",
                            "{partner} committee on {when}: {n} dossiers", n, lang),
                   lang, **names)
    return Notice(person.id, "committee_session", _clip(subject, 200),
                  _body(lang, intro, _place(session, lang), agenda), None,
                  f"committee:{session.id}:{person.id}",
                  f"/committees/{s.partner.code}#session-{session.id}", calendar)


def _founder_invitation(s: Sitting, route: Route, dossier: Dossier, slot: datetime,
                        heard: bool, founders: list[User], person: User) -> Notice:
    """The day the committee examines the dossier; for a pitch, the founder's own event."""
    lang, session = lang_of(person), s.session
    names = {"partner": s.partner.name, "company": _company(dossier, lang),
             "date": format_date(session.starts_at, lang),
             "when": format_appointment(slot, lang), "minutes": session.slot_minutes}
    key, link = f"committee:{session.id}:{route.id}:{person.id}", founder_link(route)
    if not heard:
        subject = gettext("The {partner} committee examines the {company} dossier on {date}",
                          lang)
        text = gettext("The {partner} committee will examine the {company} dossier on {date}. "
                       "You will be told of its decision.", lang)
        return Notice(person.id, "committee_date", _clip(fill(subject, lang, **names), 200),
                      _body(lang, fill(text, lang, **names)), route.id, key, link)
    text = fill(gettext("The {partner} committee will hear you about the {company} dossier "
                        "on {when}: {minutes} minutes to present your project and answer its "
                        "questions.", lang), lang, **names)
    calendar = invitation(Meeting(
        uid=f"committee-{session.id}-{route.id}@dossier-unique", starts_at=slot,
        minutes=session.slot_minutes,
        summary=fill(gettext("{partner} committee — your pitch ({company})", lang), lang,
                     **names),
        description="\n\n".join(p for p in (text, _place(session, lang)) if p),
        organizer=Person(s.organizer.email, s.partner.name),
        attendees=tuple(Person(f.email, f.full_name) for f in founders),
        stamp=session.created_at, location=_where(session), url=session.video_url))
    subject = fill(gettext("Your pitch to the {partner} committee: {when}", lang), lang, **names)
    return Notice(person.id, "committee_pitch", _clip(subject, 200),
                  _body(lang, text, _place(session, lang)), route.id, key, link, calendar)
