"""When a route is late: the partner owes the next step and its agreed answer time has passed.

While a route waits for the founder's answer (`info_requested`) the partner owes nothing, so
it is not late. The clock runs from delivery and is not paused by a request for information.
Each rule has its Python predicate and the SQL expression that answers the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from dossier.db import UTCDateTime
from dossier.models import Partner, Route
from dossier.routing.machine import DECIDED_STATES, State

DEFAULT_SLA_DAYS = 30
AWAITING_PARTNER = frozenset({State.delivered, State.opened, State.in_review})
_AWAITING = sorted(s.value for s in AWAITING_PARTNER)
_DECIDED = sorted(s.value for s in DECIDED_STATES)


def sla_days(partner: Partner | None) -> int:
    """The partner's agreed answer time in days (30 when its catalogue entry says nothing)."""
    return int(((partner.config or {}) if partner else {}).get("sla_days") or DEFAULT_SLA_DAYS)


def sla_by_partner(partners: Iterable[Partner]) -> dict[str, int]:
    """Partner code -> answer time in days."""
    return {p.code: sla_days(p) for p in partners}


def late(state: str, delivered_at: datetime | None, sla: int, now: datetime) -> bool:
    """The partner owes the next step and more than `sla` days have passed since delivery."""
    return (delivered_at is not None and State(state) in AWAITING_PARTNER
            and now - delivered_at > timedelta(days=sla))


def decided_late(state: str, delivered_at: datetime | None, decided_at: datetime | None,
                 sla: int) -> bool:
    """Decided more than `sla` days after delivery."""
    return (delivered_at is not None and decided_at is not None
            and State(state) in DECIDED_STATES and decided_at - delivered_at > timedelta(days=sla))


def breached(state: str, delivered_at: datetime | None, decided_at: datetime | None, sla: int,
             now: datetime) -> bool:
    """Late now, or decided late: the pipeline's count of SLA breaches."""
    return late(state, delivered_at, sla, now) or decided_late(state, delivered_at, decided_at,
                                                               sla)


def late_sql(sla: Mapping[str, int], now: datetime) -> ColumnElement[bool]:
    """`late()` as a SQL condition on Route, `sla` by partner code."""
    def cutoff(days: int) -> ColumnElement[Any]:
        return literal(now - timedelta(days=days), UTCDateTime())

    deadline = (case({code: cutoff(days) for code, days in sla.items()},
                     value=Route.partner_code, else_=cutoff(DEFAULT_SLA_DAYS))
                if sla else cutoff(DEFAULT_SLA_DAYS))
    return and_(Route.state.in_(_AWAITING), Route.delivered_at.is_not(None),
                Route.delivered_at < deadline)


def decided_late_sql(sla: Mapping[str, int]) -> ColumnElement[bool]:
    """`decided_late()` as a SQL condition on Route."""
    days = (case(sla, value=Route.partner_code, else_=DEFAULT_SLA_DAYS) if sla
            else literal(DEFAULT_SLA_DAYS))
    return and_(Route.state.in_(_DECIDED), Route.delivered_at.is_not(None),
                Route.decided_at.is_not(None),
                SecondsBetween(Route.delivered_at, Route.decided_at) > days * 86400)


def breached_sql(sla: Mapping[str, int], now: datetime) -> ColumnElement[bool]:
    """`breached()` as a SQL condition on Route."""
    return or_(late_sql(sla, now), decided_late_sql(sla))


class DaysBetween(FunctionElement):
    """Days (fractional) from the first timestamp to the second; NULL if either is NULL."""

    type = Float()
    inherit_cache = True


class SecondsBetween(FunctionElement):
    """Seconds from the first timestamp to the second (to the millisecond on SQLite)."""

    type = Float()
    inherit_cache = True


def _sql(element: type[FunctionElement], *, sqlite: str, postgresql: str) -> None:
    """Compile `element(start, end)` from a template per dialect ({start}, {end})."""
    def render(template: str) -> Any:
        def compile_(node: FunctionElement, compiler: Any, **kw: Any) -> str:
            start, end = (compiler.process(c, **kw) for c in node.clauses)
            return template.format(start=start, end=end)
        return compile_

    compiles(element)(render(sqlite))
    compiles(element, "postgresql")(render(postgresql))


_sql(DaysBetween, sqlite="(julianday({end}) - julianday({start}))",
     postgresql="(EXTRACT(EPOCH FROM ({end} - {start}))::float8 / 86400)")
# julianday keeps milliseconds; rounding makes whole-millisecond differences exact
_sql(SecondsBetween, sqlite="round((julianday({end}) - julianday({start})) * 86400.0, 3)",
     postgresql="EXTRACT(EPOCH FROM ({end} - {start}))")
