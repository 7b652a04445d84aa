"""Per-partner route counts by state, from the deltas the `routes` triggers append."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from dossier.models import Route, RouteTally

COMPACT_AFTER = 200  # delta rows of one partner before they are folded into one per state

_FOLD_PG = text(
    "WITH gone AS (DELETE FROM route_tallies WHERE partner_code = :partner RETURNING state, n) "
    "INSERT INTO route_tallies (partner_code, state, n) "
    "SELECT :partner, state, sum(n) FROM gone GROUP BY state HAVING sum(n) <> 0")


def counts(*, db: Session, partner: str) -> dict[str, int]:
    """How many routes the partner has in each state (exact; compacts its deltas when many)."""
    rows = db.execute(select(RouteTally.state, func.sum(RouteTally.n), func.count())
                      .where(RouteTally.partner_code == partner)
                      .group_by(RouteTally.state)).all()
    if sum(row[2] for row in rows) > COMPACT_AFTER:
        compact(db=db, partners=[partner])
    return {state: int(total) for state, total, _ in rows if total}


def compact(*, db: Session, partners: Iterable[str]) -> None:
    """Fold each partner's deltas into one row per state (the sums do not change)."""
    for partner in partners:
        if db.get_bind().dialect.name == "postgresql":
            # One statement: a concurrent compaction skips the rows this one deleted and
            # does not see the row it inserts, so no delta is lost or counted twice.
            db.execute(_FOLD_PG, {"partner": partner})
            continue
        sums = db.execute(select(RouteTally.state, func.sum(RouteTally.n))
                          .where(RouteTally.partner_code == partner)
                          .group_by(RouteTally.state)).all()
        db.execute(delete(RouteTally).where(RouteTally.partner_code == partner))
        rows = [{"partner_code": partner, "state": state, "n": n} for state, n in sums if n]
        if rows:
            db.execute(insert(RouteTally), rows)


def recount(*, db: Session) -> int:
    """Rebuild every tally from the routes themselves (after writes made with triggers off,
    e.g. a bulk load under `session_replication_role = replica`); the number of rows."""
    db.execute(delete(RouteTally))
    db.execute(insert(RouteTally).from_select(
        ["partner_code", "state", "n"],
        select(Route.partner_code, Route.state, func.count()).group_by(Route.partner_code,
                                                                       Route.state)))
    return db.scalar(select(func.count()).select_from(RouteTally)) or 0
