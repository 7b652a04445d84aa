"""Submission and amendments: a version, its routes, deliveries and outbox row, in one go."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.errors import FieldError, Invalid
from dossier.locks import hold
from dossier.models import (
    Delivery,
    Dossier,
    DossierStatus,
    DossierVersion,
    Route,
    RouteEvent,
    RoutingRequest,
    User,
)
from dossier.money import as_cents
from dossier.routing.machine import CLOSED_STATES, Actor, State
from dossier.services.dossiers import make_version, parse_content, require_owner, update_draft


def routes_of(*, db: Session, dossier: Dossier) -> dict[str, Route]:
    """The dossier's routes by partner code."""
    rows = db.scalars(select(Route).where(Route.dossier_id == dossier.id))
    return {r.partner_code: r for r in rows}


def lock(*, db: Session, dossier: Dossier) -> None:
    """Hold the dossier until commit, so concurrent submits and amendments run one by one."""
    hold(db, dossier, gone="dossier_not_found")


def replayed(*, db: Session, dossier: Dossier, idempotency_key: str | None
             ) -> DossierVersion | None:
    """The version a submit with this Idempotency-Key already routed, if any."""
    if not idempotency_key:
        return None
    events = db.scalars(select(RouteEvent).join(Route, Route.id == RouteEvent.route_id).where(
        Route.dossier_id == dossier.id, RouteEvent.type == "submitted"))
    number = next((e.payload.get("version") for e in events
                   if e.payload.get("idempotency_key") == idempotency_key), None)
    if number is None:
        return None
    return db.scalar(select(DossierVersion).where(DossierVersion.dossier_id == dossier.id,
                                                  DossierVersion.number == number))


def submit(*, db: Session, dossier: Dossier, user: User, consent: bool,
           channels: Mapping[str, str], now: datetime | None = None,
           idempotency_key: str | None = None
           ) -> tuple[DossierVersion, RoutingRequest | None]:
    """Freeze a version and route it to every requested partner not yet routed.

    `channels` maps partner code to its delivery channel. Submitting the same version again,
    or with an Idempotency-Key already used on this dossier, routes nothing twice: it returns
    the version and no new routing request.
    """
    require_owner(user, dossier)
    if consent is not True:
        raise Invalid("consent_required", errors=[FieldError("consent", "consent_required")])
    lock(db=db, dossier=dossier)
    done = replayed(db=db, dossier=dossier, idempotency_key=idempotency_key)
    if done is not None:
        return done, None
    now = now or utcnow()
    content = parse_content(db=db, data=dossier.content)
    version = make_version(db=db, dossier=dossier, user=user, content=content)
    existing = routes_of(db=db, dossier=dossier)
    new_requests = [r for r in (content.requests or []) if r.partner not in existing]
    if not new_requests:
        return version, None
    request = _outbox(db=db, version=version, kind="submit")
    for item in new_requests:
        route = Route(
            dossier_id=dossier.id, partner_code=item.partner, state=State.queued.value,
            instrument=str(item.instrument), amount_cents=as_cents(item.amount_eur),
            consent_version=version.number, consent_at=now, created_at=now, updated_at=now,
        )
        db.add(route)
        db.flush()
        db.add(RouteEvent(route_id=route.id, type="submitted", to_state=State.queued.value,
                          actor_id=user.id, actor_role=Actor.founder.value, created_at=now,
                          payload={"version": version.number, "consent": True,
                                   "instrument": route.instrument,
                                   **({"idempotency_key": idempotency_key}
                                      if idempotency_key else {})}))
        _delivery(db=db, request=request, version=version, route=route,
                  event_type="dossier.submitted", channel=channels.get(item.partner, "portal"))
    db.flush()
    return version, request


def propagate_amendment(*, db: Session, dossier: Dossier, version: DossierVersion,
                        user: User, channels: Mapping[str, str],
                        now: datetime | None = None) -> RoutingRequest | None:
    """Send a new version as an update to every partner that has not decided."""
    now = now or utcnow()
    open_routes = [r for r in routes_of(db=db, dossier=dossier).values()
                   if State(r.state) not in CLOSED_STATES]
    if not open_routes or db.scalar(select(RoutingRequest.id).where(
            RoutingRequest.version_id == version.id)):
        return None
    request = _outbox(db=db, version=version, kind="amend")
    for route in open_routes:
        _delivery(db=db, request=request, version=version, route=route,
                  event_type="dossier.updated", channel=channels.get(route.partner_code, "portal"))
        if route.state == State.info_requested:
            from dossier.services.routes import fire

            fire(db=db, route=route, user=user, event="info_answered",
                 payload={"version": version.number, "by": "amendment"}, now=now)
    db.flush()
    return request


def save(*, db: Session, dossier: Dossier, user: User, data: Any,
         channels: Mapping[str, str]) -> Dossier:
    """PUT: replace a draft, or amend a submitted dossier."""
    require_owner(user, dossier)
    lock(db=db, dossier=dossier)
    if is_submitted(dossier):
        amend(db=db, dossier=dossier, user=user, data=data, channels=channels)
        return dossier
    return update_draft(db=db, dossier=dossier, user=user, data=data)


def amend(*, db: Session, dossier: Dossier, user: User, data: Any,
          channels: Mapping[str, str]) -> DossierVersion | None:
    """A new version of a submitted dossier, delivered as an update (None if unchanged)."""
    require_owner(user, dossier)
    before = dossier.current_version
    content = parse_content(db=db, data=data)
    version = make_version(db=db, dossier=dossier, user=user, content=content)
    if version.number == before:
        return None
    propagate_amendment(db=db, dossier=dossier, version=version, user=user, channels=channels)
    return version


def _outbox(*, db: Session, version: DossierVersion, kind: str) -> RoutingRequest:
    request = RoutingRequest(version_id=version.id, kind=kind)
    db.add(request)
    db.flush()
    return request


def _delivery(*, db: Session, request: RoutingRequest, version: DossierVersion, route: Route,
              event_type: str, channel: str) -> Delivery:
    delivery = Delivery(request_id=request.id, version_id=version.id, route_id=route.id,
                        partner_code=route.partner_code, event_type=event_type, channel=channel)
    db.add(delivery)
    return delivery


def is_submitted(dossier: Dossier) -> bool:
    """True once a version exists."""
    return dossier.status == DossierStatus.submitted and bool(dossier.current_version)

