"""External opinions: a partner's reviewer invites an expert on one route, and reads the
invitations and opinions of its partner (never the founder's, another partner's or staff's)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel

from app.access_deps import RouteFor
from app.deps import CurrentUser, JsonBody, LangDep, SessionDep, StateDep
from app.openapi import json_request, problems
from app.opinion_mail import expert_mail, send_expert_invitation
from dossier.access import Action
from dossier.services import opinions
from dossier.services.opinions import OpinionIn

router = APIRouter(tags=["opinions"])
PartnerRoute = RouteFor(Action.ask_opinion)
OpinionId = Annotated[str, Path(max_length=40)]


class OpinionOut(BaseModel):
    """An invitation to an outside expert, and the opinion once given."""

    id: str
    route_id: str
    email: str
    question: str
    expires_on: str
    version: int
    status: Literal["pending", "answered", "expired", "revoked"]
    invited_by: str | None
    created_at: str
    answer: str | None
    answered_at: str | None
    revoked_at: str | None


@router.post("/routes/{route_id}/opinions", status_code=201, response_model=OpinionOut,
             responses=problems(403, 404, 409), openapi_extra=json_request(OpinionIn))
def invite_expert(user: CurrentUser, body: JsonBody, route: PartnerRoute, db: SessionDep,
                  state: StateDep, lang: LangDep) -> dict[str, Any]:
    """Invite an expert by e-mail (`{"email", "question", "expires_on"}`): the expert reads the
    version the partner has now, until the end of `expires_on` (Paris), at most 90 days
    ahead, and gives an opinion only the partner's reviewers see. Every reading is in the
    founder's access log. Inviting the same address again replaces the older link."""
    row = opinions.invite(db=db, route=route, user=user, body=body)
    view, mail = opinions.view(row, people={user.id: user}), expert_mail(
        state, db, row=row, route=route, by=user, lang=lang)
    db.commit()  # the link works once it is in the mailbox
    send_expert_invitation(mail, lang)
    return view


@router.get("/routes/{route_id}/opinions", response_model=list[OpinionOut],
            responses=problems(403, 404))
def list_opinions(user: CurrentUser, route: PartnerRoute, db: SessionDep) -> list[dict[str, Any]]:
    """The route's invitations and opinions, newest first: `status` is `pending`, `answered`,
    `expired` (the date passed without an answer) or `revoked`."""
    rows = opinions.opinions_of(db=db, route=route, user=user)
    people = opinions.inviters(db=db, rows=rows)
    return [opinions.view(r, people=people) for r in rows]


@router.post("/routes/{route_id}/opinions/{opinion_id}/revoke", response_model=OpinionOut,
             responses=problems(403, 404, 409))
def revoke_opinion(user: CurrentUser, route: PartnerRoute, opinion_id: OpinionId,
                   db: SessionDep) -> dict[str, Any]:
    """End the expert's access at once; an opinion already given stays. 409 if revoked."""
    row = opinions.revoke(db=db, route=route, user=user, opinion_id=opinion_id)
    return opinions.view(row, people=opinions.inviters(db=db, rows=[row]))
