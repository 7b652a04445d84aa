"""Pages of the founder area: the dashboard, and the wizard, documents, partners and status."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, FounderPage
from app.web.common.templating import render
from app.web.founder import after_decision as founder_after_decision
from app.web.founder import attachments as founder_attachments
from app.web.founder import fec as founder_fec
from app.web.founder import partners as founder_partners
from app.web.founder import privacy as founder_privacy
from app.web.founder import status as founder_status
from app.web.founder import wizard as founder_wizard
from app.web.founder.common import dossier_url, progress
from dossier import access
from dossier.access import Action
from dossier.services import dossiers, notifications
from dossier.services.partners import partner_names
from dossier.services.submission import routes_of

router = APIRouter(include_in_schema=False)


@router.get("/founder")
def dashboard(request: Request, user: FounderPage, db: SessionDep) -> Response:
    """The founder's dossiers, newest first, and a button to start one."""
    rows = []
    mine = dossiers.list_for_user(db=db, user=user, limit=200)
    due = notifications.answers_due(db=db, dossier_ids=[d.id for d in mine],
                                    policy=notifications.current_policy())
    for d in mine:
        routes = routes_of(db=db, dossier=d)
        rows.append({"dossier": d, "percent": progress(db, d)["percent"],
                     "partners": sorted(routes), "routes": len(routes),
                     "answer_due": due.get(d.id)})
    names = partner_names(db=db) if due else {}
    return render(request, "founder/dashboard.html", rows=rows, names=names)


@router.post("/founder/dossiers/new", dependencies=[Csrf])
def new_dossier(user: FounderPage, db: SessionDep) -> Response:
    """Start an empty draft and open the wizard's first step."""
    access.require(user, Action.create_dossier)
    dossier = dossiers.create_draft(db=db, owner=user, data={"schema_version": 1})
    return RedirectResponse(dossier_url(dossier, "/edit/company"), status_code=303)


for _module in (founder_wizard, founder_attachments, founder_fec, founder_partners,
                founder_status, founder_after_decision, founder_privacy):
    router.include_router(_module.router)
