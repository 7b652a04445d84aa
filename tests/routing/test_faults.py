"""Routing under faults: flaky partner, killed worker, orchestrator down, double submit, load."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select, update

from dossier.db import transaction, utcnow
from dossier.models import Delivery, RenderedDocument, Route, RouteEvent, RoutingRequest
from dossier.services import delivery as deliveries
from dossier.services.delivery import RetryPolicy
from tests.helpers import full_dossier, ready_dossier, submit, wait_until
from tests.routing.conftest import wait_routes
from workflows.payloads import delivery_config
from workflows.routing import _request, claim_due, reconcile, render, send, settle

ROOT = Path(__file__).resolve().parents[2]
PARTNERS = 6

# A routing worker in its own process: the flow the dispatcher runs, on the test's database.
WORKER = """
import os
from pathlib import Path

from dossier.db import make_engine, make_sessionmaker
from storage.filesystem import FilesystemStore
from workflows.routing import reconcile
from workflows.runtime import Runtime, set_runtime

secret = bytes.fromhex(os.environ["WORKER_SECRET_HEX"])
set_runtime(Runtime(
    sessions=make_sessionmaker(make_engine(os.environ["DATABASE_URL"])),
    store=FilesystemStore(Path(os.environ["WORKER_STORE_ROOT"]), secret=secret),
    secret=secret, public_url="http://127.0.0.1:8000"))
print("worker:", reconcile(), flush=True)
"""


# -- helpers -------------------------------------------------------------------------------
def all_delivered(routes: list) -> bool:
    """Every route has reached `delivered`."""
    return len(routes) == PARTNERS and all(r["state"] == "delivered" for r in routes)


def states(client, headers, dossier_id: str) -> dict[str, str]:
    """Route state by partner."""
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json()["routes"]
    return {r["partner"]: r["state"] for r in routes}


def cic_delivery(sessions) -> Delivery:
    """The webhook partner's delivery row."""
    with sessions() as db:
        return db.scalar(select(Delivery).where(Delivery.partner_code == "cic"))


def expire_leases(sessions) -> int:
    """Move the clock past every lease and backoff: what is claimable becomes due."""
    with transaction(sessions) as db:
        return db.execute(update(Delivery).where(Delivery.status.in_(deliveries.CLAIMABLE))
                          .values(next_attempt_at=utcnow() - timedelta(seconds=1))).rowcount


def event_counts(sessions, event_type: str) -> dict[str, int]:
    """How many events of a type each partner's route has."""
    with sessions() as db:
        rows = db.execute(select(Route.partner_code, func.count(RouteEvent.id))
                          .join(RouteEvent, RouteEvent.route_id == Route.id)
                          .where(RouteEvent.type == event_type)
                          .group_by(Route.partner_code)).all()
    return dict(rows)


def assert_delivered_exactly_once(client, headers, dossier_id: str, sessions, webhook) -> None:
    """Every route delivered, one delivery row each, one delivery per webhook-id."""
    assert all_delivered(wait_routes(client, headers, dossier_id, all_delivered, timeout=5))
    with sessions() as db:
        rows = db.scalars(select(Delivery)).all()
        assert db.scalar(select(func.count()).select_from(RoutingRequest)
                         .where(RoutingRequest.completed_at.is_(None))) == 0
        assert db.scalar(select(func.count()).select_from(RenderedDocument)) == 1
    assert len(rows) == PARTNERS
    assert len({(d.version_id, d.partner_code) for d in rows}) == PARTNERS
    assert {d.status for d in rows} == {"delivered"}
    assert event_counts(sessions, "delivered") == {d.partner_code: 1 for d in rows}
    cic = next(d for d in rows if d.partner_code == "cic")
    [hook] = webhook.received
    assert hook.webhook_id == str(cic.id) and hook.signature_ok
    assert {a.webhook_id for a in webhook.attempts} == {str(cic.id)}


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- 1. a flaky partner ------------------------------------------------------------------
def test_webhook_503_then_recovers_delivers_once(client, founder, webhook, sessions):
    """Two 503s are retried by the outbox, one attempt a claim: one delivery, one webhook-id."""
    webhook.fail_next(2, status=503)
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]

    wait_routes(client, founder, dossier_id, all_delivered, timeout=120)
    assert [a.status for a in webhook.attempts] == [503, 503, 200]
    assert cic_delivery(sessions).attempts == 3  # one POST per attempt, each counted
    assert event_counts(sessions, "delivery_failed") == {"cic": 2}
    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)


def test_webhook_down_then_reconciliation_delivers_once(client, founder, webhook, sessions,
                                                        app):
    """503: delivery_failed, pending until its backoff ends; after recovery, delivered once."""
    runtime = app.state.dossier.runtime
    runtime.retry = RetryPolicy(base=3600.0)  # the next attempt an hour away
    webhook.respond_with(503)
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]

    wait_routes(client, founder, dossier_id,
                lambda rs: {r["partner"]: r["state"] for r in rs}.get("cic") == "delivery_failed",
                timeout=120)
    assert len(webhook.attempts) == 1
    failed = cic_delivery(sessions)
    assert failed.status == "pending" and failed.next_attempt_at > utcnow() + timedelta(
        minutes=29)
    app.state.dossier.dispatcher.run_pending()  # not due yet: nothing re-sent
    assert len(webhook.attempts) == 1
    assert states(client, founder, dossier_id)["cic"] == "delivery_failed"

    webhook.respond_with(None)
    assert expire_leases(sessions) == 1
    app.state.dossier.dispatcher.run_pending()

    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)
    assert len(webhook.attempts) == 2
    assert cic_delivery(sessions).attempts == 2
    assert event_counts(sessions, "delivery_failed") == {"cic": 1}


# -- 2. a worker killed mid-way ------------------------------------------------------------
def test_worker_killed_after_claims_and_a_post_reconciliation_completes(
        client, founder, webhook, sessions, app):
    """Abandoned claims wait for their lease, then complete; the re-sent webhook keeps its id."""
    state = app.state.dossier
    state.dispatcher.stop()  # this test plays the worker itself
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]

    # The worker claims everything, settles two portal deliveries, POSTs the webhook and dies.
    items = claim_due(state.runtime)
    assert len(items) == PARTNERS
    render.fn(items[0]["version_id"])
    portal = [i for i in items if i["partner"] != "cic"]
    for item in portal[:2]:
        assert settle(state.runtime, item, None, "portal inbox") == "delivered"
    [hook_item] = [i for i in items if i["partner"] == "cic"]
    config = delivery_config(state.runtime, "cic")
    send.fn(_request(state.runtime, hook_item, config))
    assert len(webhook.received) == 1

    # While the lease runs, nobody takes the abandoned deliveries: a slow worker is not doubled.
    state.dispatcher.run_pending()
    with sessions() as db:
        assert deliveries.due(db=db) == []
        later = utcnow() + deliveries.LEASE + timedelta(seconds=1)
        assert len(deliveries.due(db=db, now=later)) == PARTNERS - 2
    assert len(webhook.attempts) == 1
    assert sorted(states(client, founder, dossier_id).values()) == ["delivered"] * 2 + [
        "queued"] * 4

    assert expire_leases(sessions) == PARTNERS - 2
    outcome = reconcile()
    assert outcome["claimed"] == PARTNERS - 2 and outcome["delivered"] == PARTNERS - 2

    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)
    assert [a.status for a in webhook.attempts] == [200, 200]  # sent twice, received once
    assert cic_delivery(sessions).attempts == 2


def test_worker_process_killed_mid_delivery_reconciliation_completes(
        client, founder, webhook, sessions, app, store, tmp_path, monkeypatch):
    """SIGKILL of a real worker while its POST is in flight: redelivered once, same webhook-id."""
    state = app.state.dossier
    state.dispatcher.stop()  # the worker subprocess is the only router until it dies
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]

    arrived = threading.Event()
    real_handle = webhook._handle

    def handle(*args):
        arrived.set()
        return real_handle(*args)

    monkeypatch.setattr(webhook, "_handle", handle)
    webhook.set_delay(2.0)
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": sessions.kw["bind"].url.render_as_string(
               hide_password=False),
           "PREFECT_API_URL": PREFECT_API_URL.value(), "WORKER_SECRET_HEX": state.secret.hex(),
           "WORKER_STORE_ROOT": str(store.root)}
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            if not arrived.wait(60):
                raise AssertionError(f"the worker never POSTed:\n{log.read_text()[-3000:]}")
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(10) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    webhook.wait_for(1)  # the partner got the POST the dead worker never saw answered
    killed = cic_delivery(sessions)
    assert killed.status == "in_flight" and killed.attempts == 1
    assert killed.next_attempt_at > utcnow()  # leased: not due before the lease ends
    assert states(client, founder, dossier_id)["cic"] == "queued"

    webhook.set_delay(0)
    assert expire_leases(sessions) == 1
    state.dispatcher.run_pending()

    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)
    assert len(webhook.attempts) == 2 and len(webhook.received) == 1
    assert cic_delivery(sessions).attempts == 2


# -- 3. the orchestrator is down -----------------------------------------------------------
def test_submit_while_orchestrator_unreachable_routes_once_it_is_back(
        client, founder, webhook, sessions, app):
    """Flow calls fail against a closed Prefect API: 202, routes queued, delivered on return."""
    dispatcher = app.state.dossier.dispatcher
    real_route, real_reconcile = dispatcher.route, dispatcher.reconcile
    down = f"http://127.0.0.1:{closed_port()}/api"
    failures: list[str] = []

    def unreachable(call):
        def run(*args):
            with temporary_settings(updates={PREFECT_API_URL: down}):
                try:
                    return call(*args)
                except Exception as exc:
                    failures.append(f"{call.__name__}: {exc}")
                    raise
        return run

    dispatcher.route, dispatcher.reconcile = unreachable(real_route), unreachable(real_reconcile)
    dossier_id = ready_dossier(client, founder, full_dossier(ask_cic=True))
    started = time.monotonic()
    body = submit(client, founder, dossier_id=dossier_id)
    assert time.monotonic() - started < 2.0  # the request only enqueues; it never waits
    assert body["routing"] == "started"
    assert {r["state"] for r in body["routes"]} == {"queued"}

    # the submit run and a reconcile
    wait_until(lambda: failures, lambda seen: len(seen) >= 2, what="two failed runs", timeout=20)
    assert set(states(client, founder, dossier_id).values()) == {"queued"}
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Delivery)
                         .where(Delivery.status == "pending", Delivery.attempts == 0)) == PARTNERS
        assert db.scalar(select(func.count()).select_from(RoutingRequest)
                         .where(RoutingRequest.completed_at.is_(None))) == 1
    assert webhook.attempts == []

    dispatcher.route, dispatcher.reconcile = real_route, real_reconcile
    wait_routes(client, founder, dossier_id, all_delivered, timeout=30)
    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)


# -- 4. submitting twice -------------------------------------------------------------------
def test_resubmitting_the_same_version_routes_nothing_twice(client, founder, webhook, sessions,
                                                            app):
    """The same version and Idempotency-Key submitted again: no new request, route or POST."""
    dossier_id = ready_dossier(client, founder, full_dossier(ask_cic=True))
    first = submit(client, founder, dossier_id=dossier_id, key="submit-once")
    again = submit(client, founder, dossier_id=dossier_id, key="submit-once")
    assert first["routing"] == "started" and again["routing"] == "already_routed"
    assert again["version"] == first["version"] == 1
    wait_routes(client, founder, dossier_id, all_delivered, timeout=30)

    late = submit(client, founder, dossier_id=dossier_id, key="submit-once")
    other_key = submit(client, founder, dossier_id=dossier_id, key="another-click")
    assert late["routing"] == other_key["routing"] == "already_routed"
    assert {r["state"] for r in late["routes"]} == {"delivered"}
    app.state.dossier.dispatcher.run_pending()

    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(RoutingRequest)) == 1
        assert db.scalar(select(func.count()).select_from(Route)) == PARTNERS
    assert event_counts(sessions, "submitted") == {p: 1 for p in states(
        client, founder, dossier_id)}
    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)
    assert len(webhook.attempts) == 1


# -- 5. reconciliation under load ----------------------------------------------------------
def test_reconciliation_is_not_starved_by_a_stream_of_submissions(client, founder, webhook,
                                                                  sessions, app):
    """Our run fails; reconciliation still delivers while others' submissions keep it busy."""
    dispatcher = app.state.dossier.dispatcher
    real_route = dispatcher.route
    others: set[str] = set()

    def route(version_id):
        if version_id not in others:  # only reconciliation can deliver our version
            raise RuntimeError("worker lost")
        return real_route(version_id)

    stop = threading.Event()

    def other_founders():
        while not stop.is_set():
            others.add(version_id := str(uuid.uuid4()))
            dispatcher.submitted(version_id)
            time.sleep(0.1)  # never idle for reconcile_interval (0.5 s)

    dispatcher.route = route
    feeder = threading.Thread(target=other_founders, daemon=True)
    feeder.start()
    try:
        dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]
        wait_routes(client, founder, dossier_id, all_delivered, timeout=15)
    finally:
        stop.set()
        feeder.join(5)
        dispatcher.route = lambda _version_id: None  # skip the backlog
    assert_delivered_exactly_once(client, founder, dossier_id, sessions, webhook)
