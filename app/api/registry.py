"""The company registry's facts for a SIREN or SIRET: verified, pending, or unknown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.deps import SessionDep, StateDep, allowed_to
from app.openapi import problems
from dossier.access import Action
from dossier.errors import FieldError, Invalid, NotFound
from dossier.models import User
from dossier.registry import InvalidNumber
from dossier.services import registry

router = APIRouter(tags=["registry"])
LookUpUser = Annotated[User, allowed_to(Action.registry_lookup)]


class AddressOut(BaseModel):
    """The head office (or the establishment of a SIRET)."""

    line1: str
    postal_code: str
    city: str
    country: str


class CompanyOut(BaseModel):
    """What the registry says of the company, and when it said it."""

    siren: str
    siret: str | None
    legal_name: str
    legal_form: str
    naf_code: str | None
    address: AddressOut
    creation_date: str | None
    headcount_range: str | None
    active: bool
    source: str
    fetched_at: str
    status: str = "verified"


class PendingOut(BaseModel):
    """The registry did not answer in time: go on; the company is checked later."""

    status: str = "pending"
    retry_after_s: float


@router.get("/registry/companies/{siren_or_siret}", response_model=CompanyOut,
            responses={202: {"model": PendingOut,
                             "description": "The registry is slow or down: checked later"},
                       **problems(401, 403, 404, 422)})
def company(siren_or_siret: Annotated[str, Path(max_length=32)], user: LookUpUser,
            db: SessionDep, state: StateDep) -> Any:
    """The registry's facts, from the cache or asked within REGISTRY_TIMEOUT seconds."""
    try:
        found = registry.look_up(db, state.registry, siren_or_siret,
                                 ttl_days=state.settings.registry_ttl_days)
    except InvalidNumber:
        raise Invalid("invalid_company_number", errors=[
            FieldError("siren_or_siret", "invalid_company_number")]) from None
    db.commit()
    if found.status == "pending":
        return JSONResponse({"status": "pending", "retry_after_s": found.retry_after_s},
                            status_code=202)
    if found.facts is None:
        raise NotFound("company_not_in_registry")
    return {**found.facts.as_json(), "fetched_at": found.fetched_at.isoformat(),
            "status": "verified"}
