"""The audit migration chains the route events that existed before it, oldest first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from app.migrate import alembic_config
from dossier.audit import chain_records, verify
from dossier.db import JSONType, UTCDateTime, make_engine, make_sessionmaker, utcnow
from tests.conftest import _create_pg_database, _drop_pg_database

BEFORE = "d3eedda4d0b8"
c, table = sa.column, sa.table


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path) -> Iterator[str]:
    """An empty database migrated only up to the revision before the audit chain."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        command.upgrade(alembic_config(url), BEFORE)
        yield url
        return
    admin, url = _create_pg_database()
    try:
        command.upgrade(alembic_config(url), BEFORE)
        yield url
    finally:
        _drop_pg_database(admin, url)


def seed_old_history(engine) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Two dossiers with routes and events, as the schema before the chain stored them."""
    t0 = utcnow() - timedelta(days=10)
    users = table("users", c("id", sa.Uuid()), c("email"), c("password_hash"),
                  c("role"), c("active"), c("created_at", UTCDateTime()))
    partners = table("partners", c("code"), c("name"), c("kind"),
                     c("config", JSONType), c("active"),
                     c("updated_at", UTCDateTime()))
    dossiers = table("dossiers", c("id", sa.Uuid()), c("owner_id", sa.Uuid()),
                     c("status"), c("content", JSONType),
                     c("created_at", UTCDateTime()), c("updated_at", UTCDateTime()))
    routes = table("routes", c("id", sa.Uuid()), c("dossier_id", sa.Uuid()),
                   c("partner_code"), c("state"), c("consent_version"),
                   c("consent_at", UTCDateTime()), c("created_at", UTCDateTime()),
                   c("updated_at", UTCDateTime()))
    events = table("route_events", c("id", sa.Uuid()), c("route_id", sa.Uuid()),
                   c("type"), c("to_state"), c("actor_role"),
                   c("payload", JSONType), c("created_at", UTCDateTime()))
    owner = uuid.uuid4()
    expected: dict[uuid.UUID, list[uuid.UUID]] = {}
    with engine.begin() as conn:
        conn.execute(sa.insert(users).values(id=owner, email="f@old.example", password_hash="x",
                                             role="founder", active=True, created_at=t0))
        for code in ("cepac", "bpmed"):
            conn.execute(sa.insert(partners).values(code=code, name=code.upper(), kind="bank",
                                                    config={}, active=True, updated_at=t0))
        for n in range(2):
            dossier_id = uuid.uuid4()
            conn.execute(sa.insert(dossiers).values(
                id=dossier_id, owner_id=owner, status="submitted", content={},
                created_at=t0, updated_at=t0))
            rows = []
            for p, code in enumerate(("cepac", "bpmed")):
                route_id = uuid.uuid4()
                conn.execute(sa.insert(routes).values(
                    id=route_id, dossier_id=dossier_id, partner_code=code, state="opened",
                    consent_version=1, consent_at=t0, created_at=t0, updated_at=t0))
                for k, (kind, state) in enumerate((("submitted", "queued"),
                                                   ("delivered", "delivered"),
                                                   ("opened", "opened"))):
                    # Interleaved in time across the two routes of the dossier.
                    at = t0 + timedelta(hours=n, minutes=10 * k + p, microseconds=7)
                    rows.append((at, uuid.uuid4(), route_id, kind, state))
            for at, event_id, route_id, kind, state in rows:
                conn.execute(sa.insert(events).values(
                    id=event_id, route_id=route_id, type=kind, to_state=state,
                    actor_role="system", payload={"version": 1, "note": "é"}, created_at=at))
            expected[dossier_id] = [r[1] for r in sorted(rows)]
    return expected


def test_existing_events_become_each_dossier_chain(old_database):
    engine = make_engine(old_database)
    try:
        expected = seed_old_history(engine)
        command.upgrade(alembic_config(old_database), "head")
        with make_sessionmaker(engine)() as db:
            report = verify(db)
            assert report.broken is None
            assert (report.records, report.chains) == (12, 2)
            for dossier_id, event_ids in expected.items():
                records = chain_records(db, dossier_id)
                assert [r.id for r in records] == event_ids  # oldest first
                assert [r.chain_seq for r in records] == list(range(1, 7))
        command.downgrade(alembic_config(old_database), BEFORE)
        assert "access_records" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
