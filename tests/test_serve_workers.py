"""`dossier serve --workers 2` on SQLite: one local Prefect server, one router, every process
takes submissions, each route delivered once; a submission sent at start-up is delivered."""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.helpers import full_dossier, ready_dossier, wait_until
from tests.helpers.processes import descendants, stop
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]
PREFECT_APP = "prefect.server.api.server:create_app"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from app.cli import main; main()", *args]


@pytest.fixture
def serve2(tmp_path):
    """`dossier serve --workers 2` on a fresh SQLite database; reconciliation only hourly,
    so that a submission is routed because it was handed to the router, not found later."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path}/d.db",
           "STORAGE_BACKEND": "filesystem", "STORAGE_PATH": str(tmp_path / "objects"),
           "SECRET_KEY": "serve-test-secret", "PORT": str(port), "DEMO_PASSWORD": "demo1234",
           "DEMO_SAMPLES": "0", "REGISTRY_URL": "http://127.0.0.1:9",
           "PREFECT_HOME": str(tmp_path / "prefect"), "RECONCILE_INTERVAL": "3600"}
    env.pop("PREFECT_API_URL", None)
    for step in (("db", "upgrade"), ("demo",)):
        subprocess.run(_cli(*step), env=env, check=True, cwd=tmp_path, timeout=180,
                       capture_output=True)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(_cli("serve", "--workers", "2"), env=env, cwd=tmp_path,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _status(f"{base}/api/v1/health") == 200 and len(_servers(proc.pid))
                   == 2, what="both serving processes", timeout=240, every=0.2)
        yield proc, base, port, tmp_path
    finally:
        stop(proc, timeout=60)
        print((tmp_path / "serve.log").read_text(errors="replace")[-3000:])


def test_two_processes_one_prefect_server_one_router_each_route_delivered_once(serve2):
    proc, base, port, home = serve2
    headers = _login(base)
    with httpx.Client(base_url=base, timeout=60) as http:
        first = ready_dossier(http, headers, full_dossier(name="Tout premier", partners=["bdf"]))
        # Sent as soon as the app answers, while the local Prefect server is still starting.
        assert http.post(f"/api/v1/dossiers/{first}/submit", headers=headers,
                         json={"consent": True}).status_code == 202
        _wait_delivered(http, headers, [first])
        ids = [ready_dossier(http, headers, full_dossier(name=f"Startup {i}"))
               for i in range(10)]
    conns = list(_connections_per_process(port, proc.pid, per_process=4).values())
    burst = [(c, dossier_id) for c, dossier_id in
             zip(conns[0][:4] + conns[1][:4], ids[:8], strict=True)]
    with ThreadPoolExecutor(len(burst)) as pool:  # at once: concurrent writes to SQLite
        statuses = list(pool.map(lambda item: _submit(item[0], item[1], headers), burst))
    assert statuses == [202] * len(burst)  # no "database is locked" 500
    with httpx.Client(base_url=base, timeout=60) as http:
        _wait_delivered(http, headers, ids[:8])
        # One alone through each process: the one that does not route hands it over.
        for process, dossier_id in enumerate(ids[8:]):
            fresh = list(_connections_per_process(port, proc.pid, per_process=1).values())
            assert _submit(fresh[process][0], dossier_id, headers) == 202
            fresh[1 - process][0].close()
            _wait_delivered(http, headers, [dossier_id])
    with sqlite3.connect(home / "d.db") as db:
        routes = db.execute("SELECT count(*) FROM routes").fetchone()[0]
        delivered_events = db.execute("SELECT route_id, count(*) FROM route_events "
                                      "WHERE type = 'delivered' GROUP BY route_id").fetchall()
        deliveries = db.execute("SELECT status, attempts, count(*) FROM deliveries "
                                "GROUP BY status, attempts").fetchall()
    assert len(delivered_events) == routes and {n for _, n in delivered_events} == {1}
    assert deliveries == [("delivered", 1, routes)]
    prefect = [pid for pid in descendants(proc.pid) if PREFECT_APP in _cmdline(pid)]
    assert len(prefect) == 1, prefect


def _login(base: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/token", timeout=30,
                   data={"username": "founder@demo.example", "password": "demo1234"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _wait_delivered(http: httpx.Client, headers: dict[str, str], ids: list[str]) -> None:
    def states() -> list[str]:
        return [route["state"] for dossier_id in ids
                for route in http.get(f"/api/v1/dossiers/{dossier_id}",
                                      headers=headers).json()["routes"]]

    wait_until(states, lambda seen: seen and set(seen) == {"delivered"},
               what="every route delivered", timeout=240, every=0.5)


def _submit(conn: http.client.HTTPConnection, dossier_id: str,
            headers: dict[str, str]) -> int:
    conn.request("POST", f"/api/v1/dossiers/{dossier_id}/submit",
                 body=json.dumps({"consent": True}),
                 headers={**headers, "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _connections_per_process(port: int, serve_pid: int, per_process: int
                             ) -> dict[int, list[http.client.HTTPConnection]]:
    """Open connections until each serving process has accepted `per_process` of them (in
    the order of the processes' ids; idle, they are closed by the server after 5 s)."""
    servers = sorted(_servers(serve_pid))
    taken: dict[int, list[http.client.HTTPConnection]] = {pid: [] for pid in servers}
    for _ in range(200):
        if all(len(conns) >= per_process for conns in taken.values()):
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        conn.request("GET", "/api/v1/health")  # accepted and served by one process
        conn.getresponse().read()
        owner = wait_until(lambda c=conn: _owner(c, port, servers), lambda pid: pid is not None,
                           what="the process holding the connection", timeout=10)
        if len(taken[owner]) < per_process:
            taken[owner].append(conn)
        else:
            conn.close()
    assert all(len(conns) == per_process for conns in taken.values()), taken
    return taken


def _owner(conn: http.client.HTTPConnection, port: int, pids: list[int]) -> int | None:
    """The serving process holding the server side of this client connection."""
    client_port = conn.sock.getsockname()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, remote_port = (int(fields[i].split(":")[1], 16) for i in (1, 2))
        if (local_port, remote_port) == (port, client_port):
            inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _servers(serve_pid: int) -> list[int]:
    """serve's uvicorn worker processes."""
    return [pid for pid in descendants(serve_pid)
            if "multiprocessing.spawn" in _cmdline(pid) and _alive(pid)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().replace("\0", " ")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None
