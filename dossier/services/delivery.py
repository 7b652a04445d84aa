"""Deliveries: claim one under a lease, settle it exactly once, retry on one schedule.

This module owns delivery retries: each claim is one attempt, counted on the row with the
budget it was given; a failed attempt gets its next attempt time here (backoff, or the
partner's Retry-After if later), and once the budget is spent the delivery fails, once,
and staff are told. Flows only run what is due.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.models import Delivery, DossierVersion, Route, RoutingRequest
from dossier.routing.machine import CLOSED_STATES, State
from dossier.services import notifications
from dossier.services.routes import fire

LEASE = timedelta(minutes=5)
CLAIMABLE = ("pending", "in_flight")
LOST = "no answer to the last attempt (its worker was lost)"


@dataclass(frozen=True)
class RetryPolicy:
    """The one retry schedule: at most `max_attempts`, `base` seconds doubling up to `cap`.

    A partner's Retry-After makes the next attempt later still, up to `retry_after_max`.
    """

    max_attempts: int = 8
    base: float = 30.0
    cap: float = 3600.0
    retry_after_max: float = 21600.0

    def delay(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """The wait after the `attempts`-th failure: jittered backoff, or Retry-After."""
        backoff = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        seconds = backoff * random.uniform(0.5, 1.0)  # noqa: S311  (spread, not secrecy)
        if retry_after is not None:
            seconds = max(seconds, min(max(retry_after, 0.0), self.retry_after_max))
        return timedelta(seconds=seconds)


DEFAULT_POLICY = RetryPolicy()


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


def claim(*, db: Session, delivery_id: uuid.UUID, now: datetime | None = None,
          policy: RetryPolicy = DEFAULT_POLICY) -> bool:
    """Take a delivery for one attempt within its budget; False if taken, settled or spent."""
    now = now or utcnow()
    budget = func.coalesce(Delivery.max_attempts, policy.max_attempts)
    result = db.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status.in_(CLAIMABLE),
               or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
               Delivery.attempts < budget)
        .values(status="in_flight", next_attempt_at=now + LEASE, attempts=Delivery.attempts + 1,
                max_attempts=budget)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def give_up_lost(*, db: Session, now: datetime | None = None,
                 policy: RetryPolicy = DEFAULT_POLICY, link_base: str = "") -> int:
    """Fail the deliveries whose last attempt died with its worker (lease over, budget spent)."""
    now = now or utcnow()
    ids = list(db.scalars(select(Delivery.id).where(
        Delivery.status == "in_flight", Delivery.next_attempt_at <= now,
        Delivery.attempts >= func.coalesce(Delivery.max_attempts, policy.max_attempts))))
    return sum(settle_failed(db=db, delivery_id=delivery_id, error=LOST, retryable=False,
                             policy=policy, link_base=link_base, now=now) == "failed"
               for delivery_id in ids)


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
                  retry_after: float | None = None, policy: RetryPolicy = DEFAULT_POLICY,
                  link_base: str = "", now: datetime | None = None) -> str:
    """Record a failed attempt: due again later, or failed for good; returns the new status.

    Only the attempt in flight is settled, by one conditional update: a delivery fails, and
    staff hear of it, once, however many rounds settle it concurrently (on SQLite too, where
    the row lock is a no-op).
    """
    now = now or utcnow()
    delivery = _locked(db, delivery_id)
    if delivery is None:
        return "delivered"
    if delivery.status != "in_flight":
        return delivery.status
    if retryable and delivery.attempts < (delivery.max_attempts or policy.max_attempts):
        status, next_at = "pending", now + policy.delay(delivery.attempts, retry_after)
    else:
        status, next_at = "failed", None
    settled = db.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "in_flight",
                               Delivery.attempts == delivery.attempts)
        .values(status=status, next_attempt_at=next_at, last_error=error[:500])
        .execution_options(synchronize_session=False)).rowcount == 1
    db.refresh(delivery)
    if not settled:  # another round settled this attempt, or a newer one is in flight
        return delivery.status
    route = _locked_route(db, delivery.route_id)
    if route.state in (State.queued, State.delivery_failed):
        fire(db=db, route=route, user=None, event="delivery_failed", now=now,
             payload={"attempt": delivery.attempts, "error": error[:200],
                      "final": delivery.status == "failed"})
    if delivery.status == "failed":
        notifications.delivery_failed(db=db, delivery=delivery, route=route,
                                      link_base=link_base)
    _maybe_complete(db, delivery.request_id, now)
    db.flush()
    return delivery.status


def outcomes(*, db: Session, delivery_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """Deliveries as they stand after settling, by partner."""
    rows = db.scalars(select(Delivery).where(Delivery.id.in_(list(delivery_ids)))
                      .order_by(Delivery.partner_code))
    return [{"partner": d.partner_code, "channel": d.channel, "status": d.status,
             "attempts": d.attempts, "error": d.last_error or ""} for d in rows]


def version_subject(*, db: Session, version_id: uuid.UUID) -> tuple[str | None, int] | None:
    """The company's name and the number of a version; None if it is gone."""
    version = db.get(DossierVersion, version_id)
    if version is None:
        return None
    return ((version.content or {}).get("company") or {}).get("legal_name"), version.number


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
    # A write before the read: SQLite's transactions take the write lock at their first
    # write, so without it an erasure could delete the row between this read and our update
    # (StaleDataError). On PostgreSQL the no-op update is the same row lock as FOR UPDATE.
    db.execute(update(Delivery).where(Delivery.id == delivery_id)
               .values(status=Delivery.status).execution_options(synchronize_session=False))
    return db.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update()
                     .execution_options(populate_existing=True))


def _locked_route(db: Session, route_id: uuid.UUID) -> Route:
    return db.scalar(select(Route).where(Route.id == route_id).with_for_update()
                     .execution_options(populate_existing=True))
