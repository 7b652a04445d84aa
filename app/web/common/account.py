"""Accounts as people expect: a forgotten password, the account page (change the password),
and accepting an invitation (a partner's reviewer, a dossier's co-founder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from app.account_mail import send_reset
from app.deps import StateDep, client_address
from app.throttle.reset import reset_wait
from app.web.common.auth import HOME_OF, start_session
from app.web.common.deps import (
    SESSION_COOKIE,
    Csrf,
    MaybeUser,
    PageUser,
    PreSessionCsrf,
    keep_pre_session,
    pre_session_csrf,
    pre_session_page,
)
from app.web.common.templating import page_lang, render
from dossier.catalogue import N_
from dossier.errors import DomainError, Invalid
from dossier.models import Dossier, DossierStatus, Role, User
from dossier.services import accounts, invitations, users
from dossier.services.invitations import InvitationKind

router = APIRouter(include_in_schema=False)
Password = Annotated[str, Form(max_length=1000)]
Token = Annotated[str, Query(max_length=200)]


def _errors(exc: Invalid, lang: str) -> dict[str, str]:
    return {e.loc: e.message(lang) for e in exc.errors} or {"password": exc.message(lang)}


# --- a forgotten password ---------------------------------------------------------------

@router.get("/password/forgot")
def forgot_form(request: Request, user: MaybeUser, state: StateDep) -> Response:
    """Ask for a link to choose a new password."""
    return pre_session_page(request, state, "account/forgot.html", sent=False, error=None,
                            email="")


@router.post("/password/forgot", dependencies=[PreSessionCsrf])
def forgot(request: Request, state: StateDep,
           email: Annotated[str, Form(max_length=254)]) -> Response:
    """Send the link if the address has an account: the answer is the same either way."""
    pre_session_csrf(request, state)
    wait = reset_wait(state.logins.limiter.storage, email=email,
                      address=client_address(request))
    if wait:
        return render(request, "account/forgot.html", status_code=429, sent=False, email=email,
                      error=N_("Too many requests; try again in a few minutes."),
                      headers={"Retry-After": str(wait)})
    with state.sessions() as db:
        user = accounts.account_for_reset(db=db, email=email)
        link = None if user is None else (
            f"{state.settings.public_url.rstrip('/')}/password/reset?token="
            f"{accounts.reset_token(state.secret, user)}")
        address = user.email if user is not None else None
    if address is not None:
        send_reset(to=address, link=link, lang=page_lang(request))
    return render(request, "account/forgot.html", sent=True, error=None, email="")


@router.get("/password/reset")
def reset_form(request: Request, user: MaybeUser, state: StateDep, token: Token) -> Response:
    """Choose the new password, if the link is still good; otherwise say why not."""
    link_error = None
    with state.sessions() as db:
        try:
            accounts.check_reset(db=db, secret=state.secret, token=token)
        except DomainError as exc:
            link_error = exc.message(page_lang(request))
    return pre_session_page(request, state, "account/reset.html", token=token,
                            link_error=link_error, errors={},
                            status_code=400 if link_error else 200)


@router.post("/password/reset", dependencies=[PreSessionCsrf])
def reset(request: Request, state: StateDep, token: Annotated[str, Form(max_length=200)],
          password: Password, password_again: Password) -> Response:
    """Set it, end every session of the account, and log in again."""
    pre_session_csrf(request, state)
    lang = page_lang(request)
    if password != password_again:
        return render(request, "account/reset.html", status_code=422, token=token,
                      link_error=None, errors={"password_again": N_("The two passwords differ.")})
    try:
        with state.sessions() as db, db.begin():
            accounts.reset_password(db=db, secret=state.secret, token=token, password=password)
    except Invalid as exc:
        return render(request, "account/reset.html", status_code=422, token=token,
                      link_error=None, errors=_errors(exc, lang))
    except DomainError as exc:
        return render(request, "account/reset.html", status_code=400, token=token,
                      link_error=exc.message(lang), errors={})
    response = RedirectResponse("/login?reset=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the account page -------------------------------------------------------------------

@router.get("/account")
def account_page(request: Request, user: PageUser, changed: bool = False) -> Response:
    """Who I am, and a form to change my password."""
    return render(request, "account/account.html", errors={}, changed=changed,
                  home=HOME_OF.get(user.role, "/"))


@router.post("/account/password", dependencies=[Csrf])
def change_password(request: Request, user: PageUser, state: StateDep,
                    current_password: Password, new_password: Password,
                    new_password_again: Password) -> Response:
    """Change it, proving the current one; the account's other sessions end."""
    errors = {}
    if new_password != new_password_again:
        errors = {"new_password_again": N_("The two passwords differ.")}
    else:
        try:
            with state.sessions() as db, db.begin():
                users.change_password(db=db, user=db.get(User, user.id),
                                      current=current_password, new=new_password,
                                      keep=request.cookies.get(SESSION_COOKIE))
        except Invalid as exc:
            errors = _errors(exc, page_lang(request))
    if errors:
        return render(request, "account/account.html", status_code=422, errors=errors,
                      changed=False, home=HOME_OF.get(user.role, "/"))
    return RedirectResponse("/account?changed=1", status_code=303)


# --- accepting an invitation ------------------------------------------------------------

def _invitation_page(request: Request, state: StateDep, user: User | None, token: str,
                     errors: dict[str, str] | None = None, status: int = 200) -> Response:
    lang = page_lang(request)
    context = {"token": token, "errors": errors or {}, "link_error": None, "step": None,
               "invitation": None, "what": None}
    with state.sessions() as db:
        try:
            row = invitations.open_invitation(db=db, secret=state.secret, link=token)
        except DomainError as exc:
            context["link_error"], status = exc.message(lang), 400
        else:
            context.update(step=invitations.step_for(db=db, invitation=row, user=user),
                           invitation=row, what=invitations.invitation_subject(db=db, row=row))
    return render(request, "account/invitation.html", status_code=status,
                  invite_csrf=getattr(request.state, "invite_csrf", ""), **context)


def _invitation_csrf(request: Request, state: StateDep) -> str | None:
    """The accepting form carries the pre-session token (the visitor may have no session
    yet); the page's own `csrf` stays the session's, for the log-out button."""
    session_token = getattr(request.state, "csrf", None)
    fresh = pre_session_csrf(request, state)
    request.state.invite_csrf = request.state.csrf
    if session_token is not None:
        request.state.csrf = session_token
    return fresh


@router.get("/invitation")
def invitation_form(request: Request, user: MaybeUser, state: StateDep, token: Token
                    ) -> Response:
    """What the invitation is, and the one form that accepts it for this visitor."""
    fresh = _invitation_csrf(request, state)
    return keep_pre_session(request, _invitation_page(request, state, user, token), fresh)


@router.post("/invitation", dependencies=[PreSessionCsrf])
async def accept_invitation(request: Request, user: MaybeUser, state: StateDep,
                            token: Annotated[str, Form(max_length=200)],
                            password: Password = "", password_again: Password = "",
                            full_name: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Accept: create the account if needed, join, and land where the work is."""
    _invitation_csrf(request, state)
    if user is None and password != password_again:
        return _invitation_page(request, state, user, token, status=422,
                                errors={"password_again": N_("The two passwords differ.")})
    try:
        target, account = await run_in_threadpool(_accept, state, user, token, password,
                                                   full_name)
    except Invalid as exc:
        return _invitation_page(request, state, user, token, status=422,
                                errors=_errors(exc, page_lang(request)))
    except DomainError:
        return _invitation_page(request, state, user, token)
    response = RedirectResponse(target, status_code=303)
    if user is None:
        await run_in_threadpool(start_session, state, account, response,
                                request.url.scheme == "https")
    return response


def _landing(dossier: Dossier | None) -> str:
    """Where a co-founder lands once in: the draft's first step, or the dossier's follow-up."""
    if dossier is None:
        return "/founder"
    if dossier.status == DossierStatus.draft:
        return f"/founder/dossiers/{dossier.id}/edit/company"
    return f"/founder/dossiers/{dossier.id}"


def _accept(state: StateDep, user: User | None, token: str, password: str,
            full_name: str) -> tuple[str, User]:
    with state.sessions() as db, db.begin():
        row = invitations.open_invitation(db=db, secret=state.secret, link=token)
        account = invitations.accept(db=db, secret=state.secret, link=token,
                                     user=db.get(User, user.id) if user else None,
                                     password=password, full_name=full_name)
        target = (_landing(db.get(Dossier, row.dossier_id))
                  if row.kind == InvitationKind.member else HOME_OF[Role.reviewer])
        db.expunge(account)
    return target, account

