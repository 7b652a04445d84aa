"""A routing cluster on loopback, set up as docs/production.md says (scale test and bench).

Prefect server on its own PostgreSQL database, the application on another, objects in S3,
`dossier deploy`, N × `dossier worker`, one `dossier serve` with PREFECT_API_URL set.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.helpers import full_dossier, ready_dossier, submit, wait_until

BIN = Path(sys.executable).parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
POOL = "dossier-scale"


class ClusterError(RuntimeError):
    """A part of the cluster did not come up."""


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_url() -> str:
    """The PostgreSQL server URL the test databases are made from."""
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(prefix: str) -> str:
    """A fresh PostgreSQL database; returns its name (ClusterError if PostgreSQL is down)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise ClusterError(f"PostgreSQL at {PG_URL} unreachable: {exc}") from exc
    return name


def drop_database(name: str) -> None:
    """Drop a database made by create_database, connections and all."""
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str, driver: str = "postgresql") -> str:
    """The URL of one of our databases, with the given SQLAlchemy driver."""
    return make_url(PG_URL).set(drivername=driver, database=name).render_as_string(
        hide_password=False)


def descendants(pid: int) -> list[int]:
    """Every process below pid (children first found through /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Cluster:
    """The processes of one cluster; `with Cluster(root) as c:` stops them all at the end."""

    root: Path
    storage: dict[str, str]
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)
    prefect_url: str = ""
    api_url: str = ""
    app_db: str = ""

    def __enter__(self) -> Cluster:
        self.root.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- environment: what docs/production.md tells each part to set -------------------
    @property
    def env(self) -> dict[str, str]:
        """The variables shared by the API and the workers (Prefect server excluded)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "S3_"))}
        env.update({
            "DATABASE_URL": database_url(self.app_db),
            "SECRET_KEY": "scale-test-secret",
            "PREFECT_HOME": str(self.root / "prefect-home"),
            "PREFECT_API_URL": self.prefect_url,
            "ROUTING_WORK_POOL": POOL,
            "DEMO_SAMPLES": "0",  # the routes counted are the test's own, no sample dossier
            "REGISTRY_URL": "http://127.0.0.1:9",  # no test asks the real company registry
            **self.storage, **self.extra_env,
        })
        return env

    def run(self, *args: str, timeout: float = 300) -> str:
        """Run a `dossier` command to completion with the cluster's environment."""
        done = subprocess.run([str(BIN / "dossier"), *args], env=self.env, cwd=self.root,
                              capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode:
            raise ClusterError(f"dossier {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        """Start a long-running process in its own session, output to <name>.log."""
        with open(self.root / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(command, env=env, cwd=self.root, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        self.processes[name] = proc
        self.commands[name] = (command, env)
        return proc

    # -- the parts, in the guide's order -------------------------------------------------
    def start_prefect_server(self, timeout: float = 180) -> None:
        """`prefect server start` on a PostgreSQL database of its own."""
        name = create_database("prefect_scale")
        self.databases.append(name)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update({
            "PREFECT_HOME": str(self.root / "prefect-server-home"),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": database_url(name, "postgresql+asyncpg"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
        })
        self.spawn("prefect-server", [str(BIN / "prefect"), "server", "start", "--host",
                                      "127.0.0.1", "--port", str(port)], env)
        self.prefect_url = f"http://127.0.0.1:{port}/api"
        self._wait_http("prefect-server", f"{self.prefect_url}/health", timeout)

    def prepare_app_database(self) -> None:
        """A fresh application database: `dossier db upgrade`, `dossier demo`."""
        self.app_db = create_database("dossier_scale")
        self.databases.append(self.app_db)
        self.run("db", "upgrade")
        self.run("demo")

    def deploy(self) -> str:
        """`dossier deploy`: the work pool and the deployments."""
        return self.run("deploy")

    def start_worker(self, name: str) -> subprocess.Popen:
        """`dossier worker --name NAME`, one flow run at a time."""
        return self.spawn(name, [str(BIN / "dossier"), "worker", "--name", name], self.env)

    def start_api(self, timeout: float = 120) -> None:
        """`dossier serve` with PREFECT_API_URL set: routing goes to the workers."""
        port = free_port()
        self.spawn("api", [str(BIN / "dossier"), "serve", "--port", str(port)], self.env)
        self.api_url = f"http://127.0.0.1:{port}/api/v1"
        self._wait_http("api", f"{self.api_url}/health", timeout)

    # -- control ----------------------------------------------------------------------
    def kill(self, name: str) -> list[int]:
        """SIGKILL a process and everything it started, as if its machine died."""
        proc = self.processes[name]
        victims = [proc.pid, *descendants(proc.pid)]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return victims

    def restart(self, name: str, timeout: float = 180) -> None:
        """Kill a process as if its machine died, then start it again as it was started."""
        self.kill(name)
        command, env = self.commands[name]
        self.spawn(name, command, env)
        if name == "prefect-server":
            self._wait_http(name, f"{self.prefect_url}/health", timeout)

    def stop(self) -> None:
        """Stop every process (the Prefect server last) and drop the databases."""
        clients = [n for n in self.processes if n != "prefect-server"]
        for group in (clients, [n for n in self.processes if n == "prefect-server"]):
            trees = {n: [self.processes[n].pid, *descendants(self.processes[n].pid)]
                     for n in group}
            for name in group:
                with contextlib.suppress(ProcessLookupError):
                    self.processes[name].send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 20
            for name in group:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.processes[name].wait(timeout=max(0.1, deadline - time.monotonic()))
            for pid in (pid for tree in trees.values() for pid in tree):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for name in group:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.processes[name].wait(timeout=10)
        self.processes.clear()
        for name in self.databases:
            with contextlib.suppress(psycopg.Error):
                drop_database(name)
        self.databases.clear()

    def log_tail(self, name: str, chars: int = 4000) -> str:
        """The end of a process's log."""
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def _wait_http(self, name: str, url: str, timeout: float) -> None:
        def ready() -> bool:
            if self.processes[name].poll() is not None:
                raise ClusterError(f"{name} exited:\n{self.log_tail(name)}")
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(url, timeout=2).status_code == 200
            return False

        try:
            wait_until(ready, what=f"{name} to answer", timeout=timeout, every=0.5)
        except AssertionError as exc:
            raise ClusterError(f"{exc}:\n{self.log_tail(name)}") from None


# -- a founder's side, through the API -----------------------------------------------------
class Founder:
    """The demo founder on the cluster's API: prepares and submits dossiers."""

    def __init__(self, api_url: str, threads: int = 3):
        self.http = httpx.Client(base_url=api_url.removesuffix("/api/v1"), timeout=120,
                                 limits=httpx.Limits(max_connections=threads * 2))
        token = self.http.post("/api/v1/auth/token", data={"username": "founder@demo.example",
                                                           "password": "demo1234"})
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        self.threads = threads

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    def prepare(self, count: int) -> list[str]:
        """Create `count` complete six-partner dossiers with every attachment, not submitted."""
        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(lambda _: ready_dossier(self.http, {}, full_dossier(
                ask_cic=True)), range(count)))

    def submit(self, dossier_ids: list[str]) -> None:
        """Submit them all with consent, as fast as the API takes them."""
        with ThreadPoolExecutor(self.threads) as pool:
            list(pool.map(lambda dossier_id: submit(self.http, {}, dossier_id=dossier_id),
                          dossier_ids))


# -- what the database says ----------------------------------------------------------------
def delivery_counts(sessions) -> dict[str, int]:
    """Deliveries by status."""
    from dossier.models import Delivery

    with sessions() as db:
        return dict(db.execute(select(Delivery.status, func.count())
                               .group_by(Delivery.status)).all())


# -- what Prefect says ---------------------------------------------------------------------
@contextlib.contextmanager
def prefect_client(url: str) -> Iterator[Any]:
    """A synchronous Prefect client on the cluster's server."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}), \
            get_client(sync_client=True) as client:
        yield client


def batch_runs(url: str) -> list[Any]:
    """Every run of the batch routing flow."""
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from workflows.deployments import BATCH_FLOW

    runs, offset = [], 0
    with prefect_client(url) as client:
        while page := client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[BATCH_FLOW])),
                limit=200, offset=offset):
            runs += page
            offset += len(page)
    return runs


def executed_by(url: str) -> dict[str, str]:
    """Flow-run id → the worker that ran it to the end (Prefect's worker events)."""
    from datetime import UTC, datetime, timedelta

    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter

    wanted = EventFilter(
        event=EventNameFilter(name=["prefect.worker.executed-flow-run"]),
        occurred=EventOccurredFilter(since=datetime.now(UTC) - timedelta(hours=2),
                                     until=datetime.now(UTC) + timedelta(minutes=1)))
    with prefect_client(url) as client:
        page = client.read_events(wanted, limit=50)
        events = list(page.events)
        while page.next_page:
            page = client.read_events_page(page.next_page)
            events += page.events
    return {related.id.removeprefix("prefect.flow-run."): event.resource.name
            for event in events for related in event.related if related.role == "flow-run"}


def task_runs_per_flow_run(url: str, flow_run_ids: list[str]) -> dict[str, int]:
    """How many task runs (renders, webhook sends) each flow run made."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    counts: dict[str, int] = dict.fromkeys(flow_run_ids, 0)
    offset = 0
    with prefect_client(url) as client:
        while page := client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(
                    any_=[uuid.UUID(i) for i in flow_run_ids])), limit=200, offset=offset):
            for task_run in page:
                counts[str(task_run.flow_run_id)] += 1
            offset += len(page)
    return counts
