"""Eligibility of a dossier for each partner, and submission that refuses ineligible partners."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from banks.catalogue import PartnerSpec
from banks.eligibility import Eligibility, evaluate
from dossier.errors import FieldError, Invalid
from dossier.models import Dossier, DossierVersion, RoutingRequest, User
from dossier.schema import DossierV1
from dossier.services import submission
from dossier.services.partners import delivery_channels, list_partners
from dossier.services.submission import routes_of


def eligibility(*, db: Session, dossier: Dossier, lang: str = "fr",
                today: date | None = None) -> list[Eligibility]:
    """Every active partner's verdict on the dossier, requested partners first."""
    content = DossierV1.model_validate(dossier.content)
    kinds = {a.kind for a in dossier.attachments}
    today = today or date.today()
    verdicts = [evaluate(PartnerSpec.from_row(p), content, attachment_kinds=kinds, today=today,
                         lang=lang) for p in list_partners(db=db)]
    return sorted(verdicts, key=lambda v: (not v.requested, v.partner))


def submit(*, db: Session, dossier: Dossier, user: User, consent: bool, lang: str = "fr",
           idempotency_key: str | None = None) -> tuple[DossierVersion, RoutingRequest | None]:
    """Submit to every requested partner, refusing any that is not ready, with its reasons."""
    submission.require_owner(user, dossier)
    submission.lock(db=db, dossier=dossier)  # before reading: a concurrent submit may be ahead
    done = submission.replayed(db=db, dossier=dossier, idempotency_key=idempotency_key)
    if done is not None:
        return done, None
    content = DossierV1.model_validate(dossier.content)
    already = routes_of(db=db, dossier=dossier)
    verdicts = {v.partner: v for v in eligibility(db=db, dossier=dossier, lang=lang)}
    errors = []
    for index, request in enumerate(content.requests or []):
        verdict = verdicts.get(request.partner)
        if verdict is None or request.partner in already:
            continue
        for reason in verdict.reasons:
            if not reason.ok:
                errors.append(FieldError(f"requests[{index}].partner", "partner_ineligible",
                                         {"partner": request.partner, "reason": reason.message}))
        if verdict.missing:
            errors.append(FieldError(f"requests[{index}].partner", "attachments_missing",
                                     {"partner": request.partner,
                                      "kinds": ", ".join(verdict.missing)}))
    if errors:
        raise Invalid("submission_refused", {"count": len(errors)}, errors=errors)
    return submission.submit(db=db, dossier=dossier, user=user, consent=consent,
                             channels=delivery_channels(db=db), idempotency_key=idempotency_key)
