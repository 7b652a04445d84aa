"""Benchmark 1: routing throughput (and 4b: PDF renders per version, 5b: submit under a burst).

N ready dossiers, each asking six partners, are submitted in a burst through the API; the
clock stops when every route is `delivered`. The raw limit runs the same steps as plain
functions in one process: submit (validate, version, routes, deliveries), render the PDF
once, store it, claim and settle each delivery. Routing happens in the app's embedded
Prefect dispatcher unless `workers` > 0 (issue 7: Prefect workers, see `start_workers`).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import database
from bench.common import VAR, latency_summary, log, ratio, target
from bench.services import SECRET, app_env, app_server, issue_tokens
from tests.helpers import ALL_KINDS, full_dossier, minimal_pdf
from tests.s3server import S3Server

DB = "bench_routing"
SUBMIT_CLIENTS = 20
PARTNERS = 6


def run(*, n: int, s3: S3Server, deadline: float | None, raw_deadline: float | None,
        workers: int = 0) -> dict[str, Any]:
    """Ours (API + Prefect) then raw (plain functions), on fresh dossiers each."""
    url = database.recreate(DB)
    ids = _prepare(url, s3, 2 * n + 1)
    warmup, ours_ids, raw_ids = ids[0], ids[1:n + 1], ids[n + 1:]
    ours = _ours(url, s3, warmup, ours_ids, deadline, workers)
    raw = _raw(url, s3, raw_ids, raw_deadline)
    ours_s, raw_s = ours["seconds_for_all"], raw["seconds_for_all"]
    value = ratio(ours_s, raw_s)
    renders_ok = ours["renders"]["max_per_version"] == 1 and ours["renders"]["missing"] == 0
    return {"dossiers": n, "partners_per_dossier": PARTNERS, "routes": n * PARTNERS,
            "workers": workers, "deadline_s": deadline,
            "raw_deadline_s": raw_deadline,
            "ours": ours, "raw": raw, "ratio": value,
            "targets": [target(value is not None and value <= 1.3, "≤ 1.3× plain functions"),
                        target(renders_ok, "1 PDF render per version")]}


# -- setup ---------------------------------------------------------------------------------

def _prepare(url: str, s3: S3Server, count: int) -> list[uuid.UUID]:
    """Ready dossiers (complete, every attachment): one through the services, then copies
    with their own company names (so each renders and hashes differently)."""
    from app.demo import seed_demo
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.services import attachments, dossiers, users

    started = time.monotonic()
    engine = make_engine(url)
    store = _store(s3)
    stored = {kind: store.put_stream([minimal_pdf(kind)]) for kind in ALL_KINDS}
    with transaction(make_sessionmaker(engine)) as db:
        seed_demo(db=db, password="demo1234")  # noqa: S106  (the documented demo password)
        founder = users.get_by_email(db=db, email="founder@demo.example")
        body = full_dossier(name="Startup 00000", ask_cic=True)
        template = dossiers.create_draft(db=db, owner=founder, data=body)
        for kind, obj in stored.items():
            attachments.record(db=db, dossier=template, user=founder, kind=kind,
                               filename=f"{kind}.pdf", content_type="application/pdf",
                               size=obj.size, sha256=obj.sha256, storage_key=obj.key)
        template_id = template.id
    engine.dispose()
    with psycopg.connect(url) as conn:
        conn.execute(CLONE_DOSSIERS, {"template": template_id, "count": count - 1})
        conn.execute(CLONE_ATTACHMENTS, {"template": template_id})
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM dossiers ORDER BY company_name").fetchall()]
    log(f"routing: {count} ready dossiers in {time.monotonic() - started:.0f} s")
    return ids


CLONE_DOSSIERS = """
INSERT INTO dossiers (id, owner_id, status, content, current_version, created_at, updated_at,
                      company_name, sector)
SELECT gen_random_uuid(), owner_id, status,
       jsonb_set(content, '{company,legal_name}', to_jsonb(name)), current_version, created_at,
       updated_at, name, sector
FROM dossiers, generate_series(1, %(count)s) AS i,
     LATERAL (SELECT 'Startup ' || lpad(i::text, 5, '0') AS name) AS named
WHERE id = %(template)s
"""
CLONE_ATTACHMENTS = """
INSERT INTO attachments (id, dossier_id, kind, filename, content_type, size, sha256, storage_key,
                         uploaded_by, created_at)
SELECT gen_random_uuid(), d.id, a.kind, a.filename, a.content_type, a.size, a.sha256,
       a.storage_key, a.uploaded_by, a.created_at
FROM attachments a CROSS JOIN dossiers d WHERE a.dossier_id = %(template)s AND d.id <> %(template)s
"""


def _store(s3: S3Server):
    from storage.s3 import S3Store

    return S3Store(s3.endpoint, s3.access_key, s3.secret_key, "bench")


# -- ours: the API and Prefect ------------------------------------------------------------

def _ours(url: str, s3: S3Server, warmup: uuid.UUID, ids: list[uuid.UUID],
          deadline: float | None, workers: int, pdf_processes: int = 1) -> dict[str, Any]:
    """The burst through the API; PDFs rendered in the routing process unless
    `pdf_processes` > 1 (benchmark 7, bench/routing_cores.py, compares the two)."""
    render_log = VAR / "renders.log"
    render_log.unlink(missing_ok=True)
    home = VAR / "prefect"
    shutil.rmtree(home, ignore_errors=True)
    env = app_env(url, s3=s3, background=True, extra={
        "BENCH_RENDER_LOG": str(render_log), "PREFECT_HOME": str(home),
        "PDF_PROCESSES": str(pdf_processes)})
    token = issue_tokens(url, ["founder@demo.example"])["founder@demo.example"]
    with _workers(workers, env) as env, app_server(env, name="routing") as server:
        started = time.monotonic()
        _submit(server.url, token, [warmup], 1)
        _wait_delivered(url, [warmup], None)
        warm = time.monotonic() - started
        log(f"routing: warm-up (Prefect start, first flow) {warm:.1f} s")
        t0, since = datetime.now(UTC), time.monotonic()
        submit_latencies = _submit(server.url, token, ids, SUBMIT_CLIENTS)
        submitted = time.monotonic() - since
        done, delivered = _wait_delivered(url, ids, deadline, since)
    finished = _completions(url, ids, t0)
    result = _timing(finished, len(ids), done)
    result.update(routes_delivered=delivered, warmup_s=round(warm, 1),
                  burst_submit_s=round(submitted, 2),
                  submit_under_burst=latency_summary(submit_latencies),
                  renders=_render_counts(url, render_log, [warmup, *ids]))
    log(f"routing ours: {result['seconds_for_all']} s for {len(ids)} dossiers"
        f"{' (extrapolated)' if result['extrapolated'] else ''}")
    return result


@contextmanager
def _workers(count: int, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Issue 7's hook: with count > 0, route on `count` Prefect workers, not in the API."""
    if count <= 0:
        yield env
        return
    processes, env = start_workers(count, env)
    try:
        yield env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def start_workers(count: int, env: dict[str, str]) -> tuple[list[subprocess.Popen],
                                                            dict[str, str]]:
    """Start a Prefect server, register the deployments, start `count` workers.

    Relies on issue 7's `dossier deploy` and `dossier worker` (PREFECT_API_URL set); returns
    the processes to stop and the environment the app must run with.
    """
    from tests.s3server import free_ports

    bin_dir = Path(sys.executable).parent
    port = free_ports(1)[0]
    env = {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    log_file = open(VAR / "prefect-server.log", "wb")  # noqa: SIM115  (lives with the process)
    server = subprocess.Popen([str(bin_dir / "prefect"), "server", "start", "--host",
                               "127.0.0.1", "--port", str(port)], env=env, stdout=log_file,
                              stderr=subprocess.STDOUT, start_new_session=True)
    _wait_http(f"http://127.0.0.1:{port}/api/health", 120)
    subprocess.run([str(bin_dir / "dossier"), "deploy"], env=env, check=True)
    workers = [subprocess.Popen([str(bin_dir / "dossier"), "worker", "--name", f"bench-{i}"],
                                env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True) for i in range(count)]
    return [*workers, server], env


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _submit(base_url: str, token: str, ids: list[uuid.UUID], clients: int) -> list[float]:
    """POST /submit for every dossier with `clients` concurrent clients; latencies."""
    from bench.loadgen import _drive

    async def main() -> list[float]:
        async with httpx.AsyncClient(base_url=base_url, timeout=120,
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            async def make() -> httpx.AsyncClient:
                return _Client(client)

            async def send(shared: _Client, dossier_id: uuid.UUID) -> None:
                r = await shared.http.post(f"/api/v1/dossiers/{dossier_id}/submit",
                                           json={"consent": True})
                if r.status_code != 202:
                    raise RuntimeError(f"submit {dossier_id}: {r.status_code} {r.text[:300]}")

            latencies, _ = await _drive(ids, clients, make, send)
            return latencies

    return asyncio.run(main())


class _Client:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http


def _wait_delivered(url: str, ids: list[uuid.UUID], deadline: float | None,
                    since: float | None = None) -> tuple[bool, int]:
    """Poll until every route of these dossiers is delivered (or the deadline passes);
    whether all were, and how many routes were."""
    started = since or time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            delivered = conn.execute(
                "SELECT count(*) FROM routes WHERE dossier_id = ANY(%s) AND state = 'delivered'",
                (ids,)).fetchone()[0]
            if delivered >= len(ids) * PARTNERS:
                return True, delivered
            if deadline is not None and time.monotonic() - started > deadline:
                log(f"routing: deadline of {deadline:.0f} s reached, "
                    f"{delivered}/{len(ids) * PARTNERS} routes delivered")
                return False, delivered
            time.sleep(0.25)


def _completions(url: str, ids: list[uuid.UUID], t0: datetime) -> list[float]:
    """Seconds from t0 at which each dossier had all its routes delivered, sorted."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT dossier_id, count(*), max(delivered_at) FROM routes "
            "WHERE dossier_id = ANY(%s) AND state = 'delivered' GROUP BY dossier_id",
            (ids,)).fetchall()
    return sorted((last - t0).total_seconds() for _, count, last in rows if count == PARTNERS)


def _timing(finished: list[float], total: int, complete: bool) -> dict[str, Any]:
    """Time for all dossiers: measured, or extrapolated from the rate reached by the deadline."""
    if not finished:
        return {"seconds_for_all": None, "completed": 0, "extrapolated": True, "timeline": []}
    if complete and len(finished) == total:
        seconds = finished[-1]
    else:
        seconds = finished[-1] * total / len(finished)
    step = max(1, len(finished) // 50)
    timeline = [[i + 1, round(t, 2)] for i, t in enumerate(finished) if (i + 1) % step == 0]
    return {"seconds_for_all": round(seconds, 2), "completed": len(finished),
            "extrapolated": not (complete and len(finished) == total),
            "dossiers_per_s": round(len(finished) / finished[-1], 3), "timeline": timeline}


def _render_counts(url: str, render_log: Path, ids: list[uuid.UUID]) -> dict[str, Any]:
    """Renders per version (from the app's render log) against the versions that were routed."""
    lines = render_log.read_text().splitlines() if render_log.exists() else []
    per_version = Counter(lines)
    with psycopg.connect(url) as conn:
        routed = {f"{h} {n}" for h, n in conn.execute(
            "SELECT v.content_hash, v.number FROM dossier_versions v "
            "JOIN routes r ON r.dossier_id = v.dossier_id AND r.state = 'delivered' "
            "WHERE v.dossier_id = ANY(%s) GROUP BY v.content_hash, v.number", (ids,))}
    return {"versions_delivered": len(routed), "renders": len(lines),
            "max_per_version": max(per_version.values(), default=0),
            "missing": len(routed - set(per_version))}


# -- raw: the same steps as plain functions -------------------------------------------------

def _raw(url: str, s3: S3Server, ids: list[uuid.UUID], deadline: float | None
         ) -> dict[str, Any]:
    render_log = VAR / "renders-raw.log"
    render_log.unlink(missing_ok=True)
    t0 = datetime.now(UTC)
    finished = raw_loop(url, _s3_access(s3), ids, deadline, t0, render_log)
    result = _timing(finished, len(ids), len(finished) == len(ids))
    result["routes_delivered"] = len(finished) * PARTNERS
    result["renders"] = _render_counts(url, render_log, ids)
    log(f"routing raw: {result['seconds_for_all']} s for {len(ids)} dossiers"
        f"{' (extrapolated)' if result['extrapolated'] else ''}")
    return result


def _s3_access(s3: S3Server) -> dict[str, str]:
    """What a process needs to reach the object store (an S3Server does not cross processes)."""
    return {"endpoint": s3.endpoint, "access_key": s3.access_key, "secret_key": s3.secret_key}


def raw_loop(url: str, s3: dict[str, str], ids: list[uuid.UUID], deadline: float | None,
             t0: datetime, render_log: Path) -> list[float]:
    """The plain functions, dossier after dossier, rendering here: seconds from t0 at which
    each dossier had every route delivered."""
    from types import SimpleNamespace

    from banks.submission import BankEligibility
    from bench.serve import count_renders
    from dossier.db import make_engine, make_sessionmaker
    from dossier.models import Dossier, User
    from dossier.services import submission
    from workflows import pdf_processes
    from workflows.documents import ensure_version_pdf
    from workflows.payloads import delivery_config
    from workflows.routing import _request, claim_due, send, settle
    from workflows.runtime import Runtime, set_runtime

    pdf_processes.use_pool(1)  # raw renders in the process that runs the loop
    count_renders(render_log)
    engine = make_engine(url)
    runtime = Runtime(sessions=make_sessionmaker(engine), store=_store(SimpleNamespace(**s3)),
                      secret=SECRET.encode(), public_url="http://127.0.0.1:8000")
    set_runtime(runtime)
    submission.use_eligibility(BankEligibility())
    started = time.monotonic()
    finished: list[float] = []
    for dossier_id in ids:
        if deadline is not None and time.monotonic() - started > deadline:
            break
        with runtime.sessions() as db, db.begin():
            dossier = db.get(Dossier, dossier_id)
            founder = db.get(User, dossier.owner_id)
            version, _ = submission.submit(db=db, dossier=dossier, user=founder, consent=True)
            version_id = version.id
        ensure_version_pdf(runtime, version_id)
        for item in claim_due(runtime, version_id=version_id):
            config = delivery_config(runtime, item["partner"])
            if config.get("channel", "portal") == "portal":
                settle(runtime, item, None, "portal inbox")
            else:  # a partner's own system: the request the flow's task would send
                send.fn(_request(runtime, item, config))
                settle(runtime, item, None, "webhook")
        finished.append((datetime.now(UTC) - t0).total_seconds())
    set_runtime(None)
    engine.dispose()
    return finished
