"""Benchmark 5: POST /submit (commit and enqueue) against the submit service called directly."""

from __future__ import annotations

import time
from typing import Any

from bench import database
from bench.common import latency_summary, log, ratio, target
from bench.routing import _prepare, _submit
from bench.services import app_env, app_server, issue_tokens
from tests.s3server import S3Server

DB = "bench_submit"


def run(*, quick: bool, s3: S3Server) -> dict[str, Any]:
    """One client submits M dossiers through the API; the service then submits M others."""
    count = 40 if quick else 300
    url = database.recreate(DB)
    ids = _prepare(url, s3, 2 * count + 1)
    warmup, ours_ids, raw_ids = ids[0], ids[1:count + 1], ids[count + 1:]
    token = issue_tokens(url, ["founder@demo.example"])["founder@demo.example"]
    # Routing off: the dispatcher only receives the version id; the flows are benchmark 1.
    with app_server(app_env(url, s3=s3), name="submit") as server:
        _submit(server.url, token, [warmup], 1)
        ours = latency_summary(_submit(server.url, token, ours_ids, 1))
    raw = latency_summary(_raw(url, raw_ids))
    value = ratio(ours["p95_ms"], raw["p95_ms"])
    log(f"submit: ours p95 {ours['p95_ms']} ms, service alone p95 {raw['p95_ms']} ms")
    return {"dossiers": count, "clients": 1, "ours": ours, "raw": raw, "ratio_p95": value,
            "targets": [target(ours["p95_ms"] <= 50, "p95 ≤ 50 ms")]}


def _raw(url: str, ids: list) -> list[float]:
    """The endpoint's transaction without HTTP: load, submit, summarise the routes."""
    from banks.submission import BankEligibility
    from dossier.db import make_engine, make_sessionmaker
    from dossier.models import Dossier, User
    from dossier.services import routes, submission

    submission.use_eligibility(BankEligibility())

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    latencies = []
    for dossier_id in ids:
        started = time.perf_counter()
        with sessions() as db, db.begin():
            dossier = db.get(Dossier, dossier_id)
            founder = db.get(User, dossier.owner_id)
            submission.submit(db=db, dossier=dossier, user=founder, consent=True)
            [routes.route_summary(r) for r in submission.routes_of(db=db, dossier=dossier).values()]
        latencies.append(time.perf_counter() - started)
    engine.dispose()
    return latencies
