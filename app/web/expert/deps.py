"""The expert's credential: the e-mailed link, kept in a cookie scoped to /expert, read by the
one gate (dossier.access, column `expert`) like any caller's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from app.deps import SessionDep, StateDep
from app.web.common.deps import CsrfFailed, presented_csrf
from app.web.common.security import csrf_ok, csrf_token
from dossier.access import Action, Expert
from dossier.db import utcnow
from dossier.errors import Unauthorized
from dossier.models import Opinion, Route
from dossier.opinions import ends_at
from dossier.services import opinions

EXPERT_COOKIE = "du_expert"
COOKIE_PATH = "/expert"
_CSRF = "expert:"


def keep_link(request: Request, response: Response, token: str, row: Opinion,
              now: datetime | None = None) -> Response:
    """Remember the link in the expert's browser until the invitation's last day ends."""
    seconds = int((ends_at(row.expires_on) - (now or utcnow())).total_seconds())
    response.set_cookie(EXPERT_COOKIE, token, max_age=max(seconds, 60), path=COOKIE_PATH,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


def expert_caller(request: Request, state: StateDep, db: SessionDep) -> Expert:
    """The expert the browser's link names, while it may still read (401 without a link,
    400 for an altered one, 409 once revoked or past its date)."""
    token = request.cookies.get(EXPERT_COOKIE, "")
    if not token:
        raise Unauthorized("opinion_link_required")
    row = opinions.open_link(db=db, secret=state.secret, token=token)
    request.state.csrf = csrf_token(state.secret, _CSRF + token)
    return opinions.caller(db=db, row=row)


ExpertCaller = Annotated[Expert, Depends(expert_caller)]


def ExpertRoute(action: Action) -> Any:
    """The `{rid}` route, if it is the one the expert's link names and the table allows
    `action` (another route: 409)."""

    def load(rid: str, expert: ExpertCaller, db: SessionDep) -> Route:
        return opinions.expert_route(db=db, expert=expert, route_id=rid, action=action)

    return Annotated[Route, Depends(load)]


async def check_expert_csrf(request: Request, state: StateDep) -> None:
    """Refuse the opinion form unless it carries the token bound to the expert's link."""
    token = request.cookies.get(EXPERT_COOKIE, "")
    if not token:
        raise Unauthorized("opinion_link_required")
    if not csrf_ok(state.secret, _CSRF + token, await presented_csrf(request)):
        raise CsrfFailed()


ExpertCsrf = Depends(check_expert_csrf)
