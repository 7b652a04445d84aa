"""Fixtures: a real SeaweedFS S3 server, and each backend with raw access for checks."""

import base64
import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from minio.error import S3Error

from storage import FilesystemStore, LinkInvalid, ObjectStore, S3Store, verify_link
from tests.s3server import S3Server

SECRET = b"test-secret-for-signed-links-0123456789"


@dataclass
class Backend:
    """A store plus a view of what really sits in the backend, bypassing the store."""

    name: str
    store: ObjectStore
    spool_dir: Path
    root: Path | None = None
    server: S3Server | None = None
    bucket: str = ""

    def keys(self) -> list[str]:
        """Every stored object key."""
        if self.root is not None:
            base = self.root / "sha256"
            return [str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file()]
        objects = self.server.client().list_objects(self.bucket, recursive=True)
        return [o.object_name for o in objects]

    def read(self, key: str) -> bytes | None:
        """The stored bytes, or None if absent."""
        if self.root is not None:
            path = self.root / key
            return path.read_bytes() if path.exists() else None
        try:
            response = self.server.client().get_object(self.bucket, key)
        except S3Error as exc:
            assert exc.code == "NoSuchKey"
            return None
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def overwrite(self, key: str, data: bytes) -> None:
        """Replace the stored bytes behind the store's back."""
        if self.root is not None:
            (self.root / key).write_bytes(data)
        else:
            self.server.client().put_object(self.bucket, key, io.BytesIO(data), len(data))

    def leftovers(self) -> list[Path]:
        """Files left in the spool folder."""
        return list(self.spool_dir.iterdir()) if self.spool_dir.exists() else []

    def fetch(self, url: str) -> tuple[int, bytes]:
        """Follow a signed link; for the filesystem, as the app's blob route will."""
        if self.root is None:
            response = httpx.get(url, timeout=10)
            return response.status_code, response.content
        try:
            claims = verify_link(SECRET, url.rsplit("/", 1)[1])
        except LinkInvalid:
            return 403, b""
        return 200, b"".join(self.store.open(claims.key))

    def tamper(self, url: str) -> str:
        """The link with one character of its signed part changed."""
        if self.root is None:
            return _with_query(url, "X-Amz-Signature", lambda s: _flip(s, len(s) // 2))
        return _flip(url, len(url.rsplit("/", 1)[0]) + 5)

    def retarget(self, url: str, key: str) -> str:
        """The link pointed at another key, keeping its signature."""
        if self.root is None:
            parts = urlsplit(url)
            return urlunsplit(parts._replace(path=f"/{self.bucket}/{key}"))
        base, token = url.rsplit("/", 1)
        payload, mac = token.split(".")
        claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        forged = claims.replace(verify_link(SECRET, token).key.encode(), key.encode())
        return f"{base}/{base64.urlsafe_b64encode(forged).rstrip(b'=').decode()}.{mac}"


def _flip(text: str, index: int) -> str:
    char = text[index]
    return text[:index] + ("b" if char == "a" else "a") + text[index + 1 :]


def _with_query(url: str, name: str, change) -> str:
    parts = urlsplit(url)
    query = [(k, change(v) if k == name else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def new_bucket() -> str:
    """A bucket name of our own, so tests do not see each other's objects."""
    return f"t-{uuid.uuid4().hex[:16]}"


@pytest.fixture(params=["filesystem", pytest.param("s3", marks=pytest.mark.s3)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each backend in turn, empty."""
    spool_dir = tmp_path / "spool"
    if request.param == "filesystem":
        store = FilesystemStore(tmp_path / "objects", SECRET)
        return Backend("filesystem", store, store.spool_dir, root=store.root)
    server = request.getfixturevalue("s3_server")
    bucket = new_bucket()
    store = S3Store(
        server.endpoint, server.access_key, server.secret_key, bucket, spool_dir=spool_dir
    )
    return Backend("s3", store, spool_dir, server=server, bucket=bucket)


@pytest.fixture
def store(backend: Backend) -> ObjectStore:
    """The store under test."""
    return backend.store
