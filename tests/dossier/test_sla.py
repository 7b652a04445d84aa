"""Lateness: the Python predicates and their SQL expressions agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dossier.db import transaction, utcnow
from dossier.models import Dossier, Route
from dossier.services import users
from dossier.sla import (
    DEFAULT_SLA_DAYS,
    breached,
    breached_sql,
    late,
    late_sql,
    sla_days,
)

NOW = utcnow().replace(microsecond=123000)
DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
SLA = {"cepac": 15, "bdf": 5}  # ampa: not listed, so the default 30 days

# partner, state, delivered (days before now), decided (days after delivery), late, breached
CASES = [
    ("cepac", "delivered", 16 * DAY, None, True, True),
    ("cepac", "opened", 16 * DAY, None, True, True),
    ("cepac", "in_review", 16 * DAY, None, True, True),
    ("cepac", "in_review", 14 * DAY, None, False, False),
    ("cepac", "in_review", 15 * DAY, None, False, False),  # exactly the SLA: not yet
    ("cepac", "in_review", 15 * DAY + SECOND, None, True, True),
    # waiting for the founder's answer: the partner owes nothing
    ("cepac", "info_requested", 40 * DAY, None, False, False),
    ("cepac", "approved", 40 * DAY, 20 * DAY, False, True),  # decided after 20 > 15 days
    ("cepac", "approved", 40 * DAY, 15 * DAY, False, False),
    ("cepac", "declined", 40 * DAY, 15 * DAY + SECOND, False, True),
    ("cepac", "declined", 40 * DAY, 2 * DAY, False, False),
    ("cepac", "withdrawn", 100 * DAY, None, False, False),
    ("cepac", "queued", None, None, False, False),
    ("cepac", "delivery_failed", None, None, False, False),
    ("bdf", "delivered", 6 * DAY, None, True, True),
    ("bdf", "delivered", 4 * DAY, None, False, False),
    ("ampa", "opened", 29 * DAY, None, False, False),
    ("ampa", "opened", 31 * DAY, None, True, True),
    ("ampa", "approved", 60 * DAY, 31 * DAY, False, True),
]


@pytest.fixture
def case_routes(sessions):
    """One route per case, written straight into the database; id -> case."""
    by_id = {}
    with transaction(sessions) as db:
        owner = users.get_by_email(db=db, email="founder@demo.example")
        for case in CASES:
            partner, state, ago, decided_after, _, _ = case
            dossier = Dossier(owner_id=owner.id, status="submitted", company_name="Cas",
                              content={}, current_version=1)
            db.add(dossier)
            db.flush()
            delivered = NOW - ago if ago is not None else None
            route = Route(dossier_id=dossier.id, partner_code=partner, state=state,
                          consent_version=1, consent_at=NOW, delivered_version=1,
                          delivered_at=delivered,
                          decided_at=delivered + decided_after if decided_after else None)
            db.add(route)
            db.flush()
            by_id[route.id] = case
    return by_id


def test_python_and_sql_agree_on_every_case(sessions, case_routes):
    with transaction(sessions) as db:
        late_ids = set(db.scalars(select(Route.id).where(late_sql(SLA, NOW))))
        breached_ids = set(db.scalars(select(Route.id).where(breached_sql(SLA, NOW))))
        rows = {r.id: r for r in db.scalars(select(Route).where(Route.id.in_(case_routes)))}
    for rid, case in case_routes.items():
        partner, _, _, _, is_late, is_breached = case
        route, days = rows[rid], SLA.get(partner, DEFAULT_SLA_DAYS)
        assert late(route.state, route.delivered_at, days, NOW) is is_late, case
        assert breached(route.state, route.delivered_at, route.decided_at, days,
                        NOW) is is_breached, case
        assert (rid in late_ids) is is_late, case
        assert (rid in breached_ids) is is_breached, case


def test_answer_time_defaults_to_thirty_days():
    assert sla_days(None) == DEFAULT_SLA_DAYS == 30
