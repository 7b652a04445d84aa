"""A partner's inbox: its delivered routes, filtered, searched and paginated."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.diff import diff
from dossier.models import Dossier, DossierVersion, Route
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
    states = {s.value for s in VISIBLE_TO_PARTNER}
    if state:
        states = {state} & states
    where = [Route.partner_code == partner]
    if amount_min_cents is not None:
        where.append(Route.amount_cents >= amount_min_cents)
    if amount_max_cents is not None:
        where.append(Route.amount_cents <= amount_max_cents)
    if min_days is not None:
        where.append(Route.delivered_at <= now - timedelta(days=min_days))
    if max_days is not None:
        where.append(Route.delivered_at >= now - timedelta(days=max_days))
    about_dossier = []
    if q:
        about_dossier.append(func.lower(Dossier.company_name).contains(q.strip().lower(),
                                                                        autoescape=True))
    if sector:
        about_dossier.append(Dossier.sector == sector)
    decided = {s.value for s in DECIDED_STATES}
    parts = [(sorted(states - decided), (Route.delivered_at.asc().nulls_last(), Route.id)),
             (sorted(states & decided), (Route.updated_at.desc(), Route.id.desc()))]
    # Without filters the stored tallies give the totals; a filter needs a real count.
    tally = None if len(where) > 1 or about_dossier else tallies.counts(db=db, partner=partner)
    offset, wanted, total, rows = (page - 1) * page_size, page_size, 0, []
    for part_states, order in parts:
        if not part_states:
            continue
        scope = [*where, Route.state.in_(part_states)]
        if tally is not None:
            count = sum(tally.get(s, 0) for s in part_states)
        else:
            # Every route has its dossier: count routes alone unless a filter reads the dossier.
            counted = select(func.count()).select_from(Route).where(*scope)
            if about_dossier:
                counted = counted.join(Dossier, Dossier.id == Route.dossier_id).where(
                    *about_dossier)
            count = db.scalar(counted) or 0
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


# The columns an inbox line shows: loading whole Route objects cost more than the query.
INBOX_COLUMNS = (Route.id, Route.dossier_id, Route.state, Route.instrument, Route.amount_cents,
                 Route.delivered_version, Route.seen_version, Route.delivered_at,
                 Route.updated_at, Dossier.company_name, Dossier.sector)


def inbox_item(row: Row[Any], now: datetime) -> dict[str, Any]:
    """One line of the inbox."""
    delivered_at = row.delivered_at
    waiting = (now - delivered_at).total_seconds() / 86400 if delivered_at else 0
    return {"id": str(row.id), "dossier_id": str(row.dossier_id), "company": row.company_name,
            "sector": row.sector, "state": row.state, "instrument": row.instrument,
            "amount_eur": as_str(from_cents(row.amount_cents)) if row.amount_cents else None,
            "delivered_version": row.delivered_version,
            "delivered_at": delivered_at.isoformat() if delivered_at else None,
            "waiting_days": round(waiting, 1),
            "unread": row.seen_version != row.delivered_version,
            "updated_at": row.updated_at.isoformat()}


def delivered_version(*, db: Session, route: Route) -> DossierVersion | None:
    """The version the partner has."""
    if not route.delivered_version:
        return None
    return db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == route.delivered_version))


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


