"""The reviewer's downloads: one attachment, all of them in a ZIP, the dossier's PDF."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from app.deps import SessionDep, StateDep
from app.route_pdf import route_pdf as route_pdf_response
from app.route_pdf import slug
from app.web.common.deps import ReviewerPage, ReviewerRoute
from app.zipstream import zip_stream
from dossier.access import Action
from dossier.filenames import sanitize_filename
from dossier.services import attachments
from dossier.services.access import AccessKind, record_access
from storage.headers import content_disposition

router = APIRouter(include_in_schema=False)
Received = ReviewerRoute(Action.download)


@router.get("/reviewer/routes/{rid}/attachments/{aid}")
def attachment(route: Received, aid: str, user: ReviewerPage, db: SessionDep, state: StateDep):
    """One attachment the partner received (with the dossier or in a message)."""
    item = attachments.shared_attachment(db=db, route=route, attachment_id=aid)
    record_access(db=db, route=route, user=user, kind=AccessKind.attachment, via="web",
                  attachment=item)
    return StreamingResponse(state.store.open(item.storage_key), media_type=item.content_type,
                             headers={"Content-Disposition": content_disposition(item.filename),
                                      "Cache-Control": "private, no-store"})


@router.get("/reviewer/routes/{rid}/attachments.zip")
def attachments_zip(route: Received, user: ReviewerPage, db: SessionDep, state: StateDep):
    """Every attachment the partner received, in one ZIP streamed as it is built."""
    files = attachments.shared_files(db=db, route=route)
    for item in files:
        attachments.check_readable(item)  # the whole ZIP waits for every file's scan
    # Numbered names: unique even when two files share a name, listed in the dossier's order.
    entries = [(f"{n:02d}-{sanitize_filename(item.filename)}", item.storage_key, item.created_at)
               for n, item in enumerate(files, 1)]
    filename = f"pieces-{slug(route.dossier.company_name)}-v{route.delivered_version}.zip"
    record_access(db=db, route=route, user=user, kind=AccessKind.attachments_zip, via="web",
                  name=filename)
    return StreamingResponse(zip_stream(state.store, entries), media_type="application/zip",
                             headers={"Content-Disposition": content_disposition(filename),
                                      "Cache-Control": "private, no-store"})


@router.get("/reviewer/routes/{rid}/pdf")
def route_pdf(route: Received, user: ReviewerPage, db: SessionDep, state: StateDep):
    """The PDF this partner has for the route (app.route_pdf)."""
    return route_pdf_response(db=db, state=state, route=route, user=user, via="web")
