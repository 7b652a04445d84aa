"""A private PostgreSQL cluster on loopback that a test may stop and restart at will."""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.s3server import free_ports

SERVER_USER = "postgres"  # initdb refuses to run as root


class PostgresClusterError(RuntimeError):
    """The binaries are missing or the cluster did not come up."""


def postgres_bin() -> Path:
    """$PG_BIN, else the newest /usr/lib/postgresql/<major>/bin holding initdb and pg_ctl."""
    if os.environ.get("PG_BIN"):
        candidates = [Path(os.environ["PG_BIN"])]
    else:
        found = Path("/usr/lib/postgresql").glob("*/bin")
        candidates = sorted(found, key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
                            reverse=True)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            return folder
    raise PostgresClusterError("no initdb/pg_ctl: apt-get install postgresql (or set PG_BIN)")


@dataclass
class PostgresCluster:
    """A cluster in a temporary folder, trust auth for `postgres` on 127.0.0.1:`port`."""

    root: Path
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy/psycopg URL for a database of the cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create a database; return its URL."""
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.root / "server.log"),
                     "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `fast` ends every session at once, as an operator's restart does."""
        self._pg_ctl("stop", "-w", "-t", "60", "-m", mode)

    def destroy(self) -> None:
        """Stop if running and remove every file."""
        with contextlib.suppress(PostgresClusterError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
        atexit.unregister(self.destroy)

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), *args)

    def _run(self, *command: str) -> None:
        done = subprocess.run([*_as_server_user(), *command], capture_output=True, text=True,
                              check=False, timeout=120)
        if done.returncode:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresClusterError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}"
                                       f"{tail}")


def _as_server_user() -> list[str]:
    """Run the server tools as `postgres` when we are root."""
    return ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []


def start_cluster() -> PostgresCluster:
    """initdb a fresh cluster in a temporary folder and start it on a free port."""
    root = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresClusterError(f"running as root and no {SERVER_USER!r} user") from None
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PostgresCluster(root, free_ports(1)[0], postgres_bin())
    atexit.register(cluster.destroy)  # no orphan server if the session ends abruptly
    try:
        cluster._run(str(cluster.bin / "initdb"), "-D", str(cluster.data), "-U", "postgres",
                     "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster
