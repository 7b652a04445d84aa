"""Scale-out: Prefect server on PostgreSQL, two workers, 200 dossiers through the API.

Everything runs as the production guide says (docs/production.md), on loopback: the API only
triggers runs of deployments; the two `dossier worker` processes do the routing.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from banks.channels.signing import generate_secret
from dossier.db import make_engine, make_sessionmaker, transaction, utcnow
from dossier.models import Delivery, Partner, Route, RouteEvent, RoutingRequest
from tests.helpers import wait_until
from tests.scale.cluster import (
    Cluster,
    ClusterError,
    Founder,
    batch_runs,
    create_database,
    database_url,
    delivery_counts,
    descendants,
    drop_database,
    executed_by,
    task_runs_per_flow_run,
)
from tests.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.scale, pytest.mark.postgres, pytest.mark.s3]

DOSSIERS = 200
SECOND_WAVE = 40
PARTNERS = 6  # five portal partners and CIC, on a signed webhook
WORKERS = ("w1", "w2")


def service_missing(reason: str) -> None:
    """Skip on a developer's machine, fail in CI: nothing is skipped there."""
    if os.environ.get("CI"):
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def webhook() -> Iterator[WebhookReceiver]:
    """CIC's own system, receiving signed webhooks."""
    receiver = WebhookReceiver(generate_secret()).start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, s3_server, webhook) -> Iterator[Cluster]:
    """Prefect server, application database, deployments, two workers, the API."""
    try:
        drop_database(create_database("dossier_probe"))
    except ClusterError as exc:
        service_missing(str(exc))
    storage = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT": s3_server.endpoint,
               "S3_ACCESS_KEY": s3_server.access_key, "S3_SECRET_KEY": s3_server.secret_key,
               "S3_BUCKET": f"scale-{uuid.uuid4().hex[:8]}"}
    root = Path(tmp_path_factory.mktemp("scale"))
    with Cluster(root, storage, extra_env={"WEBHOOK_SECRET_CIC": webhook.secret}) as c:
        try:
            c.start_prefect_server()
            c.prepare_app_database()
            with transaction(app_sessions(c)) as db:
                cic = db.get(Partner, "cic")
                cic.config = {**cic.config, "delivery": {
                    "channel": "webhook", "url": webhook.url, "secret_env": "WEBHOOK_SECRET_CIC"}}
            c.deploy()
            for name in WORKERS:
                c.start_worker(name)
            c.start_api()
            yield c
        finally:
            for name in ("api", *WORKERS, "prefect-server"):
                print(f"--- {name}.log ---\n{c.log_tail(name)}")


def app_sessions(cluster: Cluster):
    """Sessions on the cluster's application database (the test reads what happened)."""
    return make_sessionmaker(make_engine(database_url(cluster.app_db)))


def assert_delivered_exactly_once(sessions, webhook: WebhookReceiver, routes: int) -> None:
    """Every route delivered once: one delivery each, one `delivered` event, one webhook."""
    with sessions() as db:
        route_rows = db.scalars(select(Route)).all()
        delivery_rows = db.scalars(select(Delivery)).all()
        events = dict(db.execute(select(RouteEvent.route_id, func.count())
                                 .where(RouteEvent.type == "delivered")
                                 .group_by(RouteEvent.route_id)).all())
        open_requests = db.scalar(select(func.count()).select_from(RoutingRequest)
                                  .where(RoutingRequest.completed_at.is_(None)))
    assert len(route_rows) == routes
    assert {r.state for r in route_rows} == {"delivered"}
    assert events == {r.id: 1 for r in route_rows}
    assert len(delivery_rows) == routes
    assert len({(d.version_id, d.partner_code) for d in delivery_rows}) == routes
    assert {d.status for d in delivery_rows} == {"delivered"}
    assert open_requests == 0
    cic = {str(d.id) for d in delivery_rows if d.partner_code == "cic"}
    received = webhook.received  # one entry per webhook-id
    assert len(cic) == routes // PARTNERS
    assert {a.webhook_id for a in received} == cic
    assert all(a.signature_ok for a in received)


def work_by_worker(prefect_url: str) -> tuple[Counter, dict[str, str]]:
    """Task runs (renders, webhook sends) per worker, from Prefect's own records."""
    finished = [str(r.id) for r in batch_runs(prefect_url) if r.state.is_completed()]
    owners = wait_until(lambda: executed_by(prefect_url), lambda e: e and set(finished) <= set(e),
                        what="a worker event for every completed run", timeout=120, every=0.5)
    tasks = task_runs_per_flow_run(prefect_url, finished)
    work: Counter = Counter()
    for run_id in finished:
        work[owners[run_id]] += tasks[run_id]
    return work, owners


def test_two_workers_route_200_dossiers_each_route_delivered_once(cluster, webhook):
    """200 dossiers submitted through the API: all delivered once, both workers working."""
    sessions = app_sessions(cluster)
    founder = Founder(cluster.api_url)
    dossier_ids = founder.prepare(DOSSIERS)
    started = time.monotonic()
    founder.submit(dossier_ids)
    founder.close()

    total = DOSSIERS * PARTNERS
    wait_until(lambda: delivery_counts(sessions), lambda c: c == {"delivered": total},
               what=f"{total} deliveries delivered", timeout=1200, every=0.5)
    elapsed = time.monotonic() - started
    assert_delivered_exactly_once(sessions, webhook, total)

    work, owners = work_by_worker(cluster.prefect_url)
    runs = batch_runs(cluster.prefect_url)
    print(f"{DOSSIERS} dossiers routed in {elapsed:.1f} s by {len(runs)} flow runs; "
          f"task runs per worker: {dict(work)}")
    assert set(work) == set(WORKERS) and all(work[w] > 0 for w in WORKERS), work
    # Batching: one flow run per batch of deliveries, not one per dossier.
    assert len(runs) <= DOSSIERS // 4
    assert set(owners.values()) == set(WORKERS)


def test_a_worker_killed_mid_run_the_other_and_reconciliation_finish(cluster, webhook):
    """Kill the worker running a batch: the survivor routes the rest, then what it held."""
    sessions = app_sessions(cluster)
    url = cluster.prefect_url
    finished_before = {str(r.id) for r in batch_runs(url)}
    founder = Founder(cluster.api_url)
    founder.submit(founder.prepare(SECOND_WAVE))
    founder.close()

    def running_with_claims() -> tuple[str, str] | None:
        """(worker, flow run) of the latest batch running for 2 s, with claims in flight."""
        if delivery_counts(sessions).get("in_flight", 0) < PARTNERS:
            return None
        running = sorted((r for r in batch_runs(url) if r.state.is_running()
                          and r.infrastructure_pid
                          and utcnow() - r.start_time >= timedelta(seconds=2)),
                         key=lambda r: r.start_time, reverse=True)
        for run in running:  # the latest started has the most of its batch ahead
            pid = int(str(run.infrastructure_pid).rsplit(":", 1)[-1])
            for name in WORKERS:
                if pid in descendants(cluster.processes[name].pid):
                    return name, str(run.id)
        return None

    victim, killed_run = wait_until(running_with_claims, timeout=600, every=0.2,
                                    what="a batch running on a worker with claims in flight")
    killed_at = utcnow()
    cluster.kill(victim)
    [survivor] = [w for w in WORKERS if w != victim]

    def only_abandoned_claims_left() -> int:
        """The survivor is idle and all that is left is what the dead run had claimed."""
        live = [r for r in batch_runs(url) if str(r.id) != killed_run
                and not r.state.is_final()]
        counts = delivery_counts(sessions)
        if live or set(counts) - {"delivered", "in_flight"}:
            return 0
        return counts.get("in_flight", 0)

    abandoned = wait_until(only_abandoned_claims_left, what="the survivor to finish the rest",
                           timeout=900, every=1)
    assert abandoned > 0  # the kill did interrupt a batch
    with sessions() as db:
        held = db.scalars(select(Delivery.next_attempt_at)
                          .where(Delivery.status == "in_flight")).all()
    assert all(at > utcnow() for at in held)  # the dead run's lease still holds them

    # Time passes: the leases run out, and the API's reconciliation hands them to a worker.
    with transaction(sessions) as db:
        db.execute(update(Delivery).where(Delivery.status == "in_flight")
                   .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    total = (DOSSIERS + SECOND_WAVE) * PARTNERS
    wait_until(lambda: delivery_counts(sessions), lambda c: c == {"delivered": total},
               what="reconciliation to deliver the abandoned claims", timeout=600, every=0.5)
    assert_delivered_exactly_once(sessions, webhook, total)

    runs = {str(r.id): r for r in batch_runs(url)}
    assert not runs[killed_run].state.is_completed()  # the dead run never finished
    _, owners = work_by_worker(url)
    after_kill = [i for i, r in runs.items() if i not in finished_before and i != killed_run
                  and r.state.is_completed() and r.start_time > killed_at]
    assert after_kill and {owners[i] for i in after_kill} == {survivor}
    print(f"killed {victim} holding {abandoned} deliveries; {survivor} ran "
          f"{len(after_kill)} batch runs after the kill")
