"""A real `dossier serve` on loopback with the embedded defaults, for tests that need one."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.helpers import submit, wait_until
from tests.helpers.processes import stop

BIN = Path(sys.executable).parent
DOSSIER = str(BIN / "dossier")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `dossier serve`: its address, process and folder."""

    def __init__(self, port: int, proc: subprocess.Popen, home: Path) -> None:
        self.port, self.proc, self.home = port, proc, home
        self.base = f"http://127.0.0.1:{port}"

    def rss(self) -> int:
        """The server process's resident memory, in bytes."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024

    def token(self, email: str, password: str = "demo1234") -> dict[str, str]:
        """Authorization headers of an account."""
        r = httpx.post(self.base + "/api/v1/auth/token", timeout=30,
                       data={"username": email, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def log(self, chars: int = 3000) -> str:
        """The end of the server's output."""
        return (self.home / "server.log").read_text(errors="replace")[-chars:]


@contextmanager
def live_server(home: Path, **settings: str) -> Iterator[Server]:
    """`dossier db upgrade`, `dossier demo`, `dossier serve` in `home`, as the README says;
    `settings` are extra environment variables. Stopped (SIGTERM) when the block ends."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{home}/dossier.db",
           "STORAGE_BACKEND": "filesystem", "STORAGE_PATH": str(home / "objects"),
           "SECRET_KEY_FILE": str(home / "secret"), "PORT": str(port),
           "DEMO_PASSWORD": "demo1234",
           "DEMO_SAMPLES": "0",  # tests start from the demo accounts alone; ask for samples
           "REGISTRY_URL": "http://127.0.0.1:9",  # no test asks the real company registry
           **settings}
    if "SECRET_KEY" not in settings:
        env.pop("SECRET_KEY", None)
    subprocess.run([DOSSIER, "db", "upgrade"], env=env, check=True, cwd=home, timeout=120)
    seeded = subprocess.run([DOSSIER, "demo"], env=env, check=True, cwd=home, timeout=120,
                            capture_output=True, text=True)
    assert "founder@demo.example" in seeded.stdout
    with (home / "server.log").open("wb") as log:
        proc = subprocess.Popen([DOSSIER, "serve"], env=env, cwd=home, stdout=log,
                                stderr=subprocess.STDOUT)
        server = Server(port, proc, home)
        try:
            _wait_healthy(server, timeout=180)  # the local Prefect server starts first
            yield server
        finally:
            stop(proc, timeout=30)


def _wait_healthy(server: Server, timeout: float) -> None:
    def healthy() -> bool:
        if server.proc.poll() is not None:
            raise AssertionError("dossier serve exited")
        try:
            return httpx.get(f"{server.base}/api/v1/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, what="dossier serve to answer", timeout=timeout, every=0.2)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{server.log()}") from None


def submit_and_wait_delivered(base: str, timeout: float = 120) -> list[dict]:
    """The demo founder submits a full dossier through the API; its routes once all are
    delivered (the routing flows, hence Prefect, have run)."""
    with httpx.Client(base_url=base, timeout=60) as http:
        token = http.post("/api/v1/auth/token", data={"username": "founder@demo.example",
                                                      "password": "demo1234"})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        dossier_id = submit(http, {})["dossier_id"]
        return wait_until(lambda: http.get(f"/api/v1/dossiers/{dossier_id}").json()["routes"],
                          lambda routes: routes and all(r["state"] == "delivered"
                                                        for r in routes),
                          what="the routing flows to deliver", timeout=timeout, every=0.5)
