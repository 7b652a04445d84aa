"""Benchmark 7: the pages people use all day, at scale (100 000 dossiers, 600 000 routes).

Four pages, logged in by the web session cookie (sessions minted as the login does:
`users.issue_token(scope="web")`): the reviewer inbox (`GET /reviewer`, every partner's
reviewer, pages 1-3 and a decided page), the reviewer route page (`GET /reviewer/routes/{rid}`,
routes in five states, each with its history and messages), the founder status page
(`GET /founder/dossiers/{id}`, full dossiers) and the staff dashboard (`GET /staff`).

- **Ours**: the page through uvicorn (one process), at 1 client and at 20 clients.
- **Raw at 1 client**, per request: the SELECT statements the page sent (recorded once per
  distinct request, replayed in one transaction on one direct psycopg connection) plus the
  time to render the same Jinja template with the very context the view built (captured
  during the recording pass, rendered again in-process once the page's own render has loaded
  every attribute: pure template time, the median of 9 renders). Ours and raw alternate
  request by request, so that both see the same load. The page's writes (the access record
  and `seen` marks of the route page) are not in raw: its duty, not the reading of its data.
- **Floor**: the bare FastAPI + `SELECT 1` app (bench/floor.py) under the same 20 clients,
  in the same run; and at 1 client against its raw `SELECT 1` (the stack's own cost).

The dataset has no versions, events nor messages: the chosen dossiers get a version, each of
their routes a history and two messages, written before and deleted after (with the access
records, audit heads and sessions the run made), so the kept dataset is left as found.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench import dataset
from bench.common import latency_summary, log, ratio, target
from bench.loadgen import PageCall, Recorder, http_load
from bench.services import SECRET, app_env, app_server

CLIENTS = 20
PAGES = ("inbox", "route", "status", "staff")
TITLES = {"inbox": "Reviewer inbox", "route": "Reviewer route page",
          "status": "Founder status page", "staff": "Staff dashboard"}
ROUTE_STATES = ("opened", "in_review", "info_requested", "approved", "declined")
ROUTES_PER_STATE = 8  # distinct route pages per state (each is recorded once, warmed once)
RENDERS = 9  # in-process renders of each captured context; the median is raw's template time
# The other latency benchmark reads the first 20 sample owners' dossiers: these stay apart.
STATUS_OWNERS = slice(20, 35)
ROUTE_OWNERS = slice(35, 50)


@dataclass
class Fixture:
    """What the run added to the kept dataset, to delete afterwards."""

    dossiers: list[uuid.UUID] = field(default_factory=list)
    tokens: list[uuid.UUID] = field(default_factory=list)


def run(*, quick: bool) -> dict[str, Any]:
    """Measure the four pages at 1 and 20 clients against raw and the floor."""
    data = dataset.ensure()
    rng = random.Random(17)
    sizes = {"single": 40 if quick else 150, "loaded": 300 if quick else 1200}
    results: dict[str, Any] = {"dataset": {"dossiers": dataset.DOSSIERS,
                                           "routes": dataset.DOSSIERS
                                           * dataset.PARTNERS_PER_DOSSIER,
                                           "clients": CLIENTS}}
    with _fixture(data) as (_, calls):
        recorded = _record(data.url, calls)
        with app_server(app_env(data.url), name="pages") as server:
            for name in PAGES:
                results[name] = _measure(server.url, data.url, calls[name], recorded[name],
                                         sizes, rng, name)
        results["floor"] = _floor(data.url, sizes["loaded"], sizes["single"])
    _judge(results)
    return results


# -- the data of the run ------------------------------------------------------------------


@contextmanager
def _fixture(data: dataset.Dataset) -> Iterator[tuple[Fixture, dict[str, list[PageCall]]]]:
    """Versions, histories, messages and sessions for the chosen pages; removed afterwards."""
    fixture = Fixture()
    try:
        calls = _seed(data, fixture)
        yield fixture, calls
    finally:
        _undo(data.url, fixture)


def _seed(data: dataset.Dataset, fixture: Fixture) -> dict[str, list[PageCall]]:
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.models import Dossier, Route, User

    engine = make_engine(data.url)
    owners = data.founders_with_full_dossiers
    with transaction(make_sessionmaker(engine)) as db:
        reviewers = {u.partner_code: u for u in db.query(User).filter(
            User.role == "reviewer", User.email.like("%@demo.example"),
            ~User.email.like("%-comite@%"))}
        staff = db.query(User).filter(User.email == "staff@demo.example").one()

        def dossiers_of(group: slice, per_owner: int) -> list[Dossier]:
            chosen = []
            for owner in owners[group]:
                chosen += db.query(Dossier).filter(Dossier.owner_id == owner).order_by(
                    Dossier.id).limit(per_owner).all()
            return chosen

        status_dossiers, route_dossiers = dossiers_of(STATUS_OWNERS, 2), dossiers_of(
            ROUTE_OWNERS, 2)
        fixture.dossiers = [d.id for d in status_dossiers + route_dossiers]
        for dossier in status_dossiers + route_dossiers:
            _seed_dossier(db, dossier, reviewers)
        db.flush()
        users = {u.id: u for u in [*reviewers.values(), staff]}
        for dossier in status_dossiers:
            users[dossier.owner_id] = db.get(User, dossier.owner_id)
        sessions = {uid: _session(db, user, fixture) for uid, user in users.items()}
        routes = [r for d in route_dossiers for r in db.query(Route).filter(
            Route.dossier_id == d.id, Route.state.in_(ROUTE_STATES)).order_by(Route.id)]
        routes = [r for state in ROUTE_STATES
                  for r in [r for r in routes if r.state == state][:ROUTES_PER_STATE]]
        calls = {
            "inbox": [PageCall(f"/reviewer?page={page}", sessions[u.id])
                      for u in reviewers.values() for page in (1, 2, 3)]
            + [PageCall("/reviewer?state=approved&page=2", sessions[u.id])
               for u in reviewers.values()],
            "route": [PageCall(f"/reviewer/routes/{r.id}", sessions[reviewers[r.partner_code].id])
                      for r in routes],
            "status": [PageCall(f"/founder/dossiers/{d.id}", sessions[d.owner_id])
                       for d in status_dossiers],
            "staff": [PageCall("/staff", sessions[staff.id])],
        }
    engine.dispose()
    states = sorted({r.state for r in routes})
    log(f"pages: {len(calls['route'])} routes ({', '.join(states)}), "
        f"{len(calls['status'])} founder dossiers, {len(reviewers)} partners")
    return calls


def _seed_dossier(db: Any, dossier: Any, reviewers: dict[str, Any]) -> None:
    """A first version, and for each route a history that reaches its state and two messages."""
    from dossier.models import DossierVersion, Message, Route, RouteEvent
    from dossier.services.dossiers import attachment_view

    content = dossier.content
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    db.add(DossierVersion(dossier_id=dossier.id, number=1, schema_version=1, content=content,
                          content_hash=digest, created_by=dossier.owner_id,
                          created_at=dossier.created_at,
                          attachments=[attachment_view(a) for a in dossier.attachments]))
    for route in db.query(Route).filter(Route.dossier_id == dossier.id):
        reviewer = reviewers[route.partner_code]
        at = route.delivered_at or route.created_at
        steps = [("submitted", None, "queued", dossier.owner_id, "founder", {"version": 1})]
        if route.state != "queued":
            steps.append(("delivered", "queued", "delivered", None, "system", {"version": 1}))
        if route.state not in ("queued", "delivered", "withdrawn"):
            steps.append(("opened", "delivered", "opened", reviewer.id, "reviewer", {}))
        if route.state in ("in_review", "info_requested", "approved", "declined"):
            steps.append(("in_review", "opened", "in_review", reviewer.id, "reviewer", {}))
        if route.state == "info_requested":
            steps.append(("info_requested", "in_review", "info_requested", reviewer.id,
                          "reviewer", {"request_kind": "question",
                                       "message": "Pouvez-vous préciser le prévisionnel ?"}))
        if route.state in ("approved", "declined"):
            steps.append((route.state, "in_review", route.state, reviewer.id, "reviewer",
                          route.decision or {}))
        if route.state == "withdrawn":
            steps.append(("withdrawn", "delivered", "withdrawn", dossier.owner_id, "founder", {}))
        for i, (kind, source, to, actor, role, payload) in enumerate(steps):
            db.add(RouteEvent(route_id=route.id, type=kind, from_state=source, to_state=to,
                              actor_id=actor, actor_role=role, payload=payload,
                              created_at=at + timedelta(hours=i)))
        if len(steps) > 3:
            db.add(Message(route_id=route.id, author_id=reviewer.id, author_role="reviewer",
                           body="Bonjour, nous étudions votre dossier.", attachment_ids=[],
                           created_at=at + timedelta(hours=3, minutes=10)))
            db.add(Message(route_id=route.id, author_id=dossier.owner_id, author_role="founder",
                           body="Merci, nous restons à votre disposition.", attachment_ids=[],
                           created_at=at + timedelta(hours=3, minutes=40)))


def _session(db: Any, user: Any, fixture: Fixture) -> str:
    """A page session, as the login opens it."""
    from app.web.common.auth import SESSION_HOURS
    from dossier.services import users

    token, row = users.issue_token(db=db, user=user, scope="web",
                                   lifetime=timedelta(hours=SESSION_HOURS))
    fixture.tokens.append(row.id)
    return token


def _undo(url: str, fixture: Fixture) -> None:
    """Delete what the run added (the chosen dossiers' versions, histories, messages, access
    records and audit heads; its sessions and the notifications of its readers)."""
    with psycopg.connect(url) as conn:
        ids = fixture.dossiers
        conn.execute("DELETE FROM messages WHERE route_id IN "
                     "(SELECT id FROM routes WHERE dossier_id = ANY(%s))", (ids,))
        conn.execute("DELETE FROM route_events WHERE route_id IN "
                     "(SELECT id FROM routes WHERE dossier_id = ANY(%s))", (ids,))
        for table in ("access_records", "audit_heads", "dossier_versions"):
            conn.execute(f"DELETE FROM {table} WHERE dossier_id = ANY(%s)", (ids,))  # noqa: S608
        conn.execute("DELETE FROM api_tokens WHERE id = ANY(%s)", (fixture.tokens,))
    log(f"pages: the run's additions to {len(fixture.dossiers)} dossiers deleted")


# -- recording: the SQL each page sends and the context it renders -------------------------


@dataclass
class Recorded:
    """One distinct request: its SELECTs and the in-process time of its template."""

    statements: list[tuple]
    render_s: float
    template: str


def _record(url: str, calls: dict[str, list[PageCall]]) -> dict[str, list[Recorded]]:
    """Each call once through the app in this process: its SQL, and its template rendered
    again with the same context."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import AppSettings
    from app.web.common.templating import TEMPLATES
    from storage.filesystem import FilesystemStore

    settings = AppSettings(database_url=url, secret_key=SECRET, routing_in_background=False)
    captured: list[tuple[str, float]] = []
    original = TEMPLATES.TemplateResponse

    def capturing(request: Any, name: str, context: dict[str, Any] | None = None,
                  *args: Any, **kwargs: Any) -> Any:
        response = original(request, name, context, *args, **kwargs)
        template = TEMPLATES.get_template(name)
        times = []
        for _ in range(RENDERS):
            started = time.perf_counter()
            template.render(context)
            times.append(time.perf_counter() - started)
        captured.append((name, statistics.median(times)))
        return response

    recorded: dict[str, list[Recorded]] = {}
    TEMPLATES.TemplateResponse = capturing  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(settings, store=FilesystemStore(Path(tmp), secret=SECRET.encode()))
            recorder = Recorder(app.state.dossier.engine)
            with TestClient(app) as client:
                for name, pool in calls.items():
                    recorded[name] = []
                    for call in pool:
                        client.get(call.path, headers=call.headers())  # warm caches
                        recorder.take()
                        captured.clear()
                        r = client.get(call.path, headers=call.headers())
                        if r.status_code != 200 or len(captured) != 1:
                            raise RuntimeError(f"{call.path}: {r.status_code} {r.text[:300]}")
                        recorded[name].append(Recorded(recorder.take(), captured[0][1],
                                                       captured[0][0]))
            app.state.dossier.engine.dispose()
    finally:
        del TEMPLATES.TemplateResponse  # the class's method again
    return recorded


# -- measuring ------------------------------------------------------------------------------


def _measure(base_url: str, db_url: str, pool: list[PageCall], recorded: list[Recorded],
             sizes: dict[str, int], rng: random.Random, label: str) -> dict[str, Any]:
    """Ours at 1 and 20 clients, raw (SQL + template) at 1 client, on the same picks."""
    picks = [rng.randrange(len(pool)) for _ in range(sizes["loaded"])]
    single = picks[:sizes["single"]]
    http_load(base_url, [pool[i] for i in picks[:10]], 10)  # warm-up
    one, sql = _single(base_url, db_url, pool, recorded, single)
    loaded, wall = http_load(base_url, [pool[i] for i in picks], CLIENTS)
    raw = [s + recorded[i].render_s for s, i in zip(sql, single, strict=True)]
    ones, raws, loads = latency_summary(one), latency_summary(raw), latency_summary(loaded)
    render = latency_summary([recorded[i].render_s for i in single])
    log(f"pages {label}: 1 client p50 {ones['p50_ms']} ms (raw {raws['p50_ms']}), "
        f"{CLIENTS} clients p95 {loads['p95_ms']} ms")
    return {
        "template": recorded[0].template,
        "distinct_requests": len(pool),
        "statements_per_request": round(sum(len(r.statements) for r in recorded)
                                        / len(recorded), 1),
        "single": {"ours": ones, "raw": raws, "raw_render": render,
                   "raw_sql": latency_summary(sql),
                   "ratio_p50": ratio(ones["p50_ms"], raws["p50_ms"]),
                   "ratio_p95": ratio(ones["p95_ms"], raws["p95_ms"])},
        "loaded": {"ours": {**loads, "throughput_rps": round(len(loaded) / wall, 1)}},
    }


def _single(base_url: str, db_url: str, pool: list[PageCall], recorded: list[Recorded],
            picks: list[int]) -> tuple[list[float], list[float]]:
    """One client: each page, then its raw SQL replay, one after the other (both sides see
    the same load on this shared machine); latencies of each."""
    import httpx

    ours, sql = [], []
    with httpx.Client(base_url=base_url, timeout=120) as client, \
            psycopg.connect(db_url) as conn:
        for i in picks:
            started = time.perf_counter()
            response = client.get(pool[i].path, headers=pool[i].headers())
            ours.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"GET {pool[i].path}: {response.status_code}")
            started = time.perf_counter()
            with conn.transaction(), conn.cursor() as cursor:
                for statement, params in recorded[i].statements:
                    cursor.execute(statement, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            sql.append(time.perf_counter() - started)
    return ours, sql


def _floor(db_url: str, count: int, single: int) -> dict[str, Any]:
    """The bare stack (bench/floor.py) as latency.py measures it, at 20 clients, and at one
    client alternating with its raw `SELECT 1`: what the stack itself costs a request."""
    import httpx

    with app_server(app_env(db_url), name="floor", factory="bench.floor:create_app") as server:
        calls = [PageCall("/floor", "none")] * count
        http_load(server.url, calls[:10], 10)  # warm-up
        latencies, wall = http_load(server.url, calls, CLIENTS)
        one, raw = [], []
        with httpx.Client(base_url=server.url, timeout=60) as client, \
                psycopg.connect(db_url) as conn:
            for _ in range(single):
                started = time.perf_counter()
                client.get("/floor").raise_for_status()
                one.append(time.perf_counter() - started)
                started = time.perf_counter()
                conn.execute("SELECT 1").fetchall()
                raw.append(time.perf_counter() - started)
    summary = latency_summary(latencies)
    log(f"pages floor (bare FastAPI + SELECT 1): p95 {summary['p95_ms']} ms at {CLIENTS} clients")
    return {"ours": {**summary, "throughput_rps": round(len(latencies) / wall, 1)},
            "single": {"ours": latency_summary(one), "raw": latency_summary(raw)}}


def _judge(results: dict[str, Any]) -> None:
    floor = results["floor"]["ours"]["p95_ms"]
    for name in PAGES:
        item = results[name]
        item["loaded"]["ratio_to_floor_p95"] = ratio(item["loaded"]["ours"]["p95_ms"], floor)
        to_floor, to_raw = item["loaded"]["ratio_to_floor_p95"], item["single"]["ratio_p50"]
        item["targets"] = [
            target(to_floor is not None and to_floor <= 1.5,
                   f"p95 at {CLIENTS} clients ≤ 1.5× the floor"),
            target(to_raw is not None and to_raw <= 2,
                   "1 client: ≤ 2× raw SQL + template (p50)")]
