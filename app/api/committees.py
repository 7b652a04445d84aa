"""A partner's committee: its sessions, and planning one (staff or the partner's reviewers);
each session invites the members, and founders who pitch, by e-mail with an iCalendar file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from app.access_deps import PartnerFor
from app.deps import CurrentUser, JsonBody, SessionDep
from app.openapi import json_request, problems
from dossier.access import Action
from dossier.services import committees

router = APIRouter(tags=["committees"])
CommitteePartner = PartnerFor(Action.committees)


class AgendaItem(BaseModel):
    """A dossier on the agenda, at its time (Paris)."""

    route_id: str
    company: str | None
    at: str


class SessionOut(BaseModel):
    """A committee session: when (Paris time, with its offset), how long, where, what."""

    id: str
    partner: str
    date: str
    duration_minutes: int
    slot_minutes: int
    place: str | None
    video_url: str | None
    route_ids: list[str]
    agenda: list[AgendaItem]
    created_at: str


@router.get("/partners/{code}/committees", response_model=list[SessionOut],
            responses=problems(403, 404))
def list_sessions(partner: CommitteePartner, db: SessionDep) -> list[dict[str, Any]]:
    """The partner's committee sessions, latest first."""
    rows = committees.sessions_of(db=db, partner_code=partner.code)
    names = committees.companies(db=db, sessions=rows)
    return [committees.session_view(s, names) for s in rows]


@router.post("/partners/{code}/committees", status_code=201, response_model=SessionOut,
             responses=problems(403, 404, 409, 413, 415),
             openapi_extra=json_request(committees.SessionIn))
def plan_session(user: CurrentUser, body: JsonBody, partner: CommitteePartner,
                 db: SessionDep) -> dict[str, Any]:
    """Plan a session: `date` (Paris time unless an offset is given) and `route_ids`, the
    partner's routes in committee in the order heard; each member receives an iCalendar
    invitation by e-mail, and so does each founder who pitches (honour loans), at their slot."""
    session = committees.plan(db=db, partner=partner, user=user, body=body)
    return committees.session_view(session, committees.companies(db=db, sessions=[session]))
