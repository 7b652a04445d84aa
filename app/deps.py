"""FastAPI dependencies: the session, the current user, the language, a JSON body.

FastAPI runs a `def` dependency in the thread pool: a trip there and back per dependency,
which cost more than the work of the cheap ones. Those that do no I/O are `async def`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.http_limits import has_body
from app.state import AppState
from dossier import access
from dossier.access import Action
from dossier.bounded_numbers import read_json
from dossier.errors import Unauthorized, UnsupportedType
from dossier.i18n import pick_lang
from dossier.models import User
from dossier.services import users
from storage.base import ObjectStore

Model = TypeVar("Model", bound=BaseModel)
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_state(request: Request) -> AppState:
    """The app's state built at start-up."""
    return request.app.state.dossier


async def get_session(state: Annotated[AppState, Depends(get_state)]
                      ) -> AsyncIterator[Session]:
    """The request's one session: committed when the route returns without error.

    Opening it does no I/O (it connects on first use); ending it does, in the thread pool.
    """
    session = state.sessions()
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_end, session, commit=False)
        raise
    await run_in_threadpool(_end, session, commit=True)


def _end(session: Session, *, commit: bool) -> None:
    with session:
        if commit:
            session.commit()
        else:
            session.rollback()


async def get_store(state: Annotated[AppState, Depends(get_state)]) -> ObjectStore:
    """The object store."""
    return state.store


async def get_lang(request: Request) -> str:
    """fr or en, from Accept-Language."""
    return pick_lang(request.headers.get("accept-language"))


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy said (TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
StoreDep = Annotated[ObjectStore, Depends(get_store)]
LangDep = Annotated[str, Depends(get_lang)]


def get_current_user(request: Request, db: SessionDep,
                     token: Annotated[str | None, Depends(oauth2)]) -> User:
    """The user behind the bearer token."""
    if not token:
        raise Unauthorized("not_authenticated")
    user = users.user_for_token(db=db, token=token)
    if has_body(request.scope):
        # Give the connection back before the body streams in: a slow client would hold it
        # for the whole upload (the session begins anew on use). Without a body the
        # handler queries at once, on the same connection.
        db.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def allowed_to(action: Action) -> Any:
    """A `Depends` admitting the callers the policy table lets do `action` (an area)."""

    async def check(user: CurrentUser) -> User:
        access.require(user, action)
        return user

    return Depends(check)


FounderUser = Annotated[User, allowed_to(Action.create_dossier)]
StaffUser = Annotated[User, allowed_to(Action.pipeline)]
ReviewerUser = Annotated[User, allowed_to(Action.inbox)]


PARSE_IN_THREAD_BYTES = 64 * 1024  # larger bodies are parsed off the event loop


async def json_body(request: Request) -> Any:
    """The request's JSON (its size is capped by app.body_limit while it streams)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise UnsupportedType("json_content_type", {"content_type": ctype})
    body = await request.body()
    if len(body) > PARSE_IN_THREAD_BYTES:
        return await run_in_threadpool(read_json, body)
    return read_json(body)


JsonBody = Annotated[Any, Depends(json_body)]


def json_model(model: type[Model]) -> Any:
    """A `Depends` reading the JSON body into `model`.

    FastAPI reads a body declared as a model before any dependency runs; declared after the
    user, this one is read only once the token has been checked.
    """

    def read(body: JsonBody) -> Model:
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]
                                         ) from None

    return Depends(read)
