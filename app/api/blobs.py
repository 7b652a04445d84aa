"""Downloads through signed, short-lived links under PUBLIC_URL, streamed from the store."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from app.deps import StateDep
from app.openapi import ATTACHMENT_CONTENT, problems
from dossier.errors import NotFound
from dossier.services import objects
from storage.errors import ObjectMissing, StorageError
from storage.headers import content_disposition

router = APIRouter(tags=["attachments"])


@router.get("/blobs/{token}", response_class=StreamingResponse,
            responses={**ATTACHMENT_CONTENT, **problems(404)})
def blob(token: str, state: StateDep) -> StreamingResponse:
    """The bytes behind a signed link; expired, altered or deleted ones answer 404."""
    try:
        claims = state.links.claims(token)
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
