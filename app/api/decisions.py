"""After a decision: the founder accepts an offer, the partner pays tranches, a refusal leads
to other partners or to the Médiation du crédit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.access_deps import ReadableDossier, ReadableRoute, RouteFor
from app.api.schemas import (
    DISBURSEMENT_BODY,
    AlternativeOut,
    ConsentIn,
    DisbursementOut,
    RouteSummary,
)
from app.deps import CurrentUser, JsonBody, LangDep, SessionDep
from app.openapi import json_request, problems
from dossier.access import Action
from dossier.models import Disbursement
from dossier.money import as_str, from_cents
from dossier.services import decisions, referrals, routes

router = APIRouter(tags=["decisions"])


def tranche_view(row: Disbursement) -> dict[str, Any]:
    """The public shape of a tranche."""
    return {"id": str(row.id), "route_id": str(row.route_id),
            "amount_eur": as_str(from_cents(row.amount_cents)), "date": row.paid_on.isoformat(),
            "label": row.label, "created_at": row.created_at.isoformat()}


@router.post("/routes/{route_id}/accept", response_model=RouteSummary,
             responses=problems(403, 404, 409))
def accept(route: RouteFor(Action.accept_offer), user: CurrentUser, db: SessionDep
           ) -> dict[str, Any]:
    """The founder accepts an approved offer (a conditional one once its conditions are met)."""
    routes.accept(db=db, route=route, user=user)
    return routes.route_summary(route)


@router.get("/routes/{route_id}/disbursements", response_model=list[DisbursementOut],
            responses=problems(404))
def list_disbursements(route: ReadableRoute, db: SessionDep) -> list[dict[str, Any]]:
    """The tranches paid out on the route, oldest first."""
    return [tranche_view(t) for t in decisions.tranches(db=db, route=route)]


@router.post("/routes/{route_id}/disbursements", status_code=201, response_model=DisbursementOut,
             responses=problems(403, 404, 409), openapi_extra=DISBURSEMENT_BODY)
def disburse(route: RouteFor(Action.disburse), user: CurrentUser, body: JsonBody,
             db: SessionDep) -> dict[str, Any]:
    """The partner records a tranche paid out; never more than approved in all."""
    return tranche_view(routes.disburse(db=db, route=route, user=user, body=body))


@router.get("/dossiers/{dossier_id}/alternatives", response_model=list[AlternativeOut],
            responses=problems(404))
def alternatives(dossier: ReadableDossier, db: SessionDep, lang: LangDep
                 ) -> list[dict[str, Any]]:
    """Other partners the dossier is eligible for, with what each still needs."""
    return referrals.alternatives(db=db, dossier=dossier, lang=lang)


@router.post("/routes/{route_id}/mediation", status_code=201, response_model=RouteSummary,
             responses=problems(403, 404, 409), openapi_extra=json_request(ConsentIn))
def mediation(route: RouteFor(Action.open_mediation), user: CurrentUser, body: JsonBody,
              db: SessionDep) -> dict[str, Any]:
    """Take a bank's refusal to the Médiation du crédit (body `{"consent": true}`): a route to
    the Banque de France of kind `mediation`, carrying the refusal."""
    return routes.route_summary(referrals.open_mediation(db=db, route=route, user=user,
                                                         body=body))
