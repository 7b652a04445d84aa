"""Page dependencies: the session cookie's user, role checks, CSRF on every form."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from app.access_deps import DossierFor, RouteFor
from app.deps import SessionDep, StateDep
from app.http_limits import has_body
from app.web.common.security import csrf_ok, csrf_token
from app.web.common.templating import render
from dossier import access
from dossier.access import Action
from dossier.errors import DomainError, Unauthorized
from dossier.models import User
from dossier.services import users

SESSION_COOKIE = "du_session"


class LoginRequired(Exception):
    """No valid session: go to the login page, then come back."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def return_path(request: Request) -> str:
    """Where to come back after logging in: this page, or for a form the page that sent it."""
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


class CsrfFailed(DomainError):
    """A form without the session's CSRF token."""

    status = 403
    code = "csrf_failed"


def optional_user(request: Request, state: StateDep, db: SessionDep) -> User | None:
    """The session's user, if any; also sets the CSRF token for the templates."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user, request.state.unread = users.user_and_unread(db=db, token=token)  # and the bell
    except Unauthorized:
        return None
    finally:
        if has_body(request.scope):
            # As for the API's bearer: the connection goes back while a form streams in. A
            # page without a body queries at once, on the same connection.
            db.commit()
    # Kept out of the request's transaction: a rollback must not expire what the page (or
    # its error page) shows of the user.
    db.expunge(user)
    request.state.user = user
    request.state.csrf = csrf_token(state.secret, token)
    return user


def page_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The logged-in user, or a redirect to the login page."""
    if user is None:
        raise LoginRequired(return_path(request))
    return user


def page_area(action: Action) -> Any:
    """Admit the users the policy table lets into this area; others get a 403 page."""

    def check(user: Annotated[User, Depends(page_user)]) -> User:
        access.require(user, action)
        return user

    return Depends(check)


async def check_csrf(request: Request, state: StateDep) -> None:
    """Refuse a state-changing form whose CSRF token does not match the session."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        # No session at all: log in first, as every page without one answers.
        raise LoginRequired(return_path(request))
    if not csrf_ok(state.secret, token, await presented_csrf(request)):
        raise CsrfFailed()


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token a request carries: the X-CSRF-Token header, or the form's `csrf`."""
    presented = request.headers.get("x-csrf-token")
    ctype = request.headers.get("content-type", "")
    if presented is None and ctype.startswith("application/x-www-form-urlencoded"):
        presented = (await request.form()).get("csrf")
    return presented


async def posted_form(request: Request) -> FormData:
    """The request's form, read once (a sync handler cannot await it)."""
    return await request.form()


PRE_SESSION_COOKIE = "du_presession"
_PRE = "pre-session:"


def pre_session_csrf(request: Request, state: StateDep) -> str | None:
    """The login and sign-up forms' CSRF token, bound to a random cookie (signed double submit).

    Sets request.state.csrf for the template; returns a new cookie value to store, if any.
    """
    nonce = request.cookies.get(PRE_SESSION_COOKIE, "")
    fresh = None
    if not 16 <= len(nonce) <= 64:
        nonce = fresh = secrets.token_urlsafe(24)
    request.state.csrf = csrf_token(state.secret, _PRE + nonce)
    return fresh


def keep_pre_session(request: Request, response: Response, fresh: str | None) -> Response:
    """Store a new pre-session cookie on the answer."""
    if fresh:
        response.set_cookie(PRE_SESSION_COOKIE, fresh, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
    return response


def pre_session_page(request: Request, state: StateDep, template: str,
                     **context: Any) -> Response:
    """A form shown before any session (login, sign-up, a reset...): rendered with the
    pre-session CSRF token, whose cookie is set on the answer when it is new."""
    fresh = pre_session_csrf(request, state)
    return keep_pre_session(request, render(request, template, **context), fresh)


async def check_pre_session_csrf(request: Request, state: StateDep) -> None:
    """Refuse a login or sign-up form that does not carry the token of its browser's cookie."""
    nonce = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not nonce or not csrf_ok(state.secret, _PRE + nonce, await presented_csrf(request)):
        raise CsrfFailed()


PageUser = Annotated[User, Depends(page_user)]
MaybeUser = Annotated[User | None, Depends(optional_user)]
FounderPage = Annotated[User, page_area(Action.founder_pages)]
ReviewerPage = Annotated[User, page_area(Action.reviewer_pages)]
StaffPage = Annotated[User, page_area(Action.staff_pages)]
Csrf = Depends(check_csrf)
PreSessionCsrf = Depends(check_pre_session_csrf)
PostedForm = Annotated[FormData, Depends(posted_form)]


def FounderDossier(action: Action) -> Any:
    """Founder pages: the `{dossier_id}` dossier, if the founder may do `action` to it."""
    return DossierFor(action, FounderPage)


def FounderRoute(action: Action) -> Any:
    """Founder pages: the `{route_id}` route, if the founder may do `action` to it."""
    return RouteFor(action, FounderPage)


def ReviewerRoute(action: Action) -> Any:
    """Reviewer pages: the `{rid}` route, if the reviewer may do `action` to it."""
    return RouteFor(action, ReviewerPage, "rid")


OwnDossierPage = FounderDossier(Action.edit_dossier)
ReadDossierPage = FounderDossier(Action.read_dossier)
