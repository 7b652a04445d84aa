"""The README's path on a real server: migrate, seed the demo, serve, and a founder's journey."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.helpers import full_dossier, minimal_pdf, tiny_png

BIN = Path(sys.executable).parent
KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "pitch_deck", "cap_table",
         "id_founder")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dossier db upgrade`, `dossier demo`, `dossier serve` with the embedded defaults."""
    home = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{home}/dossier.db",
           "STORAGE_BACKEND": "filesystem", "STORAGE_PATH": str(home / "objects"),
           "SECRET_KEY_FILE": str(home / "secret"), "PORT": str(port),
           "DEMO_PASSWORD": "demo1234"}
    env.pop("SECRET_KEY", None)
    dossier = str(BIN / "dossier")
    subprocess.run([dossier, "db", "upgrade"], env=env, check=True, cwd=home, timeout=120)
    seeded = subprocess.run([dossier, "demo"], env=env, check=True, cwd=home, timeout=120,
                            capture_output=True, text=True)
    assert "founder@demo.example" in seeded.stdout
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen([dossier, "serve"], env=env, cwd=home, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(900):  # the local Prefect server starts first
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("server did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        finally:
            log.close()
            print((home / "server.log").read_text(errors="replace")[-5000:])


def test_founder_journey_on_the_running_server(server):
    with httpx.Client(base_url=server + "/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": "founder@demo.example",
                                               "password": "demo1234"}).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        assert http.get("/me").json()["role"] == "founder"
        created = http.post("/dossiers", json=full_dossier())
        assert created.status_code == 201, created.text
        dossier_id = created.json()["id"]
        for name, data, kind in [("kbis.pdf", minimal_pdf(), "kbis"),
                                 ("photo.png", tiny_png(), "id_founder")]:
            r = http.post(f"/dossiers/{dossier_id}/attachments", data={"kind": kind},
                          files={"file": (name, data, "application/octet-stream")})
            assert r.status_code == 201, r.text
        pdf = http.get(f"/dossiers/{dossier_id}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        plan = http.get(f"/dossiers/{dossier_id}").json()["funding_plan"]
        shares = [Decimal(s["share_pct"]) for s in plan["sources"]]
        assert Decimal("5.27") in shares
        assert abs(sum(shares) - 100) <= Decimal("0.01") * len(shares)


def test_submission_is_routed_by_local_prefect_flows(server):
    """With no set-up, the embedded default runs the routing flows in the server process."""
    with httpx.Client(base_url=server + "/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": "founder@demo.example",
                                               "password": "demo1234"}).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        dossier_id = http.post("/dossiers", json=full_dossier()).json()["id"]
        for kind in KINDS:
            r = http.post(f"/dossiers/{dossier_id}/attachments", data={"kind": kind},
                          files={"file": (f"{kind}.pdf", minimal_pdf(kind), "application/pdf")})
            assert r.status_code == 201, r.text
        submitted = http.post(f"/dossiers/{dossier_id}/submit", json={"consent": True})
        assert submitted.status_code == 202, submitted.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            routes = http.get(f"/dossiers/{dossier_id}").json()["routes"]
            if routes and all(r["state"] == "delivered" for r in routes):
                break
            time.sleep(0.5)
        assert {r["state"] for r in routes} == {"delivered"}, routes
        assert len(routes) == len(full_dossier()["requests"])
