"""The object store fails during an upload: a clear 503, nothing kept, the same upload then works.

SeaweedFS is killed (SIGKILL) at two moments, then restarted on its data and port; the
filesystem store runs out of space on a small tmpfs, then gets room again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import subprocess
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from dossier.models import Attachment
from storage.base import key_for
from storage.filesystem import FilesystemStore
from storage.s3 import S3Store
from tests.conftest import service_missing
from tests.helpers import assert_storage_consistent

SIZE = 12 * 1024 * 1024  # above the 5 MiB part size: a multipart upload when told to use parts
CHUNK = 256 * 1024
BOUNDARY = "fault-boundary-7f3a"

# The faults are the store's; the row either side of them is the same on both databases.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def big_pdf(size: int = SIZE) -> bytes:
    """A PDF of about `size` bytes (one stream of random bytes), different on every call."""
    data = os.urandom(size)
    return (b"%PDF-1.4\n1 0 obj\n" + b"<< /Length %d >>\nstream\n" % size + data
            + b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n")


async def multipart(body: bytes, on_chunk: Callable[[int], None]) -> AsyncIterator[bytes]:
    """The upload as a streamed multipart body; `on_chunk(n)` runs before the n-th file chunk."""
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nkbis\r\n"
           f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kbis.pdf\""
           "\r\nContent-Type: application/pdf\r\n\r\n").encode()
    for n, start in enumerate(range(0, len(body), CHUNK)):
        on_chunk(n)
        yield body[start:start + CHUNK]
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(app, headers: dict[str, str], dossier_id: str, body: bytes,
           on_chunk: Callable[[int], None] = lambda n: None) -> httpx.Response:
    """POST the document to the ASGI app, which reads the body chunk by chunk as it comes."""
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            return await http.post(
                f"/api/v1/dossiers/{dossier_id}/attachments", content=multipart(body, on_chunk),
                headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                timeout=60)
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs in this thread
        return thread.submit(asyncio.run, post()).result()


class CuttingProxy:
    """A TCP relay to a port that calls `cut()` once, when `after` bytes have gone upstream."""

    def __init__(self, port: int, after: int, cut: Callable[[], None]) -> None:
        self.target, self.after, self.cut = port, after, cut
        self.forwarded, self.fired = 0, False
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        """Stop accepting connections."""
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()
        self._pipe(client, upstream, True)

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
                if counted and self._crossed(len(data)):
                    self.cut()
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _crossed(self, count: int) -> bool:
        with self._lock:
            self.forwarded += count
            if self.fired or self.forwarded < self.after:
                return False
            self.fired = True
            return True


@pytest.fixture
def settings(settings, tmp_path):
    """Room for a multi-part upload; request bodies spooled where the test can look."""
    (tmp_path / "uploads").mkdir()
    return settings.model_copy(update={"max_upload_bytes": 32 * 1024 * 1024,
                                       "upload_spool_dir": tmp_path / "uploads"})


@pytest.fixture
def bucket() -> str:
    """A bucket of this test's own."""
    return f"fault-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def s3_server(s3_server):
    """The session's S3 server, running again after the test whatever happened."""
    yield s3_server
    s3_server.start()


@pytest.fixture
def dossier_id(client, founder) -> str:
    """A draft dossier of the demo founder."""
    return client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]


def s3_store(endpoint: str, s3_server, bucket: str, tmp_path: Path, **options) -> S3Store:
    """The app's S3 store, reaching the server at `endpoint`."""
    return S3Store(endpoint, s3_server.access_key, s3_server.secret_key, bucket,
                   spool_dir=tmp_path / "spool", **options)


def objects(s3_server, bucket: str) -> list[str]:
    """Keys listed in the bucket (none if it was never made)."""
    client = s3_server.client()
    if not client.bucket_exists(bucket):
        return []
    return [o.object_name for o in client.list_objects(bucket, recursive=True)]


def pending_uploads(s3_server, bucket: str) -> list[str]:
    """Keys of the multipart uploads begun and never completed nor aborted."""
    return [u.object_name for u in s3_server.client()._list_multipart_uploads(bucket).uploads]


def assert_unavailable(r: httpx.Response) -> None:
    """A 503 problem+json naming the cause, not a 500."""
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "unavailable"


def assert_no_row_no_temp_file(sessions, tmp_path: Path, *spools: Path) -> None:
    """No attachment row, and no request body or store spool left on disk."""
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 0
    for folder in (tmp_path / "uploads", *spools):
        assert not folder.exists() or list(folder.iterdir()) == []


def assert_stored_once(r: httpx.Response, body: bytes, store, sessions) -> None:
    """201, one row, and the store holds exactly these bytes."""
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(body).hexdigest()
    assert r.json()["sha256"] == digest and r.json()["size"] == len(body)
    with store.open(key_for(digest)) as chunks:
        assert hashlib.sha256(b"".join(chunks)).hexdigest() == digest
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 1


class TestS3KilledWhileTheFounderSends:
    """The store dies as the first bytes of the upload reach the API."""

    @pytest.fixture
    def store(self, s3_server, bucket, tmp_path):
        return s3_store(s3_server.endpoint, s3_server, bucket, tmp_path)

    def test_is_503_keeps_nothing_and_the_retry_is_201(
            self, app, founder, dossier_id, s3_server, store, bucket, sessions, tmp_path):
        """503 problem, no row, no object, no temp file; restarted, the same upload is 201."""
        body = big_pdf()

        def kill_on_second_chunk(n: int) -> None:
            if n == 1:  # the app is already reading the body
                s3_server.stop()

        assert_unavailable(upload(app, founder, dossier_id, body, kill_on_second_chunk))
        assert_no_row_no_temp_file(sessions, tmp_path, tmp_path / "spool")

        s3_server.start()
        assert objects(s3_server, bucket) == []
        assert_stored_once(upload(app, founder, dossier_id, body), body, store, sessions)
        assert_storage_consistent(sessions, store)


class TestS3KilledMidObject:
    """The store dies while the S3 store is halfway through the object (its first part).

    Objects up to `single_put_max` go in one streamed PUT (the default for this size);
    `single_put_max=0` makes the store send the same object in parallel parts.
    """

    @pytest.fixture(params=["one PUT", "parts"])
    def sending(self, request) -> str:
        return request.param

    @pytest.fixture
    def proxy(self, s3_server) -> Iterator[CuttingProxy]:
        relay = CuttingProxy(s3_server.ports["s3"], after=2 * 1024 * 1024, cut=s3_server.stop)
        yield relay
        relay.close()

    @pytest.fixture
    def store(self, proxy, s3_server, bucket, tmp_path, sending):
        options = {"single_put_max": 0} if sending == "parts" else {}
        return s3_store(f"127.0.0.1:{proxy.port}", s3_server, bucket, tmp_path, **options)

    def test_is_503_leaves_no_object_and_the_retry_frees_the_dead_parts(
            self, app, founder, dossier_id, s3_server, proxy, store, bucket, sessions, tmp_path,
            sending):
        """503 problem, no row, no object; the retry is 201 and the dead upload's parts go."""
        body = big_pdf()
        key = key_for(hashlib.sha256(body).hexdigest())

        assert_unavailable(upload(app, founder, dossier_id, body))
        assert proxy.fired  # the server died with bytes of the object in flight
        assert_no_row_no_temp_file(sessions, tmp_path, tmp_path / "spool")

        s3_server.start()
        assert objects(s3_server, bucket) == []
        if sending == "parts":
            assert pending_uploads(s3_server, bucket) == [key]  # the parts the server kept
        else:
            assert pending_uploads(s3_server, bucket) == []  # a dead PUT leaves nothing
        assert_stored_once(upload(app, founder, dossier_id, body), body, store, sessions)
        assert pending_uploads(s3_server, bucket) == []
        assert_storage_consistent(sessions, store)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a disk that fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        service_missing(f"cannot mount a small tmpfs: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


class TestFilesystemFull:
    """The filesystem store's disk is full."""

    @pytest.fixture
    def store(self, small_disk):
        return FilesystemStore(small_disk / "objects", secret=b"test-secret")

    def test_is_503_keeps_nothing_and_the_retry_after_room_is_201(
            self, app, founder, dossier_id, small_disk, store, sessions, tmp_path):
        """ENOSPC is a 503 problem, no row, no partial file; with room again, the retry is 201."""
        body = big_pdf(2 * 1024 * 1024)

        assert_unavailable(upload(app, founder, dossier_id, body))
        assert_no_row_no_temp_file(sessions, tmp_path, store.spool_dir)
        assert not store.exists(key_for(hashlib.sha256(body).hexdigest()))

        subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
        assert_stored_once(upload(app, founder, dossier_id, body), body, store, sessions)
        assert_storage_consistent(sessions, store)
