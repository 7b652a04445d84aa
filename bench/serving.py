"""Benchmark 8: serving processes, 1 against 2 (uvicorn `--workers`, as `dossier serve`).

20 closed-loop clients send a mix, in equal parts: the API inbox of a reviewer, a dossier's
status (its founder) and the reviewer inbox page (session cookie). On PostgreSQL against
the `bench` dataset (100 000 dossiers, read only: tokens and sessions are added), and on
SQLite against a smaller one made here through the services. Throughput, p50/p95 per kind
and overall, server CPU per request (every serving process, from /proc) and the load
average before each round; rounds alternate 1, 2, 1, 2… processes.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

import httpx

from bench import dataset
from bench.common import VAR, latency_summary, log, target
from bench.loadgen import _drive
from bench.services import SECRET, app_env, app_server, issue_tokens

CLIENTS = 20
SQLITE_DOSSIERS = 400  # each asking five partners: 2 000 routes
KINDS = ("inbox", "status", "page")


def run(*, quick: bool) -> dict[str, Any]:
    """Both databases, each with 1 and 2 processes."""
    requests = 600 if quick else 2000
    rounds = 1 if quick else 2
    results: dict[str, Any] = {"clients": CLIENTS, "mix": list(KINDS),
                               "requests_per_round": requests}
    for name, prepare in (("sqlite", _sqlite), ("postgresql", _postgresql)):
        url, calls = prepare()
        results[name] = _compare(name, url, calls, requests, rounds)
    _judge(results)
    return results


def _compare(name: str, url: str, calls: dict[str, list[tuple[str, dict[str, str]]]],
             requests: int, rounds: int) -> dict[str, Any]:
    rng = random.Random(11)
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            mix = [(*rng.choice(calls[KINDS[i % len(KINDS)]]), KINDS[i % len(KINDS)])
                   for i in range(requests)]
            with app_server(app_env(url), name=f"serving-{name}-{workers}",
                            workers=workers) as server:
                runs[workers].append(_round(server, mix, workers))
            log(f"serving {name} ×{workers}: {runs[workers][-1]['throughput_rps']} req/s, "
                f"p95 {runs[workers][-1]['all']['p95_ms']} ms")
    best = {w: max(r, key=lambda x: x["throughput_rps"]) for w, r in runs.items()}
    return {"processes_1": best[1], "processes_2": best[2], "rounds": runs,
            "throughput_ratio": round(best[2]["throughput_rps"] / best[1]["throughput_rps"], 3)}


def _round(server: Any, mix: list[tuple[str, dict[str, str], str]], workers: int
           ) -> dict[str, Any]:
    """Warm every process, then the mix; latencies per kind."""
    _load(server.url, mix[:4 * CLIENTS], CLIENTS)  # warm-up: both processes get connections
    load = [round(x, 2) for x in os.getloadavg()]
    cpu_before = _cpu_seconds(server.pid)
    by_kind, wall = _load(server.url, mix, CLIENTS)
    cpu = _cpu_seconds(server.pid) - cpu_before
    every = [s for samples in by_kind.values() for s in samples]
    return {"processes": workers, "load_average_before": load,
            "throughput_rps": round(len(every) / wall, 1), "all": latency_summary(every),
            **{kind: latency_summary(samples) for kind, samples in by_kind.items()},
            "server_cpu_ms_per_request": round(cpu * 1000 / len(every), 2)}


def _load(base: str, mix: list[tuple[str, dict[str, str], str]], clients: int
          ) -> tuple[dict[str, list[float]], float]:
    """Send the mix with `clients` keep-alive connections; latencies by kind, wall time."""
    import asyncio

    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}

    async def main() -> float:
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(
                max_connections=clients, max_keepalive_connections=clients)) as client:
            async def make() -> httpx.AsyncClient:
                return _Shared(client)

            async def send(shared: _Shared, item: tuple[str, dict[str, str], str]) -> None:
                path, headers, kind = item
                started = time.perf_counter()
                r = await shared.client.get(path, headers=headers)
                if r.status_code != 200:
                    raise RuntimeError(f"GET {path}: {r.status_code} {r.text[:300]}")
                by_kind[kind].append(time.perf_counter() - started)

            _, wall = await _drive(mix, clients, make, send)
            return wall

    wall = asyncio.run(main())
    return by_kind, wall


class _Shared:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (the serving processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, frontier = times.get(pid, 0.0), [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current:
                total += times.get(child, 0.0)
                frontier.append(child)
    return total


# -- the data -------------------------------------------------------------------------------

def _postgresql() -> tuple[str, dict[str, list[tuple[str, dict[str, str]]]]]:
    from bench.latency import _calls

    data = dataset.ensure()
    api = _calls(data, random.Random(7))
    partners = sorted({c.token for c in api["inbox"]})  # one token per reviewer
    reviewers = _reviewer_emails(data.url)
    return data.url, {
        "inbox": [(c.path, _bearer(c.token)) for c in api["inbox"]],
        "status": [(c.path, _bearer(c.token)) for c in api["status"]],
        "page": _pages(data.url, reviewers[:len(partners)])}


def _sqlite() -> tuple[str, dict[str, list[tuple[str, dict[str, str]]]]]:
    """A SQLite database of SQLITE_DOSSIERS submitted dossiers, made through the services."""
    from app.migrate import upgrade

    path = VAR / "serving.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    started = time.monotonic()
    owner_email, dossier_ids = _fill_sqlite(url)
    log(f"serving: SQLite with {len(dossier_ids)} submitted dossiers in "
        f"{time.monotonic() - started:.0f} s")
    reviewers = _reviewer_emails(url)
    tokens = issue_tokens(url, [owner_email, *reviewers])
    inbox = [(f"/api/v1/inbox?page={page}", _bearer(tokens[email]))
             for email in reviewers for page in (1, 2)]
    status = [(f"/api/v1/dossiers/{dossier_id}", _bearer(tokens[owner_email]))
              for dossier_id in dossier_ids[:100]]
    return url, {"inbox": inbox, "status": status, "page": _pages(url, reviewers)}


def _fill_sqlite(url: str) -> tuple[str, list[str]]:
    from app.demo import seed_demo
    from banks.submission import BankEligibility
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.services import attachments, dossiers, submission, users
    from storage.filesystem import FilesystemStore
    from tests.helpers import ALL_KINDS, full_dossier, minimal_pdf

    submission.use_eligibility(BankEligibility())
    store = FilesystemStore(VAR / "objects", secret=SECRET.encode())
    stored = {kind: store.put_stream([minimal_pdf(kind)]) for kind in ALL_KINDS}
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as db:
        seed_demo(db=db, password="demo1234")  # noqa: S106  (the documented demo password)
    ids = []
    for i in range(SQLITE_DOSSIERS):
        with transaction(sessions) as db:
            founder = users.get_by_email(db=db, email="founder@demo.example")
            dossier = dossiers.create_draft(db=db, owner=founder,
                                            data=full_dossier(name=f"Startup {i:05d}"))
            for kind, obj in stored.items():
                attachments.record(db=db, dossier=dossier, user=founder, kind=kind,
                                   filename=f"{kind}.pdf", content_type="application/pdf",
                                   size=obj.size, sha256=obj.sha256, storage_key=obj.key)
            submission.submit(db=db, dossier=dossier, user=founder, consent=True)
            ids.append(str(dossier.id))
    engine.dispose()
    return "founder@demo.example", ids


def _reviewer_emails(url: str) -> list[str]:
    from sqlalchemy import select

    from dossier.db import make_engine, make_sessionmaker
    from dossier.models import User

    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        emails = list(db.scalars(select(User.email).where(
            User.role == "reviewer", User.email.like("%@demo.example")).order_by(User.email)))
    engine.dispose()
    return emails


def _pages(url: str, reviewers: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The reviewer inbox page, with a session cookie of each reviewer (logged in through
    the login form of a short-lived app in this process)."""
    import re
    import tempfile

    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import AppSettings
    from storage.filesystem import FilesystemStore

    settings = AppSettings(database_url=url, secret_key=SECRET, routing_in_background=False)
    calls = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(settings, store=FilesystemStore(Path(tmp), secret=SECRET.encode()))
        for email in reviewers:
            with TestClient(app) as client:
                csrf = re.search(r'name="csrf" value="([^"]+)"',
                                 client.get("/login").text).group(1)
                r = client.post("/login", data={"email": email, "password": "demo1234",
                                                "csrf": csrf}, follow_redirects=False)
                if r.status_code != 303:
                    raise RuntimeError(f"login {email}: {r.status_code}")
                cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            calls.append(("/reviewer", {"Cookie": cookie}))
        app.state.dossier.engine.dispose()
    return calls


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _judge(results: dict[str, Any]) -> None:
    for name in ("sqlite", "postgresql"):
        item = results.get(name)
        if item:
            item["targets"] = [target(item["throughput_ratio"] >= 1.0,
                                      "2 processes serve at least as much as 1 (2 cores "
                                      "shared with the database and the load generator)")]
