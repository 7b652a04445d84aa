"""Attachments of a dossier: upload, list, download, delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from app.access_deps import DossierFor, ReadableDossier
from app.api.schemas import LinkOut
from app.attachments import store_upload
from app.deps import CurrentUser, SessionDep, StateDep, StoreDep
from app.openapi import ATTACHMENT_CONTENT, AttachmentOut, problems
from dossier.access import Action
from dossier.services import attachments, objects
from dossier.services.dossiers import attachment_view
from storage.headers import content_disposition

router = APIRouter(tags=["attachments"])

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file", "kind"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "kind": {"type": "string", "enum": list(attachments.ATTACHMENT_KINDS)},
                "issued_on": {"type": "string", "format": "date", "description":
                              "The document's date (for annual accounts: the fiscal year's "
                              "end); its validity runs from it (a Kbis: 3 months)."},
            },
        }}},
    }
}


@router.post("/dossiers/{dossier_id}/attachments", status_code=201, response_model=AttachmentOut,
             openapi_extra=UPLOAD_BODY,
             responses=problems(403, 404, 409, 413, 415))
async def upload(dossier_id: str, request: Request, user: CurrentUser,
                 state: StateDep) -> dict[str, Any]:
    """Upload a document (multipart `file`, `kind`, optional `issued_on`); its type is read
    from the bytes."""
    return await store_upload(request, state=state, user=user, dossier_id=dossier_id)


@router.get("/dossiers/{dossier_id}/attachments", response_model=list[AttachmentOut],
            responses=problems(404))
def list_(dossier: ReadableDossier) -> list[dict[str, Any]]:
    """The dossier's documents."""
    return [attachment_view(a) for a in dossier.attachments]


@router.get("/dossiers/{dossier_id}/attachments/{attachment_id}/content",
            response_class=StreamingResponse,
            responses={**ATTACHMENT_CONTENT, **problems(404, 409)})
def content(dossier: ReadableDossier, attachment_id: str, user: CurrentUser, db: SessionDep,
            store: StoreDep) -> StreamingResponse:
    """The document's bytes, streamed."""
    item = attachments.read(db=db, dossier=dossier, user=user, attachment_id=attachment_id,
                            via="api")
    chunks = store.open(item.storage_key)
    return StreamingResponse(chunks, media_type=item.content_type, headers={
        "Content-Disposition": content_disposition(item.filename),
        "Content-Length": str(item.size),
        "X-Content-Type-Options": "nosniff",
    })


@router.get("/dossiers/{dossier_id}/attachments/{attachment_id}/link", response_model=LinkOut,
            responses=problems(404, 409))
def link(dossier: ReadableDossier, attachment_id: str, user: CurrentUser, db: SessionDep,
         state: StateDep) -> dict[str, Any]:
    """A signed download link valid for 15 minutes, bound to this one document (404 once
    the document is deleted)."""
    # The link serves the bytes to whoever holds it: handing it out is the reading.
    item = attachments.read(db=db, dossier=dossier, user=user, attachment_id=attachment_id,
                            via="api")
    expires = timedelta(minutes=15)
    url = state.links.url(item.storage_key, ref=objects.link_ref(item), expires=expires,
                          filename=item.filename, content_type=item.content_type)
    return {"url": url, "expires_in": int(expires.total_seconds())}


@router.delete("/dossiers/{dossier_id}/attachments/{attachment_id}", status_code=204,
               responses=problems(403, 404, 409))
def delete(dossier: DossierFor(Action.delete_attachment), attachment_id: str,
           user: CurrentUser, db: SessionDep) -> Response:
    """Remove a document while the dossier is a draft."""
    item = attachments.get(db=db, dossier=dossier, attachment_id=attachment_id)
    attachments.delete(db=db, dossier=dossier, user=user, attachment=item)
    return Response(status_code=204)

