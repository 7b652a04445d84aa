"""FastAPI dependencies: the session, the current user, the language, a JSON body."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.state import AppState
from dossier.errors import DomainError, Forbidden, TooLarge, Unauthorized, UnsupportedType
from dossier.i18n import pick_lang
from dossier.models import Role, User
from dossier.services import users
from storage.base import ObjectStore

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_state(request: Request) -> AppState:
    """The app's state built at start-up."""
    return request.app.state.dossier


def get_session(state: Annotated[AppState, Depends(get_state)]) -> Iterator[Session]:
    """The request's one session: committed when the route returns without error, then its
    `after_commit` callbacks run."""
    with state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()
        for callback in session.info.pop(AFTER_COMMIT, []):
            callback()


AFTER_COMMIT = "after_commit"


def after_commit(db: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the request's transaction has committed (never if it rolls back)."""
    db.info.setdefault(AFTER_COMMIT, []).append(callback)


def get_store(state: Annotated[AppState, Depends(get_state)]) -> ObjectStore:
    """The object store."""
    return state.store


def get_lang(request: Request) -> str:
    """fr or en, from Accept-Language."""
    return pick_lang(request.headers.get("accept-language"))


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy said (TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
StoreDep = Annotated[ObjectStore, Depends(get_store)]
LangDep = Annotated[str, Depends(get_lang)]


def get_current_user(db: SessionDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    """The user behind the bearer token."""
    if not token:
        raise Unauthorized("not_authenticated")
    user = users.user_for_token(db=db, token=token)
    # Give the connection back at once: a handler that streams a body or works off the
    # loop would otherwise hold it for the whole request (the session begins anew on use).
    db.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def role_required(*roles: Role):
    """A dependency that admits only the given roles."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden("role_forbidden", {"role": user.role})
        return user

    return check


FounderUser = Annotated[User, Depends(role_required(Role.founder))]


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins; a body that says two things is refused.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


async def json_body(request: Request, state: StateDep) -> Any:
    """The request's JSON, read with a size cap; numbers become Decimal, never float."""
    limit = state.settings.max_json_bytes
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise UnsupportedType("json_content_type", {"content_type": ctype})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge("json_too_large", {"limit": limit})
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge("json_too_large", {"limit": limit})
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constants,
                          object_pairs_hook=_no_duplicate_keys)
    except RecursionError as exc:
        raise DomainError("json_too_deep") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise DomainError("json_invalid", {"reason": str(exc)[:200]}) from exc


JsonBody = Annotated[Any, Depends(json_body)]
