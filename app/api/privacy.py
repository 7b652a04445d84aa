"""The caller's own data: export everything as a ZIP, erase a founder's account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from app import privacy
from app.deps import CurrentUser, StateDep, allowed_to, json_model
from app.openapi import binary, json_request, problems
from dossier.access import Action
from dossier.models import User

router = APIRouter(tags=["privacy"])


class ErasureIn(BaseModel):
    """The founder's password, asked again: erasure cannot be undone."""

    password: str = Field(min_length=1, max_length=1000)


class ErasureOut(BaseModel):
    """What was erased: the account, its sessions and tokens, and these dossiers."""

    erased: bool = True
    dossiers: list[str]


@router.get("/me/export", response_class=StreamingResponse,
            responses=binary("application/zip",
                             description="data.json and the attachment files"))
def export(user: CurrentUser, state: StateDep) -> StreamingResponse:
    """Everything stored about the caller (account, dossiers, versions, routes, events,
    messages, consents, notifications) with the attachment files, as a ZIP."""
    return privacy.export_response(state, user)


@router.post("/me/erasure", response_model=ErasureOut, responses=problems(403),
             openapi_extra=json_request(ErasureIn))
def erase(user: Annotated[User, allowed_to(Action.erase_account)],
          body: Annotated[ErasureIn, json_model(ErasureIn)], state: StateDep) -> ErasureOut:
    """Erase the founder's account and dossiers (rows and stored files); tokens end at once.

    Partners keep what they received on their own systems (webhook deliveries); our copies,
    including their portal access to these dossiers, are gone.
    """
    return ErasureOut(dossiers=privacy.erase(state, user_id=user.id, password=body.password))
