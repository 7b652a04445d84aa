"""Submission, eligibility and withdrawal (founders); inbox, route detail and events (reviewers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, StrictBool

from app.access_deps import DossierFor, ReadableDossier, ReadableRoute, RouteFor
from app.api.responses import model_json
from app.api.schemas import (
    EVENT_BODY,
    MESSAGE_BODY,
    EventOut,
    InboxPage,
    MessageOut,
    RouteDetail,
    RouteSummary,
    SubmitOut,
)
from app.deps import (
    CurrentUser,
    JsonBody,
    LangDep,
    ReviewerUser,
    SessionDep,
    StateDep,
    json_model,
)
from app.openapi import ATTACHMENT_CONTENT, binary, json_request, problems
from app.route_pdf import route_pdf as route_pdf_response
from banks.eligibility import Eligibility
from dossier.access import Action
from dossier.models import Role
from dossier.money import as_cents
from dossier.services import attachments, inbox, registry, routes, submission
from dossier.services.access import AccessKind, record_access
from storage.headers import content_disposition

router = APIRouter(tags=["routing"])


class SubmitIn(BaseModel):
    """The founder's consent to send the dossier to every partner of `requests`."""

    consent: StrictBool = False  # JSON true only: "yes" or 1 is not consent


@router.get("/dossiers/{dossier_id}/eligibility", response_model=list[Eligibility],
            responses=problems(404))
def eligibility(dossier: ReadableDossier, db: SessionDep, lang: LangDep) -> list[dict[str, Any]]:
    """Per partner: eligible or not, why, and which attachments are missing."""
    return [v.model_dump(mode="json")
            for v in submission.eligibility(db=db, dossier=dossier, lang=lang)]


@router.post("/dossiers/{dossier_id}/submit", status_code=202, response_model=SubmitOut,
             responses=problems(403, 404, 409), openapi_extra=json_request(SubmitIn))
def submit(user: CurrentUser, body: Annotated[SubmitIn, json_model(SubmitIn)],
           dossier: DossierFor(Action.submit_dossier), db: SessionDep, lang: LangDep,
           idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
           ) -> dict[str, Any]:
    """Submit with consent; routing starts at once and runs in the background."""
    version, request = submission.submit(db=db, dossier=dossier, user=user,
                                         consent=body.consent, lang=lang,
                                         idempotency_key=idempotency_key)
    view = {"status": "submitted", "version": version.number, "dossier_id": str(dossier.id),
            "routing": "started" if request else "already_routed",
            "routes": [routes.route_summary(r) for r in
                       submission.routes_of(db=db, dossier=dossier).values()]}
    return view


@router.post("/routes/{route_id}/withdraw", response_model=RouteSummary,
             responses=problems(403, 404, 409))
def withdraw(route: RouteFor(Action.withdraw), user: CurrentUser, db: SessionDep
             ) -> dict[str, Any]:
    """The founder withdraws from one partner: its reviewers lose access at once."""
    routes.withdraw(db=db, route=route, user=user)
    return routes.route_summary(route)


@router.get("/inbox", response_model=InboxPage, responses=problems(403))
def reviewer_inbox(user: ReviewerUser, db: SessionDep,
                   state: Annotated[str | None, Query(max_length=20)] = None,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   sector: Annotated[str | None, Query(max_length=40)] = None,
                   amount_min: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
                   amount_max: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
                   min_days: Annotated[float | None, Query(ge=0, le=36500)] = None,
                   max_days: Annotated[float | None, Query(ge=0, le=36500)] = None,
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                   page_size: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """The routes of the reviewer's own partner: awaiting a decision first, longest waiting
    first; filters by state, company name, sector, amount requested (€) and days waited."""
    return model_json(InboxPage, inbox.inbox(
        db=db, partner=user.partner_code, state=state, q=q, sector=sector,
        amount_min_cents=as_cents(amount_min), amount_max_cents=as_cents(amount_max),
        min_days=min_days, max_days=max_days, page=page, page_size=page_size))


@router.get("/routes/{route_id}", response_model=RouteDetail, responses=problems(404))
def route_detail(route: ReadableRoute, user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    """The route, the content of the version the partner has, its attachments and events;
    reading it is opening it, as on the reviewer's page."""
    baseline = routes.open_route(db=db, route=route, user=user, via="api")
    version = inbox.delivered_version(db=db, route=route)
    return {**routes.route_summary(route),
            "dossier_id": str(route.dossier_id),
            "version": version.number if version else None,
            "content_hash": version.content_hash if version else None,
            "content": version.content if version else None,
            "attachments": version.attachments if version else [],
            "changes": inbox.changes(db=db, route=route, baseline=baseline),
            "events": [routes.event_view(e, founder=user.role == Role.founder)
                       for e in routes.events(db=db, route=route)],
            "messages": [routes.message_view(m) for m in routes.messages(db=db, route=route)],
            "registry": registry.record_for(db, (version.content or {}).get("company") or {})
            if version else None}


@router.get("/routes/{route_id}/events", response_model=list[EventOut],
            responses=problems(404))
def route_events(route: ReadableRoute, user: CurrentUser, db: SessionDep
                 ) -> list[dict[str, Any]]:
    """The route's append-only events (a founder reads neither the recommendation to the
    partner's committee nor its minutes)."""
    return [routes.event_view(e, founder=user.role == Role.founder)
            for e in routes.events(db=db, route=route)]


@router.post("/routes/{route_id}/events", status_code=201, response_model=EventOut,
             responses=problems(403, 404, 409, 413, 415), openapi_extra=EVENT_BODY)
def post_event(user: CurrentUser, body: JsonBody, route: RouteFor(Action.review),
               db: SessionDep, state: StateDep) -> dict[str, Any]:
    """A reviewer's action: opened, in_review, info_requested, recommended (to the partner's
    committee), approved or declined (from `committee`: a committee member, with minutes), or
    revised (within DECISION_REVISION_DAYS of the decision)."""
    return routes.event_view(routes.reviewer_event(
        db=db, route=route, user=user, body=body,
        revision_days=state.settings.decision_revision_days))


@router.get("/routes/{route_id}/messages", response_model=list[MessageOut],
            responses=problems(404))
def list_messages(route: ReadableRoute, db: SessionDep) -> list[dict[str, Any]]:
    """Messages between the partner and the founder."""
    return [routes.message_view(m) for m in routes.messages(db=db, route=route)]


@router.post("/routes/{route_id}/messages", status_code=201, response_model=MessageOut,
             responses=problems(403, 404, 409, 413, 415), openapi_extra=MESSAGE_BODY)
def post_message(user: CurrentUser, body: JsonBody, route: RouteFor(Action.write_message),
                 db: SessionDep) -> dict[str, Any]:
    """Write to the other side; a founder's reply answers an information request."""
    return routes.message_view(routes.post_message(db=db, route=route, user=user, body=body))


@router.get("/routes/{route_id}/pdf", response_class=Response,
            responses={**binary("application/pdf"), **problems(404)})
def route_pdf(route: RouteFor(Action.download), user: CurrentUser, db: SessionDep,
              state: StateDep) -> Response:
    """The PDF of the version delivered to this partner (rendered once per version); for a
    mediation referral, the referral pre-filled from the dossier and the refusal, then the
    dossier."""
    return route_pdf_response(db=db, state=state, route=route, user=user, via="api")


@router.get("/routes/{route_id}/attachments/{attachment_id}/content",
            response_class=StreamingResponse,
            responses={**ATTACHMENT_CONTENT, **problems(404, 409)})
def route_attachment(route: RouteFor(Action.download), attachment_id: str, user: CurrentUser,
                     db: SessionDep, state: StateDep) -> StreamingResponse:
    """An attachment of the delivered version."""
    item = attachments.shared_attachment(db=db, route=route, attachment_id=attachment_id)
    record_access(db=db, route=route, user=user, kind=AccessKind.attachment, via="api",
                  attachment=item)
    return StreamingResponse(state.store.open(item.storage_key), media_type=item.content_type,
                             headers={"X-Content-Type-Options": "nosniff",
                                      "Content-Disposition": content_disposition(item.filename)})
