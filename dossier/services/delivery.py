"""Deliveries: claim one under a lease, settle it exactly once, close the outbox row."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.models import Delivery, DossierVersion, Route, RoutingRequest
from dossier.routing.machine import CLOSED_STATES, State
from dossier.services.routes import fire

LEASE = timedelta(minutes=5)
MAX_ROUNDS = 8
CLAIMABLE = ("pending", "in_flight")


def due(*, db: Session, now: datetime | None = None, limit: int = 500,
        version_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Deliveries that may be attempted now (new, retry due, or lease expired)."""
    now = now or utcnow()
    stmt = (select(Delivery.id)
            .where(Delivery.status.in_(CLAIMABLE),
                   or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
            .order_by(Delivery.created_at).limit(limit))
    if version_id is not None:
        stmt = stmt.where(Delivery.version_id == version_id)
    return list(db.scalars(stmt))


def claim(*, db: Session, delivery_id: uuid.UUID, now: datetime | None = None) -> bool:
    """Take a delivery for one attempt; False if someone else holds it or it is settled."""
    now = now or utcnow()
    result = db.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status.in_(CLAIMABLE),
               or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .values(status="in_flight", next_attempt_at=now + LEASE, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def describe(*, db: Session, delivery_id: uuid.UUID) -> dict[str, Any]:
    """What a channel needs to know about a claimed delivery."""
    delivery = db.get(Delivery, delivery_id)
    version = db.get(DossierVersion, delivery.version_id)
    return {"delivery_id": str(delivery.id), "partner": delivery.partner_code,
            "event_type": delivery.event_type, "channel": delivery.channel,
            "dossier_id": str(version.dossier_id), "version": version.number,
            "version_id": str(version.id), "route_id": str(delivery.route_id)}


def settle_delivered(*, db: Session, delivery_id: uuid.UUID, detail: str = "",
                     now: datetime | None = None) -> bool:
    """Record success once; the route moves to delivered (or records the update)."""
    now = now or utcnow()
    delivery = _locked(db, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return False
    delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
    delivery.next_attempt_at = None
    route = _locked_route(db, delivery.route_id)
    version = db.get(DossierVersion, delivery.version_id)
    if State(route.state) not in CLOSED_STATES:
        if delivery.event_type == "dossier.submitted" and route.state in (
                State.queued, State.delivery_failed):
            fire(db=db, route=route, user=None, event="delivered", now=now,
                 payload={"version": version.number, "channel": delivery.channel,
                          "detail": detail[:200]})
            route.delivered_at = route.delivered_at or now
        elif route.state not in (State.queued, State.delivery_failed):
            fire(db=db, route=route, user=None, event="updated", now=now,
                 payload={"version": version.number, "previous": route.delivered_version})
        route.delivered_version = max(route.delivered_version or 0, version.number)
    _maybe_complete(db, delivery.request_id, now)
    db.flush()
    return True


def settle_failed(*, db: Session, delivery_id: uuid.UUID, error: str, retryable: bool,
                  now: datetime | None = None) -> str:
    """Record a failed attempt: retry later with backoff, or give up; returns the new status."""
    now = now or utcnow()
    delivery = _locked(db, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return "delivered"
    delivery.last_error = error[:500]
    if retryable and delivery.attempts < MAX_ROUNDS:
        delivery.status = "pending"
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    else:
        delivery.status, delivery.next_attempt_at = "failed", None
    route = _locked_route(db, delivery.route_id)
    if route.state in (State.queued, State.delivery_failed):
        fire(db=db, route=route, user=None, event="delivery_failed", now=now,
             payload={"attempt": delivery.attempts, "error": error[:200],
                      "final": delivery.status == "failed"})
    _maybe_complete(db, delivery.request_id, now)
    db.flush()
    return delivery.status


def backoff(attempt: int, base: float = 30.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff with full jitter between reconciliation rounds."""
    return timedelta(seconds=random.uniform(base / 2, min(cap, base * 2 ** attempt)))  # noqa: S311


def pending_requests(*, db: Session, limit: int = 100) -> list[uuid.UUID]:
    """Outbox rows not completed yet, oldest first."""
    return list(db.scalars(select(RoutingRequest.id).where(RoutingRequest.completed_at.is_(None))
                           .order_by(RoutingRequest.created_at).limit(limit)))


def _maybe_complete(db: Session, request_id: uuid.UUID, now: datetime) -> None:
    open_count = db.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.request_id == request_id, Delivery.status.in_(CLAIMABLE)))
    if not open_count:
        db.execute(update(RoutingRequest).where(RoutingRequest.id == request_id,
                                                RoutingRequest.completed_at.is_(None))
                   .values(completed_at=now).execution_options(synchronize_session=False))


def _locked(db: Session, delivery_id: uuid.UUID) -> Delivery | None:
    return db.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update()
                     .execution_options(populate_existing=True))


def _locked_route(db: Session, route_id: uuid.UUID) -> Route:
    return db.scalar(select(Route).where(Route.id == route_id).with_for_update()
                     .execution_options(populate_existing=True))
