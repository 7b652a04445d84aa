"""After a partner's decision, from the status page: accept an offer, send the dossier to
other partners in two clicks, take a bank's refusal to the Médiation du crédit."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from app.deps import SessionDep
from app.web.common.deps import (
    Csrf,
    FounderDossier,
    FounderPage,
    FounderRoute,
    PostedForm,
    ReadDossierPage,
)
from app.web.common.templating import page_lang
from app.web.founder import offers
from app.web.founder import partners as founder_partners
from app.web.founder.common import dossier_url
from app.web.founder.status import _same_dossier, status_page
from dossier.access import Action
from dossier.catalogue import _
from dossier.errors import DomainError, NotFound
from dossier.routing.machine import State
from dossier.services import referrals, routes, submission
from dossier.services.partners import partner_names
from dossier.services.submission import routes_of
from forms.formatting import fill

router = APIRouter(include_in_schema=False)
BASE = "/founder/dossiers/{dossier_id}"
ChoosingDossier = FounderDossier(Action.choose_partners)


@router.post(BASE + "/routes/{route_id}/accept", dependencies=[Csrf])
def accept(dossier: ReadDossierPage, route: FounderRoute(Action.accept_offer), request: Request,
           user: FounderPage, db: SessionDep, form: PostedForm) -> Response:
    """Accept an approved offer, once confirmed (a conditional one once its conditions hold)."""
    _same_dossier(dossier, route)
    lang = page_lang(request)
    done = RedirectResponse(dossier_url(dossier, f"?accepted={route.id}#route-{route.id}"),
                            status_code=303)
    if form.get("confirm") != "yes":
        return status_page(request, db, dossier, status_code=422, errors={
            f"accept-confirm-{route.id}": _("Tick the box to confirm that you accept this "
                                            "offer.", lang)})
    if route.state == State.accepted:
        return done  # a second click: the offer is taken already
    try:
        routes.accept(db=db, route=route, user=user)
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        return status_page(request, db, dossier, status_code=exc.status, errors={
            f"route-{route.id}": offers.refusal(exc, offers.ACCEPT_REFUSALS, route.state,
                                                lang)})
    return done


@router.post(BASE + "/routes/{route_id}/mediation", dependencies=[Csrf])
def mediation(dossier: ReadDossierPage, route: FounderRoute(Action.open_mediation),
              request: Request, user: FounderPage, db: SessionDep,
              form: PostedForm) -> Response:
    """Take a bank's refusal to the Médiation du crédit, with the founder's consent."""
    _same_dossier(dossier, route)
    lang = page_lang(request)
    try:
        referral = referrals.open_mediation(db=db, route=route, user=user,
                                            body={"consent": form.get("consent") == "yes"})
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        opened = referrals.mediation_of(db=db, dossier_id=dossier.id)
        key = (f"mediation-consent-{route.id}" if exc.code == "consent_required"
               else f"route-{opened.id}" if opened is not None else f"route-{route.id}")
        return status_page(request, db, dossier, status_code=exc.status, errors={
            key: offers.refusal(exc, offers.MEDIATION_REFUSALS, route.state, lang)})
    return RedirectResponse(dossier_url(dossier, f"?mediation=1#route-{referral.id}"),
                            status_code=303)


@router.post(BASE + "/alternatives", dependencies=[Csrf])
def send_to_alternatives(dossier: ChoosingDossier, request: Request, user: FounderPage,
                         db: SessionDep, form: PostedForm) -> Response:
    """Send the dossier to the other partners ticked, each with the request proposed: the
    partners page's own flow (founder/partners.py, `add_partners`) does the sending."""
    lang = page_lang(request)
    picked = list(dict.fromkeys(str(v) for v in form.getlist("send")))
    if not picked:
        return status_page(request, db, dossier, status_code=422, errors={
            "alternatives": _("Tick the partners to send your dossier to.", lang)})
    submission.lock(db=db, dossier=dossier)
    funding = list(routes_of(db=db, dossier=dossier).values())
    names = partner_names(db=db)
    ready = {a.code: a for a in offers.alternatives(db, dossier, funding, names, lang)
             if a.ready and a.proposal is not None}
    gone = [c for c in picked if c not in ready]
    if gone:
        return status_page(request, db, dossier, status_code=422, errors={
            "alternatives": fill(_("{names}: cannot be sent from here any more; see the "
                                   "partners page.", lang), lang,
                                 names=", ".join(names.get(c, c) for c in gone))})
    fields = [("_action", "add")] + [(k, c) for c in picked for k in ("choose", "consent")]
    fields += [f for c in picked for f in ready[c].proposal.form(c)]  # type: ignore[union-attr]
    return founder_partners.add_partners(request, db, user, dossier, FormData(fields))

