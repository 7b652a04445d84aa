"""The founder's data page: download everything, or erase the account (with confirmation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import privacy
from app.deps import StateDep
from app.web.common.deps import SESSION_COOKIE, Csrf, FounderPage
from app.web.common.templating import page_lang, render
from dossier.catalogue import _
from dossier.errors import Invalid

router = APIRouter(include_in_schema=False)



@router.get("/founder/data")
def data_page(request: Request, user: FounderPage) -> Response:
    """Export and erasure, explained."""
    return render(request, "founder/privacy.html", error=None)


@router.get("/founder/data/export.zip")
def export(user: FounderPage, state: StateDep) -> Response:
    """Everything we keep about the founder, as a ZIP streamed as it is built."""
    return privacy.export_response(state, user)


@router.post("/founder/data/erase", dependencies=[Csrf])
def erase(request: Request, user: FounderPage, state: StateDep,
          password: Annotated[str, Form(max_length=1000)] = "",
          confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Erase the account and its dossiers once confirmed; the session cookie goes too."""
    lang = page_lang(request)
    if confirm != "yes":
        return render(request, "founder/privacy.html", status_code=422,
                      error=_("Tick the box to confirm the erasure.", lang))
    try:
        erased = privacy.erase(state, user_id=user.id, password=password)
    except Invalid as exc:
        return render(request, "founder/privacy.html", status_code=422,
                      error=exc.errors[0].message(lang) if exc.errors else exc.message(lang))
    request.state.user, request.state.csrf = None, ""
    response = render(request, "founder/erased.html", count=len(erased))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
