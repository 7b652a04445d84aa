"""PostgreSQL restarts while dossiers are being routed: every route is still delivered once.

The test runs its own cluster (the machine's shared server is never touched). A worker killed
mid-delivery is proven in tests/routing/test_faults.py
(test_worker_process_killed_mid_delivery_reconciliation_completes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.migrate import upgrade
from dossier.models import Delivery, Route, RouteEvent, RoutingRequest
from dossier.services import delivery as deliveries
from tests.conftest import seeded_engine, service_missing
from tests.helpers import (
    assert_storage_consistent,
    full_dossier,
    ready_dossier,
    submit,
    wait_until,
)
from tests.pgcluster import PostgresCluster, PostgresClusterError, start_cluster
from tests.routing.conftest import (  # noqa: F401  (fixtures)
    settings,
    wait_routes,
    webhook,
)

DOSSIERS = 3
PARTNERS = 6


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster for this module."""
    try:
        server = start_cluster()
    except PostgresClusterError as exc:
        service_missing(f"private PostgreSQL cluster: {exc}")
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def database_url(cluster: PostgresCluster) -> str:
    """A migrated database on the private cluster (instead of the sqlite/shared-server pair)."""
    url = cluster.create_database("dossier")
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def engine(database_url: str):
    """An engine on it, with the catalogue and demo accounts."""
    yield from seeded_engine(database_url)


@pytest.fixture
def short_lease(monkeypatch) -> timedelta:
    """Claims lapse in seconds, so reconciliation retakes interrupted ones within the test."""
    lease = timedelta(seconds=2)
    monkeypatch.setattr(deliveries, "LEASE", lease)
    return lease


def all_delivered(routes: list) -> bool:
    """Every route has reached `delivered`."""
    return len(routes) == PARTNERS and all(r["state"] == "delivered" for r in routes)


def delivered_events_by_route(sessions) -> dict[str, int]:
    """How many `delivered` events each route has."""
    with sessions() as db:
        rows = db.execute(select(RouteEvent.route_id, func.count())
                          .where(RouteEvent.type == "delivered")
                          .group_by(RouteEvent.route_id)).all()
    return {str(route_id): count for route_id, count in rows}


def test_cluster_restart_mid_routing_delivers_every_route_exactly_once(
        client, founder, webhook, sessions, store, cluster, short_lease, monkeypatch,  # noqa: F811
        caplog):
    """Down while a webhook is in flight and two dossiers wait: 503s, then each route once."""
    dossier_ids = [ready_dossier(client, founder, full_dossier(ask_cic=True))
                   for _ in range(DOSSIERS)]

    # The first partner POST is held until the database is down, so its settle meets the outage.
    arrived, database_down = threading.Event(), threading.Event()
    real_handle = webhook._handle

    def handle(*args):
        if not arrived.is_set():
            arrived.set()
            database_down.wait(30)
        return real_handle(*args)

    monkeypatch.setattr(webhook, "_handle", handle)
    caplog.set_level(logging.ERROR, logger="workflows.dispatch")
    for dossier_id in dossier_ids:
        submit(client, founder, dossier_id=dossier_id)
    assert arrived.wait(60), "no delivery reached the partner"

    cluster.stop("fast")
    try:
        database_down.set()
        r = client.get(f"/api/v1/dossiers/{dossier_ids[0]}", headers=founder)
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "database_unavailable"
        webhook.wait_for(1)  # the partner answered; the worker can no longer record it
        wait_until(lambda: [r for r in caplog.records if r.name == "workflows.dispatch"
                            and "failed" in r.getMessage()],
                   what="the background worker to meet the outage (a dispatcher error)")
    finally:
        cluster.start()

    for dossier_id in dossier_ids:
        wait_routes(client, founder, dossier_id, all_delivered, timeout=60)
    with sessions() as db:
        rows = db.scalars(select(Delivery)).all()
        routes = db.scalars(select(Route.id)).all()
        open_requests = db.scalar(select(func.count()).select_from(RoutingRequest)
                                  .where(RoutingRequest.completed_at.is_(None)))
    assert len(rows) == len(routes) == DOSSIERS * PARTNERS
    assert {d.status for d in rows} == {"delivered"}
    assert len({(d.version_id, d.partner_code) for d in rows}) == len(rows)
    assert delivered_events_by_route(sessions) == {str(r): 1 for r in routes}
    assert_storage_consistent(sessions, store)
    assert open_requests == 0
    hooks = [d for d in rows if d.partner_code == "cic"]
    assert {h.webhook_id for h in webhook.received} == {str(d.id) for d in hooks}
    assert len(webhook.received) == DOSSIERS  # the re-sent POST kept its id: received once
    assert max(d.attempts for d in hooks) == 2  # the interrupted one, retaken after its lease

