"""After a refusal: the other partners the dossier is eligible for, and a referral to the
Banque de France's Médiation du crédit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.errors import Conflict, FieldError, Invalid
from dossier.models import Dossier, DossierVersion, Partner, Route, User
from dossier.routing.machine import State
from dossier.services import routes, submission
from dossier.services.partners import delivery_channels, partner_names

MEDIATOR = "bdf"  # the Banque de France hosts the Médiation du crédit
MEDIATION = "mediation"
BANK = "bank"


def alternatives(*, db: Session, dossier: Dossier, lang: str = "fr") -> list[dict[str, Any]]:
    """Partners the dossier is eligible for and was not sent to, with what each still needs."""
    sent = set(submission.routes_of(db=db, dossier=dossier))
    names = partner_names(db=db)
    return [{"partner": v.partner, "name": names.get(v.partner, v.partner), "ready": v.ready,
             "missing": v.missing, "reasons": [r.model_dump(mode="json") for r in v.reasons]}
            for v in submission.eligibility(db=db, dossier=dossier, lang=lang)
            if v.eligible and v.partner not in sent]


def mediation_of(*, db: Session, dossier_id: Any) -> Route | None:
    """The dossier's referral to the Médiation du crédit, if one was opened."""
    return db.scalar(select(Route).where(Route.dossier_id == dossier_id,
                                         Route.kind == MEDIATION))


def routes_and_referral(*, db: Session, dossier: Dossier) -> tuple[list[Route], Route | None]:
    """The dossier's funding routes and its referral to the Médiation du crédit (if one was
    opened), in one query."""
    rows = list(db.scalars(select(Route).where(Route.dossier_id == dossier.id)))
    return ([r for r in rows if r.kind == "funding"],
            next((r for r in rows if r.kind == MEDIATION), None))


def can_refer(*, db: Session, route: Route) -> bool:
    """A bank's refusal may be taken to the Médiation du crédit, once per dossier."""
    kind = db.scalar(select(Partner.kind).where(Partner.code == route.partner_code))
    return (route.kind == "funding" and route.state == State.declined and kind == BANK
            and mediation_of(db=db, dossier_id=route.dossier_id) is None)


def refusal(route: Route) -> dict[str, Any]:
    """What the referral carries of the bank's refusal."""
    decision = route.decision or {}
    return {"route_id": str(route.id), "partner": route.partner_code,
            "reason": decision.get("reason"), "comment": decision.get("comment"),
            "declined_at": decision.get("decided_at"),
            "amount_cents": route.amount_cents, "instrument": route.instrument}


def open_mediation(*, db: Session, route: Route, user: User, body: Any,
                   now: datetime | None = None) -> Route:
    """The founder takes a bank's refusal to the Médiation du crédit: a route to the Banque
    de France of kind `mediation`, sent the current version, carrying the refusal."""
    if not isinstance(body, dict) or body.get("consent") is not True:
        raise Invalid("consent_required", errors=[FieldError("consent", "consent_required")])
    now = now or utcnow()
    dossier = db.get(Dossier, route.dossier_id)
    submission.lock(db=db, dossier=dossier)  # one referral, however many clicks
    routes.lock(db=db, route=route)
    if not can_refer(db=db, route=route):
        opened = mediation_of(db=db, dossier_id=route.dossier_id)
        raise Conflict("mediation_open" if opened else "mediation_not_possible",
                       {"state": str(route.state)})
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == dossier.id,
        DossierVersion.number == dossier.current_version))
    referral = Route(dossier_id=dossier.id, partner_code=MEDIATOR, kind=MEDIATION,
                     origin=refusal(route), instrument=None, amount_cents=route.amount_cents,
                     consent_version=version.number, consent_at=now, created_at=now)
    routes.fire(db=db, route=referral, user=user, event="submitted", now=now,
                payload={"version": version.number, "consent": True, "kind": MEDIATION,
                         "refused_by": route.partner_code})
    submission.send_version(db=db, version=version, route=referral, kind="submit",
                            channel=delivery_channels(db=db).get(MEDIATOR, "portal"))
    return referral


def referral_facts(*, db: Session, route: Route) -> dict[str, Any]:
    """What the referral PDF is made of: the delivered content, the refusal, the bank."""
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == route.delivered_version))
    names = partner_names(db=db)
    refusal = route.origin or {}
    return {"content": version.content if version else {}, "refusal": refusal,
            "bank": names.get(refusal.get("partner"), refusal.get("partner") or ""),
            "referred_at": route.created_at, "partners": names,
            "attachments": version.attachments if version else [],
            "version": version.number if version else None}
