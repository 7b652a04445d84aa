"""A partner's inbox: its delivered routes, filtered, searched and paginated."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dossier.db import utcnow
from dossier.diff import diff
from dossier.models import Dossier, DossierVersion, Route, RouteEvent
from dossier.money import as_str, from_cents
from dossier.routing.machine import DECIDED_STATES, VISIBLE_TO_PARTNER
from dossier.services import tallies

PAGE_SIZE = 50


def inbox(*, db: Session, partner: str, state: str | None = None, q: str | None = None,
          sector: str | None = None, page: int = 1, page_size: int = PAGE_SIZE,
          now: datetime | None = None, amount_min_cents: int | None = None,
          amount_max_cents: int | None = None, min_days: float | None = None,
          max_days: float | None = None) -> dict[str, Any]:
    """Routes delivered to a partner: those awaiting a decision first, longest waiting first,
    then the decided ones, latest decision first.

    Optional filters: the requested amount (cents, inclusive) and the days waited since
    delivery (`min_days` at least, `max_days` at most).
    """
    now = now or utcnow()
    where = [Route.partner_code == partner, *_bounds(Route.amount_cents, amount_min_cents,
                                                     amount_max_cents),
             *_waited(now, min_days, max_days)]
    about_dossier = _about_dossier(q, sector)
    # Without filters the stored tallies give the totals; a filter needs a real count.
    tally = None if len(where) > 1 or about_dossier else tallies.counts(db=db, partner=partner)
    offset, wanted, total, rows = (page - 1) * page_size, page_size, 0, []
    for part_states, order in _parts(state):
        scope = [*where, Route.state.in_(part_states)]
        count = (sum(tally.get(s, 0) for s in part_states) if tally is not None
                 else _count(db, scope, about_dossier))
        total += count
        if wanted and offset < count:
            rows += db.execute(select(*INBOX_COLUMNS)
                               .join(Dossier, Dossier.id == Route.dossier_id)
                               .where(*scope, *about_dossier).order_by(*order)
                               .limit(wanted).offset(offset)).all()
            wanted = page_size - len(rows)
        offset = max(0, offset - count)
    return {"items": [inbox_item(row, now) for row in rows],
            "page": page, "page_size": page_size, "total": total}


def _bounds(column: Any, low: int | None, high: int | None) -> list[ColumnElement[bool]]:
    """`column` between `low` and `high`, inclusive; either may be left out."""
    return ([column >= low] if low is not None else []) + \
        ([column <= high] if high is not None else [])


def _waited(now: datetime, min_days: float | None,
            max_days: float | None) -> list[ColumnElement[bool]]:
    """Delivered at least `min_days` and at most `max_days` ago."""
    earliest = now - timedelta(days=max_days) if max_days is not None else None
    latest = now - timedelta(days=min_days) if min_days is not None else None
    return _bounds(Route.delivered_at, earliest, latest)


def _about_dossier(q: str | None, sector: str | None) -> list[ColumnElement[bool]]:
    """Filters on the dossier: words of the company name, the sector."""
    found = []
    if q:
        found.append(func.lower(Dossier.company_name).contains(q.strip().lower(),
                                                               autoescape=True))
    if sector:
        found.append(Dossier.sector == sector)
    return found


def _parts(state: str | None) -> list[tuple[list[str], tuple[Any, ...]]]:
    """The states shown, in two parts: awaiting a decision (longest waiting first), then
    decided (latest first); a part with no state left is dropped."""
    states = {s.value for s in VISIBLE_TO_PARTNER}
    if state:
        states = {state} & states
    decided = {s.value for s in DECIDED_STATES}
    parts = [(sorted(states - decided), (Route.delivered_at.asc().nulls_last(), Route.id)),
             (sorted(states & decided), (Route.updated_at.desc(), Route.id.desc()))]
    return [(part, order) for part, order in parts if part]


def _count(db: Session, scope: list[ColumnElement[bool]],
           about_dossier: list[ColumnElement[bool]]) -> int:
    """Routes in scope; every route has its dossier, so the join only when a filter reads it."""
    counted = select(func.count()).select_from(Route).where(*scope)
    if about_dossier:
        counted = counted.join(Dossier, Dossier.id == Route.dossier_id).where(*about_dossier)
    return db.scalar(counted) or 0


# The columns an inbox line shows: loading whole Route objects cost more than the query.
INBOX_COLUMNS = (Route.id, Route.dossier_id, Route.state, Route.instrument, Route.amount_cents,
                 Route.delivered_version, Route.seen_version, Route.delivered_at,
                 Route.updated_at, Route.kind, Dossier.company_name, Dossier.sector)


def inbox_item(row: Row[Any], now: datetime) -> dict[str, Any]:
    """One line of the inbox."""
    # Unpacked by position: a Row's attribute lookup by name costs 20 times its index.
    (route_id, dossier_id, state, instrument, amount_cents, delivered_version, seen_version,
     delivered_at, updated_at, kind, company_name, sector) = row
    waiting = (now - delivered_at).total_seconds() / 86400 if delivered_at else 0
    return {"id": str(route_id), "dossier_id": str(dossier_id), "company": company_name,
            "sector": sector, "state": state, "instrument": instrument,
            "amount_eur": as_str(from_cents(amount_cents)) if amount_cents else None,
            "delivered_version": delivered_version,
            "delivered_at": delivered_at.isoformat() if delivered_at else None,
            "waiting_days": round(waiting, 1),
            "unread": seen_version != delivered_version,
            "updated_at": updated_at.isoformat(), "kind": kind}


def delivered_version(*, db: Session, route: Route) -> DossierVersion | None:
    """The version the partner has."""
    if not route.delivered_version:
        return None
    return db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == route.delivered_version))


def baseline_version(*, db: Session, route: Route,
                     history: list[RouteEvent] | None = None) -> int | None:
    """The version the partner last read, for "what changed since": the one it saw when it
    has not read the current one, else the one delivered before the last update."""
    if route.seen_version and route.seen_version != route.delivered_version:
        return route.seen_version
    if history is None:
        history = list(db.scalars(select(RouteEvent).where(RouteEvent.route_id == route.id)
                                  .order_by(RouteEvent.created_at, RouteEvent.id)))
    return next((e.payload.get("previous") for e in reversed(history) if e.type == "updated"),
                None)


def changes(*, db: Session, route: Route, baseline: int | None) -> dict[str, Any] | None:
    """What changed between a version the partner had and the one it has now."""
    if not baseline or baseline == route.delivered_version:
        return None
    versions = {v.number: v for v in db.scalars(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number.in_([baseline, route.delivered_version])))}
    before, after = versions.get(baseline), versions.get(route.delivered_version)
    if before is None or after is None:
        return None
    return {"from_version": before.number, "to_version": after.number,
            "fields": diff(before.content, after.content)}


def version_file_ids(*, db: Session, route: Route, number: int) -> set[str]:
    """Ids of the attachments of one version of the route's dossier."""
    old = db.scalar(select(DossierVersion).where(DossierVersion.dossier_id == route.dossier_id,
                                                 DossierVersion.number == number))
    return {str(a["id"]) for a in (old.attachments if old else [])}


# What the founder's side did since the partner last read the route: the inbox's badges.
ACTIVITY = {"info_answered": "answer", "message": "message", "updated": "version"}


def unseen_activity(*, db: Session, route_ids: list[str]) -> dict[str, set[str]]:
    """For each route, what happened since the partner last opened it: "answer" (the founder
    answered a request), "message" (the founder wrote), "version" (a new version arrived)."""
    keys = [uuid.UUID(str(r)) for r in route_ids]
    if not keys:
        return {}
    rows = db.execute(select(RouteEvent.route_id, RouteEvent.type)
                      .join(Route, Route.id == RouteEvent.route_id)
                      .where(RouteEvent.route_id.in_(keys),
                             RouteEvent.type.in_(list(ACTIVITY)),
                             RouteEvent.actor_role != "reviewer",
                             or_(Route.last_read_at.is_(None),
                                 RouteEvent.created_at > Route.last_read_at))).all()
    found: dict[str, set[str]] = {}
    for route_id, kind in rows:
        found.setdefault(str(route_id), set()).add(ACTIVITY[kind])
    return found
