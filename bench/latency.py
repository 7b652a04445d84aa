"""Benchmark 2: API latency at scale (inbox, dossier status, pipeline) against its floor.

PostgreSQL holds 100 000 dossiers and 600 000 routes (bench/dataset.py). Each endpoint is
called by C concurrent clients. It is judged against the floor of its stack (bench/floor.py:
the bare FastAPI app with one `SELECT 1`, served the same way), loaded with the same calls
and clients right after it, so that both meet the same machine; the raw SQL (the very
SELECT statements the endpoint sent, recorded once per distinct request, replayed on C
direct connections) stays a figure. Server CPU per request is read from /proc: under a
closed loop it is what decides the ratio.
"""

from __future__ import annotations

import os
import random
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg

from bench import dataset
from bench.common import latency_summary, log, ratio, target
from bench.loadgen import Call, Recorder, http_load, sql_load
from bench.services import SECRET, AppServer, app_env, app_server, issue_tokens

CLIENTS = 20
PAGES = 5
FLOOR_TARGETS = {"inbox": 1.5, "status": 1.3}  # p95 at most this times the floor's p95


def run(*, quick: bool, sweep: bool = True) -> dict[str, Any]:
    """Measure the three endpoints on the migrated schema, and optionally a client sweep."""
    data = dataset.ensure()
    rng = random.Random(7)
    calls = _calls(data, rng)
    recorded = _record(data.url, calls)
    sizes = {"inbox": 600 if quick else 2000, "status": 600 if quick else 2000,
             "pipeline": 100 if quick else 1000}
    raw_sizes = {**sizes, "pipeline": CLIENTS if quick else 3 * CLIENTS}
    results: dict[str, Any] = {"dataset": {"dossiers": dataset.DOSSIERS,
                                           "routes": dataset.DOSSIERS
                                           * dataset.PARTNERS_PER_DOSSIER,
                                           "clients": CLIENTS}}
    with ExitStack() as servers:
        server = servers.enter_context(app_server(app_env(data.url), name="latency"))
        floor = servers.enter_context(app_server(app_env(data.url), name="floor",
                                                 factory="bench.floor:create_app"))
        floors = []
        for name in ("inbox", "status", "pipeline"):
            results[name] = _measure(server, data.url, calls[name], recorded[name],
                                     sizes[name], raw_sizes[name], CLIENTS, name, rng)
            if name in FLOOR_TARGETS:
                latencies, results[name]["floor"] = _floor(floor, sizes[name])
                results[name]["floor_ratio_p95"] = ratio(results[name]["ours"]["p95_ms"],
                                                         results[name]["floor"]["p95_ms"])
                floors += latencies
        results["pipeline"]["computation"] = _pipeline_computation(data.url, quick)
        if sweep:
            results["sweep"] = _sweep(server.url, data.url, calls, recorded, results, quick,
                                      rng)
    results["floor"] = {"ours": latency_summary(floors),
                        "note": "both floor runs pooled; each endpoint is judged against the "
                                "run that followed it"}
    _judge(results)
    return results


def _calls(data: dataset.Dataset, rng: random.Random) -> dict[str, list[Call]]:
    """A pool of distinct requests per endpoint, with their bearer tokens."""
    with psycopg.connect(data.url) as conn:
        partners = [r[0] for r in conn.execute("SELECT code FROM partners ORDER BY code")]
        owners = data.founders_with_full_dossiers[:CLIENTS]
        emails = dict(conn.execute("SELECT id, email FROM users WHERE id = ANY(%s)",
                                   (owners,)).fetchall())
        mine = {owner: [r[0] for r in conn.execute(
            "SELECT id FROM dossiers WHERE owner_id = %s ORDER BY id", (owner,))]
            for owner in owners}
    reviewers = [f"{code}@demo.example" for code in partners]
    tokens = issue_tokens(data.url, [*reviewers, "staff@demo.example",
                                     *(emails[o] for o in owners)])
    inbox = [Call(f"/api/v1/inbox?page={page}", tokens[f"{code}@demo.example"])
             for code in partners for page in range(1, PAGES + 1)]
    # Reviewers also look back at what they decided (the second part of the inbox).
    inbox += [Call(f"/api/v1/inbox?state={state}&page={page}", tokens[f"{code}@demo.example"])
              for code in partners for state, page in (("approved", 1), ("declined", 3))]
    status = [Call(f"/api/v1/dossiers/{dossier_id}", tokens[emails[owner]])
              for owner in owners for dossier_id in rng.sample(mine[owner], 5)]
    pipeline = [Call("/api/v1/pipeline", tokens["staff@demo.example"])]
    return {"inbox": inbox, "status": status, "pipeline": pipeline}


def _record(url: str, calls: dict[str, list[Call]]) -> dict[str, list[list[tuple]]]:
    """Each call once through the app in this process, recording the SQL it sends."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import AppSettings
    from storage.filesystem import FilesystemStore

    settings = AppSettings(database_url=url, secret_key=SECRET, routing_in_background=False)
    recorded: dict[str, list[list[tuple]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, pool in calls.items():
            app = create_app(settings, store=FilesystemStore(Path(tmp), secret=SECRET.encode()))
            recorder = Recorder(app.state.dossier.engine)
            with TestClient(app) as client:
                recorded[name] = []
                for call in pool:
                    recorder.take()
                    r = client.get(call.path, headers={"Authorization": f"Bearer {call.token}"})
                    if r.status_code != 200:
                        raise RuntimeError(f"{call.path}: {r.status_code} {r.text[:300]}")
                    if name == "inbox" and not r.json()["items"]:  # an empty page costs nothing
                        raise RuntimeError(f"{call.path}: an empty inbox page")
                    recorded[name].append(recorder.take())
            app.state.dossier.engine.dispose()
    return recorded


def _measure(server: AppServer | str, db_url: str, pool: list[Call],
             statements: list[list[tuple]], count: int, raw_count: int, clients: int,
             label: str, rng: random.Random) -> dict[str, Any]:
    """Ours then raw, after a warm-up pass of each; latency percentiles and their ratio
    (and the server's CPU per request when given the server, not only its URL)."""
    base_url = server if isinstance(server, str) else server.url
    picks = [rng.randrange(len(pool)) for _ in range(max(count, raw_count))]
    warm = min(clients, 10)
    http_load(base_url, [pool[i] for i in picks[:warm]], warm)  # warm-up
    cpu = _cpu_seconds(server)
    ours, ours_wall = http_load(base_url, [pool[i] for i in picks[:count]], clients)
    cpu = _cpu_seconds(server) - cpu if cpu is not None else None
    sql_load(db_url, [statements[i] for i in picks[:2]], 2)  # warm-up
    raw, raw_wall = sql_load(db_url, [statements[i] for i in picks[:raw_count]], clients)
    ours_s, raw_s = latency_summary(ours), latency_summary(raw)
    log(f"latency {label}: ours p95 {ours_s['p95_ms']} ms, raw p95 {raw_s['p95_ms']} ms")
    result = {"ours": {**ours_s, "throughput_rps": round(len(ours) / ours_wall, 1)},
              "raw": {**raw_s, "throughput_rps": round(len(raw) / raw_wall, 1)},
              "ratio_p95": ratio(ours_s["p95_ms"], raw_s["p95_ms"]),
              "statements_per_request": round(sum(map(len, statements)) / len(statements), 1)}
    if cpu is not None:
        result["ours"]["cpu_ms_per_request"] = round(cpu * 1000 / len(ours), 2)
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _floor(server: AppServer, count: int) -> tuple[list[float], dict[str, Any]]:
    """The same load on the bare stack (bench/floor.py): the best any endpoint could do."""
    calls = [Call("/floor", "none")] * count
    http_load(server.url, calls[:10], 10)  # warm-up
    cpu = _cpu_seconds(server)
    latencies, wall = http_load(server.url, calls, CLIENTS)
    cpu = _cpu_seconds(server) - cpu
    summary = latency_summary(latencies)
    log(f"latency floor (bare FastAPI + SELECT 1): p95 {summary['p95_ms']} ms")
    return latencies, {**summary, "throughput_rps": round(len(latencies) / wall, 1),
                       "cpu_ms_per_request": round(cpu * 1000 / len(latencies), 2)}


def _cpu_seconds(server: AppServer | str) -> float | None:
    """User + system CPU seconds the serving process has used (from /proc)."""
    if isinstance(server, str):
        return None
    with open(f"/proc/{server.pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pipeline_computation(url: str, quick: bool) -> dict[str, Any]:
    """What one uncached pipeline costs, alone (the endpoint recomputes it every 30 s)."""
    import time

    from dossier.db import make_engine, make_sessionmaker
    from dossier.services import pipeline

    engine = make_engine(url)
    samples = []
    for _ in range(2 if quick else 5):
        with make_sessionmaker(engine)() as db:
            started = time.perf_counter()
            pipeline.pipeline(db=db)
            pipeline.stuck_routes(db=db, limit=100)
            pipeline.count_stuck(db=db)
            samples.append(time.perf_counter() - started)
    engine.dispose()
    return {"single_client": latency_summary(samples)}


def _sweep(base_url: str, db_url: str, calls: dict[str, list[Call]],
           recorded: dict[str, list[list[tuple]]], results: dict[str, Any], quick: bool,
           rng: random.Random) -> dict[str, Any]:
    """p95 of inbox and status as clients grow (the chart's second panel); the last point
    is the main measurement."""
    levels = (1, 5) if quick else (1, 5, 10)
    sweep: dict[str, Any] = {}
    for name in ("inbox", "status"):
        sweep[name] = []
        for clients in levels:
            count = max(40 if quick else 200, clients * (8 if quick else 20))
            result = _measure(base_url, db_url, calls[name], recorded[name], count, count,
                              clients, f"{name}@{clients}", rng)
            sweep[name].append({"clients": clients, "ours_p95_ms": result["ours"]["p95_ms"],
                                "raw_p95_ms": result["raw"]["p95_ms"]})
        sweep[name].append({"clients": CLIENTS, "ours_p95_ms": results[name]["ours"]["p95_ms"],
                            "raw_p95_ms": results[name]["raw"]["p95_ms"]})
    return sweep


def _judge(results: dict[str, Any]) -> None:
    for name, most in FLOOR_TARGETS.items():
        item = results[name]
        floor_ratio = item.get("floor_ratio_p95")
        item["targets"] = [target(floor_ratio is not None and floor_ratio <= most,
                                  f"p95 ≤ {most}× the floor's p95")]
    pipeline = results["pipeline"]
    pipeline["targets"] = [target(pipeline["ours"]["p95_ms"] <= 250, "p95 ≤ 250 ms")]
