"""Home page, login, logout, sign-up and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from app.deps import StateDep, client_address
from app.signup_mail import send_signup_mail
from app.throttle.guard import LoginThrottled
from app.throttle.hashing import HashingBusy
from app.web.common.deps import (
    SESSION_COOKIE,
    Csrf,
    MaybeUser,
    PageUser,
    PreSessionCsrf,
    pre_session_csrf,
    pre_session_page,
)
from app.web.common.templating import page_lang, render
from dossier.catalogue import N_
from dossier.errors import Invalid, Unauthorized
from dossier.models import Role
from dossier.services import signup as signup_service
from dossier.services import users
from dossier.services.signup import SignupOutcome

router = APIRouter(include_in_schema=False)
HOME_OF = {Role.founder: "/founder", Role.reviewer: "/reviewer", Role.staff: "/staff"}
SESSION_HOURS = 12


def _safe_next(url: str | None) -> str | None:
    """Only same-site paths are followed after login."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def start_session(state, user, response: Response, secure: bool) -> None:
    """A new page session for the user, its cookie on the response."""
    with state.sessions() as db, db.begin():
        token, _ = users.issue_token(db=db, user=user, scope="web",
                                     lifetime=timedelta(hours=SESSION_HOURS))
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True,
                        samesite="lax", secure=secure, path="/")


@router.get("/")
def home(request: Request, user: MaybeUser, state: StateDep):
    """What the product is, and the three entrances."""
    return render(request, "home.html", demo_password=state.settings.demo_password,
                  home_of=HOME_OF)


@router.get("/login")
def login_form(request: Request, user: MaybeUser, state: StateDep, next: str | None = None,
               reset: bool = False, expired: bool = False):
    """The login form (after a password reset or the end of a session, saying so)."""
    return pre_session_page(request, state, "login.html", next=_safe_next(next) or "",
                            error=None, reset=reset, expired=expired and user is None)


@router.post("/login", dependencies=[PreSessionCsrf])
async def login(request: Request, state: StateDep, email: Annotated[str, Form(max_length=254)],
                password: Annotated[str, Form(max_length=1000)],
                next: Annotated[str, Form(max_length=500)] = ""):
    """Check the credentials (rate limited, as the API's) and open a session."""
    again = {"next": _safe_next(next) or "", "email": email}
    pre_session_csrf(request, state)  # the form shown again carries its token
    try:
        user = await state.logins.authenticate(state.sessions, email=email, password=password,
                                               address=client_address(request))
    except LoginThrottled as exc:
        return render(request, "login.html", status_code=429, error=N_("Too many attempts; try "
                                                                       "again in a few minutes."),
                      headers={"Retry-After": str(exc.retry_after)}, **again)
    except HashingBusy as exc:
        return render(request, "login.html", status_code=503, error=N_("Too many logins at once; "
                                                                       "try again in a moment."),
                      headers={"Retry-After": str(exc.retry_after)}, **again)
    except Unauthorized:
        return render(request, "login.html", status_code=401, error=N_("Wrong e-mail address or "
                                                                       "password."), **again)
    target = _safe_next(next) or HOME_OF.get(user.role, "/")
    response = RedirectResponse(target, status_code=303)
    await run_in_threadpool(start_session, state, user, response, request.url.scheme == "https")
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, user: PageUser, state: StateDep):
    """End the session on the server, then forget the cookie."""
    with state.sessions() as db, db.begin():
        users.revoke_token(db=db, token=request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/signup")
def signup_form(request: Request, user: MaybeUser, state: StateDep):
    """A founder creates an account."""
    return pre_session_page(request, state, "signup.html", errors={}, values={})


@router.post("/signup", dependencies=[PreSessionCsrf])
def signup(request: Request, state: StateDep, email: Annotated[str, Form(max_length=254)],
           password: Annotated[str, Form(max_length=1000)],
           password_again: Annotated[str, Form(max_length=1000)],
           full_name: Annotated[str, Form(max_length=200)] = ""):
    """Ask for a founder account: the same answer whether or not the address has one."""
    values = {"email": email, "full_name": full_name}
    pre_session_csrf(request, state)
    if password != password_again:
        return render(request, "signup.html", status_code=422, values=values,
                      errors={"password_again": N_("The two passwords differ.")})
    try:
        with state.sessions() as db, db.begin():
            outcome, user = signup_service.request_signup(
                db=db, email=email, password=password, full_name=full_name.strip() or None)
            token = signup_service.confirmation_token(state.secret, user)
            address = user.email
    except Invalid as exc:
        lang = request.cookies.get("lang", "fr")
        errors = {e.loc: e.message(lang) for e in exc.errors} or {"email": exc.message(lang)}
        return render(request, "signup.html", status_code=422, values=values, errors=errors)
    base = state.settings.public_url.rstrip("/")
    link = (f"{base}/signup/confirm?token={token}" if outcome == SignupOutcome.confirm
            else f"{base}/login")
    send_signup_mail(to=address, outcome=outcome, link=link, lang=page_lang(request))
    return render(request, "signup.html", errors={}, values={}, sent=True)


@router.get("/signup/confirm")
def confirm_form(request: Request, state: StateDep, token: Annotated[str, Query(max_length=200)]):
    """The confirmation page: one button, so that a mail scanner's visit confirms nothing."""
    return pre_session_page(request, state, "signup_confirm.html", token=token)


@router.post("/signup/confirm", dependencies=[PreSessionCsrf])
def confirm(request: Request, state: StateDep, token: Annotated[str, Form(max_length=200)]):
    """Activate the account and open its session."""
    with state.sessions() as db, db.begin():
        user = signup_service.confirm(db=db, secret=state.secret, token=token)
    response = RedirectResponse("/founder", status_code=303)
    start_session(state, user, response, request.url.scheme == "https")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str | None = None):
    """Choose French or English; remembered in a cookie."""
    response = RedirectResponse(_safe_next(next) or "/", status_code=303)
    if code in ("fr", "en"):
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax", path="/")
    return response
