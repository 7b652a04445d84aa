"""Tokens and the current identity."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from app.deps import CurrentUser, SessionDep, StateDep, client_address, oauth2
from app.openapi import problems
from dossier.services import users

router = APIRouter(tags=["identity"])


class Token(BaseModel):
    """A bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class Me(BaseModel):
    """Who the caller is."""

    email: str
    role: Literal["founder", "reviewer", "staff"]
    partner: str | None
    full_name: str | None = None


@router.post("/auth/token", response_model=Token, responses=problems(401, 429, 503))
async def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
                state: StateDep) -> Token:
    """Exchange e-mail and password for a bearer token (OAuth2 password form, rate limited)."""
    user = await state.logins.authenticate(state.sessions, email=form.username,
                                           password=form.password, address=client_address(request))
    lifetime = timedelta(hours=state.settings.token_hours)

    def issue() -> str:
        with state.sessions() as db, db.begin():
            return users.issue_token(db=db, user=user, lifetime=lifetime)[0]

    value = await run_in_threadpool(issue)
    return Token(access_token=value, expires_in=int(lifetime.total_seconds()))


@router.post("/auth/logout", status_code=204)
def logout(user: CurrentUser, db: SessionDep,
           bearer: Annotated[str | None, Depends(oauth2)]) -> None:
    """Revoke the token used for this call."""
    if bearer:
        users.revoke_token(db=db, token=bearer)


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    """The caller's e-mail, role and partner."""
    return Me(email=user.email, role=user.role, partner=user.partner_code,
              full_name=user.full_name)
