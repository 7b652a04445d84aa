"""Benchmark 9: what hostile input costs the server (issue 17, point 5).

One client sends each body many times to the app under uvicorn on PostgreSQL and times the
answer: a normal draft save (the reference), 1 MB JSON bodies that the API must parse and
validate before refusing them by field, and the hostile numbers and nesting of
tests/security/test_input_live.py. Every answer is checked (status and the field it names);
nothing may be stored. Target: p99 ≤ 100 ms for each hostile body.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from bench import database
from bench.common import latency_summary, log, target
from bench.services import app_env, app_server, issue_tokens
from tests.helpers import full_dossier
from tests.security.test_input_live import NUMBER_CASES

DB = "bench_hostile"
MB = 1024 * 1024
P99_MS = 100.0


@dataclass(frozen=True)
class Case:
    """One body sent again and again: where, by whom, and the answer expected."""

    name: str
    method: str
    path: str
    body: bytes
    status: range
    names: str | None = None  # the problem code or field the answer must name
    reference: bool = False  # the normal save the others are compared with


def cases(draft: str) -> list[Case]:
    """The reference save, the 1 MB bodies and the hostile numbers."""
    normal = full_dossier(name="Lumiphase")
    listed = [Case(name, "POST", path.format(route=uuid.uuid4()), body, range(400, 500), names)
              for name, path, body, names in NUMBER_CASES]
    return [
        Case("normal draft save (reference)", "PUT", f"/api/v1/dossiers/{draft}",
             json.dumps(normal).encode(), range(200, 201), reference=True),
        Case("1 MB: a summary of 1 MB", "PUT", f"/api/v1/dossiers/{draft}",
             _padded(normal), range(400, 500), "project.summary"),
        Case("1 MB: 7 000 funding sources", "PUT", f"/api/v1/dossiers/{draft}",
             _many_sources(normal), range(400, 500), "funding.sources"),
        *listed,
    ]


def _padded(content: dict[str, Any]) -> bytes:
    """The full dossier with its summary grown until the body is just under 1 MiB."""
    body = json.loads(json.dumps(content))
    base = len(json.dumps(body, ensure_ascii=False).encode())
    body["project"]["summary"] = "Lumière " * ((MB - base - 1024) // len("Lumière ".encode()))
    return json.dumps(body, ensure_ascii=False).encode()


def _many_sources(content: dict[str, Any]) -> bytes:
    """The full dossier with its first funding source repeated until the body nears 1 MiB."""
    body = json.loads(json.dumps(content))
    source = body["funding"]["sources"][0]
    size = len(json.dumps(source).encode()) + 2
    body["funding"]["sources"] = [source] * ((MB - len(json.dumps(body).encode()) - 1024) // size)
    return json.dumps(body).encode()


def run(*, quick: bool) -> dict[str, Any]:
    """Each case `count` times, one client; percentiles per case and the targets."""
    count = 100 if quick else 500
    url = database.recreate(DB)
    _seed(url)
    tokens = issue_tokens(url, ["founder@demo.example", "cepac@demo.example"])
    results: dict[str, Any] = {"requests_per_case": count, "clients": 1, "cases": []}
    with app_server(app_env(url), name="hostile") as server, \
            httpx.Client(base_url=server.url, timeout=60) as http:
        founder = {"Authorization": f"Bearer {tokens['founder@demo.example']}"}
        draft = http.post("/api/v1/dossiers", json={}, headers=founder).json()["id"]
        for case in cases(draft):
            who = tokens["cepac@demo.example" if "/events" in case.path
                         else "founder@demo.example"]
            headers = {"Authorization": f"Bearer {who}", "Content-Type": "application/json"}
            samples = [_send(http, case, headers) for _ in range(count + 5)][5:]
            summary = latency_summary(samples)
            log(f"hostile {case.name}: p99 {summary['p99_ms']} ms")
            results["cases"].append({"case": case.name, "bytes": len(case.body),
                                     "reference": case.reference, **summary})
        dossiers = http.get("/api/v1/dossiers", headers=founder).json()
    if len(dossiers) != 1:  # only the draft: no hostile body stored a dossier
        raise RuntimeError(f"hostile bodies stored dossiers: {len(dossiers)} found")
    hostile = [c for c in results["cases"] if not c["reference"]]
    worst = max(hostile, key=lambda c: c["p99_ms"])
    results["worst"] = {"case": worst["case"], "p99_ms": worst["p99_ms"]}
    results["targets"] = [target(worst["p99_ms"] <= P99_MS,
                                 f"p99 ≤ {P99_MS:.0f} ms for every hostile body")]
    return results


def _send(http: httpx.Client, case: Case, headers: dict[str, str]) -> float:
    """One request; its latency in seconds, after checking the answer."""
    response = http.request(case.method, case.path, content=case.body, headers=headers)
    elapsed = response.elapsed.total_seconds()
    if response.status_code not in case.status:
        raise RuntimeError(f"{case.name}: {response.status_code} {response.text[:300]}")
    if case.names and case.names not in response.text:
        raise RuntimeError(f"{case.name}: the answer does not name {case.names}: "
                           f"{response.text[:300]}")
    return elapsed


def _seed(url: str) -> None:
    """The demo's partners and accounts."""
    from app.demo import seed_demo
    from dossier.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        seed_demo(db=db, password="demo1234")  # noqa: S106  (the documented demo password)
    engine.dispose()
