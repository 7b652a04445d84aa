"""The reviewer's forms of the "expert opinions" part of a route page: invite an expert by
e-mail, revoke an invitation (the list itself is shown by reviewer/_opinions.html)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep, StateDep
from app.opinion_mail import expert_mail, send_expert_invitation
from app.web.common.deps import Csrf, ReviewerPage, ReviewerRoute
from app.web.common.templating import page_lang
from app.web.reviewer.view import field_errors, render_route
from dossier.access import Action
from dossier.errors import Conflict, Invalid
from dossier.models import Route
from dossier.services import opinions

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=20_000)]
OpinionId = Annotated[str, Path(max_length=40)]
FORM = "opinion"
STATUS = {Conflict: 409, Invalid: 422}
_FRENCH_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def typed_day(value: str) -> str | None:
    """A date as typed: 2027-01-15, or 15/01/2027 where the browser has no date picker
    (None when empty: the field is then missing)."""
    found = _FRENCH_DAY.match(value)
    if found:
        day, month, year = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value.strip() or None


def _done(route: Route, what: str) -> RedirectResponse:
    return RedirectResponse(f"/reviewer/routes/{route.id}?opinion={what}#opinions",
                            status_code=303)


def _failed(request: Request, db, route: Route, user, exc: Conflict | Invalid,
            values: dict[str, str]) -> Response:
    return render_route(request, db=db, route=route, user=user,
                        errors={FORM: field_errors(exc, page_lang(request))},
                        values={FORM: values}, status=STATUS[type(exc)])


@router.post("/reviewer/routes/{rid}/opinions", dependencies=[Csrf])
def invite(route: ReviewerRoute(Action.ask_opinion), request: Request, user: ReviewerPage,
           db: SessionDep, state: StateDep, email: Short = "", question: Long = "",
           expires_on: Short = "") -> Response:
    """Invite an expert: the link goes by e-mail once the invitation is committed."""
    values = {"email": email, "question": question, "expires_on": expires_on}
    body = {"email": email, "question": question, "expires_on": typed_day(expires_on)}
    try:
        row = opinions.invite(db=db, route=route, user=user,
                              body={k: v for k, v in body.items() if v is not None})
    except (Conflict, Invalid) as exc:
        return _failed(request, db, route, user, exc, values)
    lang = page_lang(request)
    mail = expert_mail(state, db, row=row, route=route, by=user, lang=lang)
    db.commit()  # the link works once it is in the mailbox
    send_expert_invitation(mail, lang)
    return _done(route, "invited")


@router.post("/reviewer/routes/{rid}/opinions/{opinion_id}/revoke", dependencies=[Csrf])
def revoke(route: ReviewerRoute(Action.ask_opinion), request: Request, user: ReviewerPage,
           db: SessionDep, opinion_id: OpinionId) -> Response:
    """End an expert's access at once."""
    try:
        opinions.revoke(db=db, route=route, user=user, opinion_id=opinion_id)
    except Conflict as exc:
        return _failed(request, db, route, user, exc, {})
    return _done(route, "revoked")
