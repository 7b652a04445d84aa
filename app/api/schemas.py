"""The API's typed answers and request bodies for routing, the inbox and the pipeline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel

from app.openapi import AttachmentOut, RouteOut, json_request
from dossier.routing.payloads import (
    Approval,
    Decline,
    DisbursementIn,
    InfoRequest,
    MessageIn,
    NoPayload,
    Recommend,
    Revision,
)


class ReviewerEventIn(RootModel[Annotated[NoPayload | InfoRequest | Recommend | Approval
                                          | Decline | Revision, Field(discriminator="type")]]):
    """A reviewer's event: `type` says which, and what else it carries."""


# Both are read by the services after the route is loaded: declared here for OpenAPI.
EVENT_BODY = json_request(ReviewerEventIn)
MESSAGE_BODY = json_request(MessageIn)
DISBURSEMENT_BODY = json_request(DisbursementIn)


class ConsentIn(BaseModel):
    """The founder's explicit consent to send the dossier to one more recipient."""

    consent: bool


class DisbursementOut(BaseModel):
    """One tranche paid out."""

    id: str
    route_id: str
    amount_eur: str
    date: str
    label: str | None
    created_at: str


class AlternativeOut(BaseModel):
    """A partner the dossier is eligible for and was not sent to."""

    partner: str
    name: str
    ready: bool
    missing: list[str]
    reasons: list[dict[str, Any]]


class LinkOut(BaseModel):
    """A signed download link."""

    url: str
    expires_in: int


class RouteSummary(RouteOut):
    """One partner's handling of a dossier, with the version it has and the consent given."""

    delivered_version: int | None
    consent_at: str
    consent_version: int


class SubmitOut(BaseModel):
    """A submission accepted: routing runs in the background."""

    status: Literal["submitted"]
    version: int
    dossier_id: str
    routing: Literal["started", "already_routed"]
    routes: list[RouteSummary]


class InboxItem(BaseModel):
    """One line of a partner's inbox."""

    id: str
    dossier_id: str
    company: str | None
    sector: str | None
    state: str
    instrument: str | None
    amount_eur: str | None
    delivered_version: int | None
    delivered_at: str | None
    waiting_days: float
    unread: bool
    updated_at: str


class InboxPage(BaseModel):
    """A page of the inbox and the number of routes matching."""

    items: list[InboxItem]
    page: int
    page_size: int
    total: int


class EventOut(BaseModel):
    """An append-only event of a route."""

    id: str
    type: str
    from_state: str | None
    to_state: str | None
    actor_role: str
    payload: dict[str, Any]
    created_at: str


class MessageOut(BaseModel):
    """A message between the partner and the founder."""

    id: str
    author_role: str
    body: str
    attachment_ids: list[str]
    created_at: str


class FieldChange(BaseModel):
    """One field added, removed or changed between two versions."""

    path: str
    change: Literal["added", "removed", "changed"]
    before: Any
    after: Any


class ChangesOut(BaseModel):
    """What changed since the version the partner read before."""

    from_version: int
    to_version: int
    fields: list[FieldChange]


class RouteDetail(RouteSummary):
    """A route with the delivered version's content, attachments, changes, events, messages."""

    dossier_id: str
    version: int | None
    content_hash: str | None
    content: dict[str, Any] | None
    attachments: list[AttachmentOut]
    changes: ChangesOut | None
    events: list[EventOut]
    messages: list[MessageOut]
    registry: dict[str, Any] | None = None  # company.registry: what the registry says now


class PartnerLine(BaseModel):
    """One partner's volumes, medians, SLA breaches and amounts."""

    code: str
    routed: int
    opened: int
    in_review: int
    info_requested: int
    approved: int
    declined: int
    withdrawn: int
    sla_breaches: int
    median_days_to_first_action: float | None
    median_days_to_decision: float | None
    requested_eur: str
    approved_eur: str
    committee: int = 0
    accepted: int = 0
    accepted_eur: str = "0.00"
    disbursed_eur: str = "0.00"
    leverage: str | None = None  # bank and equity EUR per EUR this partner lent or granted


class StuckRoute(BaseModel):
    """An open route past its partner's SLA."""

    route_id: str
    dossier_id: str
    company: str | None
    partner: str
    state: str
    waiting_days: float


class PipelineOut(BaseModel):
    """Counts per route state and dossier status, one line per partner, the late routes."""

    totals: dict[str, int]
    dossiers: dict[str, int]
    partners: list[PartnerLine]
    generated_at: str
    stuck: list[StuckRoute]
    stuck_total: int
