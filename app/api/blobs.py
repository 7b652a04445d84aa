"""Downloads through signed, short-lived links, served by the app from either store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from app.deps import StateDep
from app.openapi import ATTACHMENT_CONTENT, problems
from app.state import AppState
from dossier.errors import NotFound
from dossier.services import objects
from storage.base import MAX_LINK_TTL, check_ttl
from storage.errors import ObjectMissing, StorageError
from storage.headers import content_disposition
from storage.signing import sign_link, verify_link

router = APIRouter(tags=["attachments"])


@router.get("/blobs/{token}", response_class=StreamingResponse,
            responses={**ATTACHMENT_CONTENT, **problems(404)})
def blob(token: str, state: StateDep) -> StreamingResponse:
    """The bytes behind a signed link; expired, altered or deleted ones answer 404."""
    try:
        claims = verify_link(state.secret, token)
    except (StorageError, ValueError) as exc:
        raise NotFound("link_invalid") from exc
    with state.sessions() as db:
        if not objects.is_live(db=db, key=claims.key, ref=claims.ref):
            raise NotFound("link_invalid")
    try:
        chunks = state.store.open(claims.key)
    except ObjectMissing as exc:
        raise NotFound("link_invalid") from exc
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    if claims.filename:
        headers["Content-Disposition"] = content_disposition(claims.filename)
    return StreamingResponse(chunks,
                             media_type=claims.content_type or "application/octet-stream",
                             headers=headers)


def link_to(state: AppState, *, key: str, ref: str, filename: str | None = None,
            content_type: str | None = None, expires: timedelta = MAX_LINK_TTL) -> str:
    """A signed link to one row's object, served by this app whatever the store."""
    token = sign_link(state.secret, key, datetime.now(UTC) + check_ttl(expires), filename,
                      content_type, ref=ref)
    return f"/api/v1/blobs/{token}"
