"""Benchmark 7: the first dossier routed at once (`dossier serve`, embedded default).

`make run` as installed: `dossier db upgrade`, `dossier demo`, then `dossier serve` on
SQLite and the filesystem store, its local Prefect server started by serve. A first serve
(Prefect's database created) prepares ready dossiers asking one portal partner; it is
stopped, and the measured cold start follows: launch → /api/v1/health 200, launch → the
local Prefect server's /api/health, and a submission sent as soon as health answers →
its route `delivered`. Then, warm: sequential submissions, each timed from its POST to its
route `delivered` (read from the database every 50 ms).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, VAR, latency_summary, log, target
from bench.services import SECRET
from tests.helpers.processes import descendants
from tests.s3server import free_ports

PARTNER = "bdf"  # a portal partner: delivered means in its reviewers' inbox
PREFECT_APP = "prefect.server.api.server:create_app"
TARGET_P95_S = 3.0


def run(*, quick: bool) -> dict[str, Any]:
    """Prepare on a first serve, then measure a cold start and warm submissions."""
    warm_n = 20 if quick else 50
    home = VAR / "first_route"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = _env(home)
    for step in (("db", "upgrade"), ("demo",)):
        subprocess.run(_cli(*step), env=env, cwd=home, check=True, timeout=300,
                       capture_output=True)
    with _serve(env, home, "first") as first:
        first_start = first["startup"]
        first_start["prefect_ready_s"] = first["prefect_ready"]()
        ids = _prepare(first["base"], 1 + warm_n)
    log(f"first_route: first serve (Prefect database created) {first_start}")
    with _serve(env, home, "cold") as cold:
        token = _token(cold["base"])
        submitted = _submit(cold["base"], token, ids[0])
        first_route = _wait_delivered(home, ids[0], started=submitted)
        cold["startup"]["prefect_ready_s"] = cold["prefect_ready"]()
        log(f"first_route: cold {cold['startup']}, first submission delivered in "
            f"{first_route:.2f} s")
        warm = []
        for dossier_id in ids[1:]:
            sent = _submit(cold["base"], token, dossier_id)
            warm.append(_wait_delivered(home, dossier_id, started=sent))
    summary = latency_summary(warm)
    log(f"first_route: warm submit → delivered p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms")
    p95_s = summary["p95_ms"] / 1000
    return {"partner": PARTNER, "load_average": [round(x, 2) for x in os.getloadavg()],
            "first_serve": first_start,
            "cold": {**cold["startup"], "first_submission_to_delivered_s": round(first_route, 2),
                     "launch_to_first_delivered_s": round(
                         cold["startup"]["health_s"] + first_route, 2)},
            "warm": {**summary, "samples_s": [round(s, 3) for s in warm]},
            "targets": [target(p95_s <= TARGET_P95_S,
                               f"warm submit → delivered p95 ≤ {TARGET_P95_S:g} s")]}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from app.cli import main; main()", *args]


def _env(home: Path) -> dict[str, str]:
    port = free_ports(1)[0]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{home}/dossier.db",
           "STORAGE_BACKEND": "filesystem", "STORAGE_PATH": str(home / "objects"),
           "SECRET_KEY": SECRET, "PORT": str(port), "DEMO_PASSWORD": "demo1234",
           "DEMO_SAMPLES": "0", "REGISTRY_URL": "http://127.0.0.1:9",
           "PREFECT_HOME": str(home / "prefect"), "PREFECT_LOGGING_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT)}
    env.pop("PREFECT_API_URL", None)
    return env


@contextmanager
def _serve(env: dict[str, str], home: Path, name: str) -> Iterator[dict[str, Any]]:
    """`dossier serve` from launch to /api/v1/health 200; stopped (SIGTERM) afterwards."""
    base = f"http://127.0.0.1:{env['PORT']}"
    with open(home / f"serve-{name}.log", "wb") as out:
        launched = time.monotonic()
        process = subprocess.Popen(_cli("serve"), env=env, cwd=home, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    prefect: dict[str, float] = {}
    watcher = threading.Thread(target=_watch_prefect, args=(process, launched, prefect),
                               daemon=True)
    watcher.start()
    try:
        _until(lambda: _status(f"{base}/api/v1/health") == 200, process, 300)
        startup = {"health_s": round(time.monotonic() - launched, 2)}

        def prefect_ready() -> float:
            watcher.join(300)
            return prefect.get("ready_s")

        yield {"base": base, "startup": startup, "prefect_ready": prefect_ready}
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _watch_prefect(process: subprocess.Popen, launched: float, out: dict[str, float]) -> None:
    """Record when serve's local Prefect server first answers its health check."""
    with suppress(RuntimeError):
        _until(lambda: _prefect_healthy(process.pid), process, 300)
        out["ready_s"] = round(time.monotonic() - launched, 2)


def _until(probe, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if process.poll() is not None:
            raise RuntimeError(f"dossier serve exited; see {VAR}/first_route/*.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"dossier serve not ready within {timeout:.0f} s")
        time.sleep(0.05)


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def _prefect_healthy(serve_pid: int) -> bool:
    """Whether a Prefect server among serve's descendants answers its health check."""
    for pid in descendants(serve_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if PREFECT_APP in command and "--port" in command:
            port = command[command.index("--port") + 1]
            return _status(f"http://127.0.0.1:{port}/api/health") == 200
    return False


def _token(base: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", timeout=30,
                   data={"username": "founder@demo.example", "password": "demo1234"})
    r.raise_for_status()
    return r.json()["access_token"]


def _prepare(base: str, count: int) -> list[str]:
    """Ready drafts of the demo founder, each asking the one portal partner."""
    from tests.helpers import full_dossier, ready_dossier

    started = time.monotonic()
    headers = {"Authorization": f"Bearer {_token(base)}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        ids = [ready_dossier(http, headers, full_dossier(name=f"Premier {i:03d}",
                                                         partners=[PARTNER]))
               for i in range(count)]
    log(f"first_route: {count} ready dossiers in {time.monotonic() - started:.0f} s")
    return ids


def _submit(base: str, token: str, dossier_id: str) -> float:
    """POST /submit; the moment it was sent."""
    sent = time.monotonic()
    r = httpx.post(f"{base}/api/v1/dossiers/{dossier_id}/submit", timeout=60,
                   headers={"Authorization": f"Bearer {token}"}, json={"consent": True})
    if r.status_code != 202:
        raise RuntimeError(f"submit {dossier_id}: {r.status_code} {r.text[:300]}")
    return sent


def _wait_delivered(home: Path, dossier_id: str, *, started: float,
                    timeout: float = 300) -> float:
    """Seconds from `started` until every route of the dossier is delivered."""
    hex_id = dossier_id.replace("-", "")
    with sqlite3.connect(f"file:{home}/dossier.db?mode=ro", uri=True, timeout=10) as conn:
        while True:
            states = [row[0] for row in conn.execute(
                "SELECT state FROM routes WHERE dossier_id IN (?, ?)", (dossier_id, hex_id))]
            if states and all(state == "delivered" for state in states):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{dossier_id} not delivered within {timeout:.0f} s: "
                                   f"{states}")
            time.sleep(0.05)
