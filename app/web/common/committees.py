"""A partner's committee page, for its reviewers and for staff: the dossiers waiting for the
committee, the form that plans a session (each member, and each founder who pitches, receives
an iCalendar invitation), and the sessions planned."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.access_deps import PartnerFor
from app.deps import SessionDep
from app.web.common.deps import Csrf, PageUser, PostedForm
from app.web.common.notifications import LAYOUTS
from app.web.common.templating import page_lang, render
from dossier.access import Action
from dossier.catalogue import _
from dossier.db import DbSession, utcnow
from dossier.errors import Conflict, Invalid
from dossier.formatting import paris
from dossier.models import Partner, Role, User
from dossier.services import committees, notifications

router = APIRouter(include_in_schema=False)
CommitteePartner = PartnerFor(Action.committees, PageUser)
FIELDS = ("date", "route_ids", "duration_minutes", "place", "video_url")


def _waiting(db: DbSession, partner: Partner) -> list[dict[str, Any]]:
    """The routes in committee, each with its recommendation, the day proposed, and the
    session to come that already has it on its agenda, if any."""
    out, now = [], utcnow()
    for route, company in committees.waiting(db=db, partner_code=partner.code):
        proposed = committees.recommendation(db=db, route=route)
        p = proposed.payload if proposed else {}
        when = committees.date_of(db=db, route=route, now=now)
        planned = when.session_at if when and when.session_at and when.session_at > now else None
        out.append({"id": str(route.id), "company": company, "payload": p,
                    "day": p.get("committee_date"), "pitch": committees.pitch(partner, route),
                    "planned": planned})
    return sorted(out, key=lambda w: (w["day"] or "", w["company"] or ""))


def _sessions(db: DbSession, partner: Partner) -> tuple[list[Any], list[Any]]:
    """The sessions to come (soonest first) and those past (latest first), in views."""
    rows = committees.sessions_of(db=db, partner_code=partner.code)
    names = committees.companies(db=db, sessions=rows)
    now = utcnow()
    views = [{"session": s, "end": s.starts_at + timedelta(minutes=s.duration_minutes),
              "agenda": [{"company": names.get(i.route_id), "route_id": str(i.route_id),
                          "at": committees.slot_of(s, i.position)} for i in s.items]}
             for s in rows]
    return ([v for v in reversed(views) if v["end"] >= now],
            [v for v in views if v["end"] < now])


def _page(request: Request, db: DbSession, partner: Partner, user: User, *,
          status: int = 200, errors: dict[str, str] | None = None,
          values: dict[str, Any] | None = None, planned: str = "") -> Response:
    waiting = _waiting(db, partner)
    upcoming, past = _sessions(db, partner)
    first_day = next((w["day"] for w in waiting if w["day"]), None)
    default_day = first_day or (paris(utcnow()).date() + timedelta(days=14)).isoformat()
    return render(request, "committees.html", status_code=status,
                  layout=LAYOUTS.get(user.role, "base.html"),
                  section="partners" if user.role == Role.staff else "committee",
                  partner=partner, waiting=waiting, upcoming=upcoming, past=past,
                  members=notifications.committee_of(db=db, partner_code=partner.code),
                  rule=committees.rule_of(partner), errors=errors or {},
                  values={"day": default_day, "time": "14:00", "duration_minutes": "120",
                          "route_ids": [w["id"] for w in waiting if not w["planned"]],
                          **(values or {})},
                  planned=planned, fields=FIELDS)


@router.get("/committees/{code}")
def committee_page(partner: CommitteePartner, request: Request, user: PageUser,
                   db: SessionDep, planned: Annotated[str, Query(max_length=40)] = ""):
    """The dossiers waiting for the committee, the form to plan a session, the sessions."""
    return _page(request, db, partner, user, planned=planned)


@router.post("/committees/{code}", dependencies=[Csrf])
def plan_session(partner: CommitteePartner, request: Request, user: PageUser, db: SessionDep,
                 form: PostedForm) -> Response:
    """Plan a session of the committee and send its invitations."""
    values = {k: str(form.get(k) or "")[:2000] for k in
              ("day", "time", "duration_minutes", "place", "video_url")}
    values["route_ids"] = [str(v)[:64] for v in form.getlist("route_ids")][:40]
    moment = f"{values['day']}T{values['time']}" if values["day"] and values["time"] else ""
    body = {"date": moment or values["day"], "route_ids": values["route_ids"],
            "duration_minutes": values["duration_minutes"] or 120,
            "place": values["place"] or None, "video_url": values["video_url"] or None}
    try:
        session = committees.plan(db=db, partner=partner, user=user, body=body)
    except (Invalid, Conflict) as exc:
        db.rollback()
        return _page(request, db, partner, user, status=exc.status, values=values,
                     errors=_errors(exc, page_lang(request)))
    return RedirectResponse(f"/committees/{partner.code}?planned={session.id}"
                            f"#session-{session.id}", status_code=303)


def _errors(exc: Invalid | Conflict, lang: str) -> dict[str, str]:
    """The messages by form field (`_` for the whole form)."""
    if not exc.errors:
        return {"_": exc.message(lang)}
    out: dict[str, str] = {}
    for e in exc.errors:
        key = e.loc.split("[")[0]
        key = key if key in FIELDS else "_"
        message = (_("Tick at least one dossier for the agenda.", lang)
                   if key == "route_ids" and e.code == "too_short" else e.message(lang))
        out[key] = f"{out[key]} {message}" if key in out and message not in out[key] else message
    return out
