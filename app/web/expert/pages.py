"""The expert's pages: the link that opens them, the dossier as the partner received it (read
only, its PDF and documents), and the opinion form. Every reading is in the founder's log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from app.deps import SessionDep, StateDep
from app.route_pdf import slug
from app.web.common.templating import page_lang, render
from app.web.expert.deps import ExpertCaller, ExpertCsrf, ExpertRoute, keep_link
from dossier.access import Action, Expert
from dossier.errors import Conflict, Invalid
from dossier.models import Route
from dossier.services import opinions
from dossier.services.access import AccessKind
from dossier.services.partners import partner_names
from forms.view import cover_view, sections_view
from storage.headers import content_disposition
from workflows.documents import ensure_version_pdf

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(max_length=200)]
STATUS = {Conflict: 409, Invalid: 422}


@router.get("/expert")
def open_link(request: Request, state: StateDep, db: SessionDep, token: Token = "") -> Response:
    """The e-mailed link: kept in the browser, then on to the dossier it names."""
    row = opinions.open_link(db=db, secret=state.secret, token=token)
    response = RedirectResponse(f"/expert/routes/{row.route_id}", status_code=303)
    return keep_link(request, response, token, row)


def _page(request: Request, db: Any, route: Route, expert: Expert, *, status: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, str] | None = None
          ) -> Response:
    lang = page_lang(request)
    names = partner_names(db=db)
    row = opinions.for_expert(db=db, expert=expert)
    version = opinions.version_of(db=db, expert=expert)
    files = list(version.attachments)
    return render(
        request, "expert/route.html", status_code=status, route=route, opinion=row,
        inviter=opinions.inviters(db=db, rows=[row]).get(row.invited_by),
        partner_name=names.get(route.partner_code, route.partner_code), version=version,
        cover=cover_view(version.content, lang=lang, partners=names, version=version.number,
                         content_hash=version.content_hash, generated_at=version.created_at),
        sections=[s for s in sections_view(version.content, files, lang, names)
                  if s.key != "attachments"],
        files=files, errors=errors or {}, values=values or {},
        given=request.query_params.get("given") == "1")


@router.get("/expert/routes/{rid}")
def route_page(request: Request, expert: ExpertCaller, route: ExpertRoute(Action.read_route),
               db: SessionDep) -> Response:
    """The dossier as the partner received it, the question, and the opinion form."""
    opinions.record_read(db=db, route=route, expert=expert, kind=AccessKind.dossier)
    return _page(request, db, route, expert)


@router.post("/expert/routes/{rid}/opinion", dependencies=[ExpertCsrf])
def give_opinion(request: Request, expert: ExpertCaller,
                 route: ExpertRoute(Action.give_opinion), db: SessionDep,
                 answer: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    """The expert's opinion, once; the reviewer who asked is told."""
    try:
        opinions.answer(db=db, route=route, expert=expert, body={"answer": answer})
    except (Conflict, Invalid) as exc:
        lang = page_lang(request)
        errors = {e.loc: e.message(lang) for e in exc.errors} or {"_": exc.message(lang)}
        return _page(request, db, route, expert, status=STATUS[type(exc)], errors=errors,
                     values={"answer": answer})
    return RedirectResponse(f"/expert/routes/{route.id}?given=1#opinion", status_code=303)


@router.get("/expert/routes/{rid}/pdf")
def route_pdf(expert: ExpertCaller, route: ExpertRoute(Action.download), db: SessionDep,
              state: StateDep) -> Response:
    """The PDF of the version the expert reads (rendered once per version)."""
    version = opinions.version_of(db=db, expert=expert)
    pdf = ensure_version_pdf(state.runtime, version.id)
    filename = f"dossier-{slug(route.dossier.company_name)}-v{version.number}.pdf"
    # Logged after rendering: on SQLite this write holds the lock the render's own session needs.
    opinions.record_read(db=db, route=route, expert=expert, kind=AccessKind.pdf, name=filename)
    return StreamingResponse(state.store.open(pdf.storage_key), media_type="application/pdf",
                             headers={"Content-Disposition": content_disposition(filename),
                                      "Cache-Control": "private, no-store"})


@router.get("/expert/routes/{rid}/attachments/{aid}")
def attachment(expert: ExpertCaller, route: ExpertRoute(Action.download), aid: str,
               db: SessionDep, state: StateDep) -> Response:
    """A document of the version the expert reads."""
    item = opinions.attachment(db=db, route=route, expert=expert, attachment_id=aid)
    opinions.record_read(db=db, route=route, expert=expert, kind=AccessKind.attachment,
                         item=item)
    return StreamingResponse(state.store.open(item.storage_key), media_type=item.content_type,
                             headers={"Content-Disposition": content_disposition(item.filename),
                                      "Cache-Control": "private, no-store"})
