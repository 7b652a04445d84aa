"""`dossier serve` owns its local Prefect server: it ends with serve, however serve ends."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import wait_until
from tests.live import free_port, submit_and_wait_delivered

ROOT = Path(__file__).resolve().parents[1]
PREFECT_APP = "prefect.server.api.server:create_app"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from app.cli import main; main()", *args]


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0"))
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _prefect_server(serve_pid: int) -> tuple[int, int]:
    """The pid and port of serve's Prefect server child."""
    for pid in _children(serve_pid):
        command = _cmdline(pid)
        if PREFECT_APP in command:
            return pid, int(command[command.index("--port") + 1])
    raise AssertionError(f"no Prefect server among the children of {serve_pid}")


def _env(folder: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{folder}/d.db",
           "STORAGE_BACKEND": "filesystem", "STORAGE_PATH": str(folder / "objects"),
           "SECRET_KEY": "serve-test-secret", "DEMO_PASSWORD": "demo1234",
           "PREFECT_HOME": str(folder / "prefect"), "RECONCILE_INTERVAL": "1"}
    env.pop("PREFECT_API_URL", None)
    return env


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """`dossier db upgrade` and `dossier demo` once for the module (12 s of a core each time):
    each test serves its own copy of the database and of the demo's objects."""
    folder = tmp_path_factory.mktemp("serve-seed")
    env = _env(folder)
    subprocess.run(_cli("db", "upgrade"), env=env, check=True, cwd=folder, timeout=120,
                   capture_output=True)
    subprocess.run(_cli("demo"), env=env, check=True, cwd=folder, timeout=120,
                   capture_output=True)
    return folder


@pytest.fixture
def serve(tmp_path, seeded):
    """Start `dossier serve` on a fresh copy of a seeded SQLite database and a fresh Prefect
    home; yields a starter."""
    port = free_port()
    env = {**_env(tmp_path), "PORT": str(port)}
    shutil.copytree(seeded, tmp_path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("prefect"))  # a fresh Prefect home each time
    log_path = tmp_path / "serve.log"
    started: list[subprocess.Popen] = []

    def start() -> tuple[subprocess.Popen, str, Path]:
        log = log_path.open("ab")
        proc = subprocess.Popen(_cli("serve"), env=env, cwd=tmp_path, stdout=log,
                                stderr=subprocess.STDOUT)
        log.close()
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: _answers(base), what="serve to answer", timeout=180, every=0.2)
        except AssertionError:
            print(log_path.read_text(errors="replace")[-3000:])
            raise
        return proc, base, log_path

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_sigterm_ends_the_prefect_server_and_the_access_log_runs_after_routing(serve):
    proc, base, log_path = serve()
    submit_and_wait_delivered(base)  # the flows ran on serve's local Prefect server
    prefect_pid, prefect_port = _prefect_server(proc.pid)
    assert _listening(prefect_port)
    httpx.get(f"{base}/api/v1/health?after-routing", timeout=10)

    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)

    _assert_ended(proc.pid, prefect_pid, prefect_port)
    log = log_path.read_text(errors="replace")
    assert '"GET /api/v1/health?after-routing HTTP/1.1" 200' in log, log[-3000:]
    # Prefect is imported by one thread at a time (workflows/prefect_import.py): two at once
    # were handed a partly initialised module.
    assert "partially initialized" not in log, log[-3000:]


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_the_prefect_server_ends_with_serve_however_serve_ends(serve, how):
    proc, _base, _log = serve()
    prefect_pid, prefect_port = _prefect_server(proc.pid)

    proc.send_signal(how)  # SIGKILL: as if serve crashed, no clean-up code runs
    proc.wait(timeout=60)

    _assert_ended(proc.pid, prefect_pid, prefect_port)


def _assert_ended(serve_pid: int, prefect_pid: int, prefect_port: int) -> None:
    try:
        wait_until(lambda: not _alive(prefect_pid), what="the Prefect server to end", timeout=20,
                   every=0.2)
    except AssertionError:
        os.kill(prefect_pid, signal.SIGKILL)  # a failing test leaves no orphan behind
        raise
    assert not _listening(prefect_port)
    assert not [pid for pid in _children(serve_pid) if _alive(pid)]
