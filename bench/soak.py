"""`make soak`: fifty busy users against `dossier serve` on PostgreSQL and S3, then the books.

Founders create, edit, upload (the same bytes as each other, so objects are shared), delete,
submit, withdraw and erase their accounts; reviewers read and decide; staff export. Midway
the Prefect server is killed and started again while routing runs. Afterwards: no 5xx,
`dossier storage check` clean, `dossier audit verify` clean, every delivery made exactly
once (one `delivered` event per route, every webhook received). Figures go to
bench/soak.json and the end of the output; exit 1 if an invariant fails.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from banks.channels.signing import generate_secret
from bench.common import BENCH_DIR, VAR, latency_summary, log, machine, stamp
from tests.helpers import ALL_KINDS, full_dossier, minimal_pdf, wait_until
from tests.s3server import start_s3_server
from tests.scale.cluster import Cluster, database_url
from tests.webhook_receiver import WebhookReceiver

PASSWORD = "soak-password-1"  # noqa: S105  (accounts of a throwaway database)
RESULTS = BENCH_DIR / "soak.json"
DECISIONS = ({"type": "approved", "instrument": "bank_loan", "amount_eur": "50000.00"},
             {"type": "declined", "reason": "risk_profile"},
             {"type": "info_requested", "request_kind": "question",
              "message": "Pouvez-vous préciser le prévisionnel ?"})
EXPECTED = {200, 201, 202, 204, 404, 409}  # 404/409: someone else won the race first


@dataclass
class Tally:
    """Every answer of the run: (label, status, seconds)."""

    rows: list[tuple[str, int, float]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # "label: exception" of unanswered calls
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, http: httpx.Client, label: str, method: str, url: str, **kw: Any
             ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            r = http.request(method, url, **kw)
            status = r.status_code
        except httpx.HTTPError as exc:
            r, status = None, 0  # no answer at all counts as a failure
            with self.lock:
                self.errors[f"{label}: {type(exc).__name__}"] += 1
        with self.lock:
            self.rows.append((label, status, time.monotonic() - started))
        return r


class Users:
    """Accounts made directly in the application database (signup is not under test here)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def new_founder(self) -> str:
        from dossier.db import transaction
        from dossier.services import users

        email = f"soak-{uuid.uuid4().hex[:10]}@soak.example"
        with transaction(self.sessions) as db:
            users.create_user(db=db, email=email, password=PASSWORD, role="founder")
        return email


def client(api_url: str, email: str, password: str) -> httpx.Client:
    """An HTTP client logged in as this account."""
    http = httpx.Client(base_url=api_url, timeout=60)
    token = http.post("/auth/token", data={"username": email, "password": password})
    token.raise_for_status()
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return http


def founder_loop(api_url: str, people: Users, tally: Tally, until: float, rng: random.Random
                 ) -> None:
    """Create, fill, upload, edit, delete, submit; sometimes withdraw; sometimes erase."""
    http = client(api_url, people.new_founder(), PASSWORD)
    while time.monotonic() < until:
        body = full_dossier(name=f"Soak {uuid.uuid4().hex[:6]}", ask_cic=True)
        r = tally.call(http, "create", "POST", "/dossiers", json=body)
        if r is None or r.status_code != 201:
            continue
        did = r.json()["id"]
        ids = {}
        for kind in ALL_KINDS:
            up = tally.call(http, "upload", "POST", f"/dossiers/{did}/attachments",
                            data={"kind": kind},
                            files={"file": (f"{kind}.pdf", minimal_pdf(kind), "application/pdf")})
            if up is not None and up.status_code == 201:
                ids[kind] = up.json()["id"]
        if "kbis" in ids:
            tally.call(http, "delete", "DELETE", f"/dossiers/{did}/attachments/{ids['kbis']}")
            tally.call(http, "upload", "POST", f"/dossiers/{did}/attachments",
                       data={"kind": "kbis"},
                       files={"file": ("kbis.pdf", minimal_pdf("kbis"), "application/pdf")})
        body["company"]["legal_name"] += " SAS"
        tally.call(http, "edit", "PUT", f"/dossiers/{did}", json=body)
        sub = tally.call(http, "submit", "POST", f"/dossiers/{did}/submit", json={"consent": True})
        if sub is not None and sub.status_code == 202 and rng.random() < 0.3:
            time.sleep(rng.uniform(0, 1.5))
            route = rng.choice(sub.json()["routes"])["id"]
            tally.call(http, "withdraw", "POST", f"/routes/{route}/withdraw")
        if rng.random() < 0.12:
            time.sleep(rng.uniform(0, 1.0))  # erasure racing the routing of that submission
            tally.call(http, "erase", "POST", "/me/erasure", json={"password": PASSWORD})
            http.close()
            http = client(api_url, people.new_founder(), PASSWORD)
    http.close()


def reviewer_loop(api_url: str, partner: str, tally: Tally, until: float, rng: random.Random
                  ) -> None:
    """Read the inbox, open a route, sometimes its PDF, decide or ask."""
    http = client(api_url, f"{partner}@demo.example", "demo1234")
    while time.monotonic() < until:
        r = tally.call(http, "inbox", "GET", "/inbox", params={"limit": 20})
        items = (r.json().get("items", []) if r is not None and r.status_code == 200 else [])
        open_ = [i for i in items if i.get("state") in ("delivered", "opened", "in_review")]
        if not open_:
            time.sleep(0.5)
            continue
        route = rng.choice(open_)["id"]
        tally.call(http, "route", "GET", f"/routes/{route}")
        if rng.random() < 0.2:
            tally.call(http, "route pdf", "GET", f"/routes/{route}/pdf")
        tally.call(http, "decide", "POST", f"/routes/{route}/events", json=rng.choice(DECISIONS))
    http.close()


def staff_loop(api_url: str, tally: Tally, until: float, rng: random.Random) -> None:
    """Follow the pipeline and export it."""
    http = client(api_url, "staff@demo.example", "demo1234")
    while time.monotonic() < until:
        label, path = rng.choice((("pipeline", "/pipeline"),
                                  ("export csv", "/pipeline/export.csv"),
                                  ("export xlsx", "/pipeline/export.xlsx"),
                                  ("dossiers", "/dossiers?limit=50")))
        tally.call(http, label, "GET", path)
        time.sleep(rng.uniform(0.2, 1.0))
    http.close()


def run_load(cluster: Cluster, people: Users, *, clients: int, seconds: float,
             restart_at: float) -> tuple[Tally, float]:
    """Every client loop in its own thread; the Prefect server restarted at `restart_at`."""
    tally, until = Tally(), time.monotonic() + seconds
    partners = ["cepac", "bpmed", "ampa", "mi-honor-loan", "bdf", "cic"]
    staff = max(1, clients // 10)
    reviewers = max(1, clients // 5)
    loops: list[Callable[[], None]] = []
    for i in range(clients - staff - reviewers):
        loops.append(lambda i=i: founder_loop(cluster.api_url, people, tally, until,
                                              random.Random(i)))
    for i in range(reviewers):
        loops.append(lambda i=i: reviewer_loop(cluster.api_url, partners[i % len(partners)],
                                               tally, until, random.Random(1000 + i)))
    for i in range(staff):
        loops.append(lambda i=i: staff_loop(cluster.api_url, tally, until, random.Random(2000 + i)))
    threads = [threading.Thread(target=loop, daemon=True) for loop in loops]
    for t in threads:
        t.start()
    time.sleep(restart_at)
    log("killing the Prefect server mid-routing, then starting it again")
    started = time.monotonic()
    cluster.restart("prefect-server")
    restart_seconds = time.monotonic() - started
    log(f"Prefect server back after {restart_seconds:.1f}s")
    for t in threads:
        t.join(timeout=seconds + 120)
    return tally, restart_seconds


def books(cluster: Cluster, sessions, webhook: WebhookReceiver) -> dict[str, Any]:
    """What the database, the store, the audit chain and the partner say once routing is done."""
    from dossier.models import Delivery, Route, RouteEvent, RoutingRequest
    from dossier.services.delivery import CLAIMABLE

    def settled() -> bool:
        with sessions() as db:
            return not db.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.status.in_(CLAIMABLE))) and not db.scalar(
                select(func.count()).select_from(RoutingRequest).where(
                    RoutingRequest.completed_at.is_(None)))

    wait_until(settled, what="every delivery settled", timeout=600, every=0.5)
    with sessions() as db:
        twice = db.execute(select(RouteEvent.route_id, func.count())
                           .where(RouteEvent.type == "delivered")
                           .group_by(RouteEvent.route_id).having(func.count() > 1)).all()
        statuses = dict(db.execute(select(Delivery.status, func.count())
                                   .group_by(Delivery.status)).all())
        cic_delivered = {str(i) for i in db.scalars(select(Delivery.id).where(
            Delivery.partner_code == "cic", Delivery.status == "delivered"))}
        routes = dict(db.execute(select(Route.state, func.count()).group_by(Route.state)).all())
    received = {a.webhook_id for a in webhook.received if a.status < 300}
    storage = cluster_command(cluster, "storage", "check")
    audit = cluster_command(cluster, "audit", "verify")
    return {"routes_by_state": routes, "deliveries_by_status": statuses,
            "routes_delivered_twice": len(twice),
            "webhooks_missing": len(cic_delivered - received),
            "webhook_ids_received": len(received),
            "storage_check": storage, "audit_verify": audit}


def cluster_command(cluster: Cluster, *args: str) -> dict[str, Any]:
    """A `dossier` command's exit code and the end of its output."""
    done = subprocess.run([str(Path(cluster.commands["api"][0][0])), *args], env=cluster.env,
                          cwd=cluster.root, capture_output=True, text=True, timeout=600,
                          check=False)
    return {"exit": done.returncode, "output": (done.stdout + done.stderr)[-2000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args(argv)
    root = VAR / f"soak-{uuid.uuid4().hex[:6]}"
    root.mkdir(parents=True, exist_ok=True)
    s3 = start_s3_server(root / "s3")
    webhook = WebhookReceiver(generate_secret()).start()
    storage = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT": s3.endpoint,
               "S3_ACCESS_KEY": s3.access_key, "S3_SECRET_KEY": s3.secret_key,
               "S3_BUCKET": f"soak-{uuid.uuid4().hex[:8]}"}
    extra = {"WEBHOOK_SECRET_CIC": webhook.secret, "RECONCILE_INTERVAL": "2",
             "DELIVERY_RETRY_DELAY": "0.5", "STORAGE_GC_GRACE": "0"}
    try:
        with Cluster(root, storage, extra_env=extra) as cluster:
            report = soak(cluster, webhook, args.clients, args.seconds)
    finally:
        webhook.stop()
        s3.stop()
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "machine"}, indent=2,
                     default=str))
    return 0 if report["ok"] else 1


def soak(cluster: Cluster, webhook: WebhookReceiver, clients: int, seconds: float
         ) -> dict[str, Any]:
    """Start the cluster, run the load, read the books."""
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.models import Partner

    log("starting the Prefect server, the database, two workers and the API")
    cluster.start_prefect_server()
    cluster.prepare_app_database()
    sessions = make_sessionmaker(make_engine(database_url(cluster.app_db)))
    with transaction(sessions) as db:
        cic = db.get(Partner, "cic")
        cic.config = {**cic.config, "delivery": {"channel": "webhook", "url": webhook.url,
                                                 "secret_env": "WEBHOOK_SECRET_CIC"}}
    cluster.deploy()
    for name in ("worker-1", "worker-2"):
        cluster.start_worker(name)
    cluster.start_api()
    log(f"{clients} clients for {seconds:.0f}s")
    tally, restart = run_load(cluster, Users(sessions), clients=clients, seconds=seconds,
                              restart_at=seconds * 0.4)
    log("load over; waiting for routing to settle, then checking the books")
    ledger = books(cluster, sessions, webhook)
    statuses = Counter(status for _, status, _ in tally.rows)
    failures = {s: n for s, n in statuses.items() if s not in EXPECTED}
    by_label: dict[str, dict[int, int]] = {}
    for label, status, _ in tally.rows:
        by_label.setdefault(label, Counter())[status] += 1
    per_label = {label: latency_summary([t for lb, _, t in tally.rows if lb == label])
                 for label in sorted({lb for lb, _, _ in tally.rows})}
    ok = (not failures and ledger["routes_delivered_twice"] == 0
          and ledger["webhooks_missing"] == 0 and ledger["storage_check"]["exit"] == 0
          and ledger["audit_verify"]["exit"] == 0)
    return {"when": stamp(), "machine": machine(), "clients": clients, "seconds": seconds,
            "requests": len(tally.rows), "statuses": dict(statuses),
            "server_errors": sum(n for s, n in statuses.items() if s >= 500 or s == 0),
            "unexpected": failures,
            "p95_ms": latency_summary([t for _, _, t in tally.rows])["p95_ms"],
            "statuses_by_label": by_label, "unanswered": dict(tally.errors),
            "latency": per_label, "prefect_restart_seconds": round(restart, 1),
            **ledger, "ok": ok}


if __name__ == "__main__":
    raise SystemExit(main())
