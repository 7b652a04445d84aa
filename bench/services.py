"""What the benchmarks run against: the app under uvicorn, a SeaweedFS S3 server, tokens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import VAR, log
from tests.s3server import S3Server, free_ports, start_s3_server

SECRET = "bench-secret-key"  # noqa: S105  (signs links on loopback during a run)


@dataclass
class AppServer:
    """A running `bench.serve` process."""

    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        """Base URL of the API."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process serving requests (uvicorn with one worker serves in-process)."""
        return self.process.pid


def app_env(database_url: str, *, s3: S3Server | None = None, background: bool = False,
            extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of the app: database, object store, routing on or off."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
           "ROUTING_IN_BACKGROUND": "true" if background else "false",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("PREFECT_API_URL", None)
    if s3 is not None:
        env.update(STORAGE_BACKEND="s3", S3_ENDPOINT=s3.endpoint, S3_ACCESS_KEY=s3.access_key,
                   S3_SECRET_KEY=s3.secret_key, S3_BUCKET="bench")
    else:
        env.update(STORAGE_BACKEND="filesystem", STORAGE_PATH=str(VAR / "objects"))
    env.update(extra or {})
    return env


@contextmanager
def app_server(env: Mapping[str, str], *, name: str, workers: int = 1,
               timeout: float = 60.0, factory: str = "app.main:create_app"
               ) -> Iterator[AppServer]:
    """Start the app on a free loopback port, wait for /health, stop it afterwards."""
    VAR.mkdir(parents=True, exist_ok=True)
    port = free_ports(1)[0]
    with open(VAR / f"{name}.log", "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.serve", "--port", str(port), "--workers", str(workers),
             "--app", factory],
            env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parents[1], start_new_session=True)
    server = AppServer(process, port)
    try:
        _wait_healthy(server, timeout)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: AppServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the app exited; see {VAR}/*.log")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the app did not answer /api/v1/health within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """A SeaweedFS S3 server on loopback, data under var/bench (removed afterwards)."""
    import shutil

    root = VAR / "s3"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    log("starting the S3 server (SeaweedFS)")
    server = start_s3_server(root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def issue_tokens(database_url: str, emails: list[str]) -> dict[str, str]:
    """Bearer tokens for existing accounts, written straight to the database."""
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.services import users

    engine = make_engine(database_url)
    tokens = {}
    with transaction(make_sessionmaker(engine)) as db:
        for email in emails:
            user = users.get_by_email(db=db, email=email)
            tokens[email], _ = users.issue_token(db=db, user=user)
    engine.dispose()
    return tokens
