"""Objects as files under a root directory: the embedded default backend."""

import os
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.base import (
    CHUNK_SIZE,
    MAX_LINK_TTL,
    ChunkStream,
    ObjectInfo,
    SpoolingStore,
    check_key,
    check_ttl,
)
from storage.errors import InvalidKey, ObjectMissing, StorageUnavailable
from storage.signing import sign_link
from storage.spool import Spooled


class FilesystemStore(SpoolingStore):
    """Content-addressed files under `root`, written atomically; links signed with `secret`."""

    fsync_spool = True

    def __init__(self, root: Path, secret: bytes, base_url: str = "/api/v1/blobs") -> None:
        if not secret:
            raise ValueError("a signing secret is required")
        self.root = Path(root)
        # Spooled in the same filesystem as the objects, so os.replace is atomic.
        self.spool_dir = self.root / ".tmp"
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    def open(self, key: str) -> ChunkStream:
        """Stream the object in chunks; raises ObjectMissing."""
        try:
            file = open(self._path(key), "rb")  # noqa: SIM115 - closed by the stream
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        return ChunkStream(iter(lambda: file.read(CHUNK_SIZE), b""), file.close)

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        """Size in bytes; raises ObjectMissing."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise ObjectMissing(key) from None

    def delete(self, key: str) -> None:
        """Remove the object if present (erasure); empty fan-out folders are kept."""
        with suppress(FileNotFoundError):
            self._path(key).unlink()

    def list_objects(self) -> Iterator[ObjectInfo]:
        """Every stored object (the spool folder aside), in no particular order."""
        for path in (self.root / "sha256").glob("*/*/*"):
            key = path.relative_to(self.root).as_posix()
            try:
                yield ObjectInfo(check_key(key),
                                 datetime.fromtimestamp(path.stat().st_mtime, UTC))
            except (FileNotFoundError, InvalidKey):  # deleted while listed, or not ours
                continue

    def signed_url(self, key: str, *, expires: timedelta = MAX_LINK_TTL,
                   filename: str | None = None, content_type: str | None = None) -> str:
        """An app URL carrying a token bound to this key, name and type."""
        expires_at = datetime.now(UTC) + check_ttl(expires)
        token = sign_link(self._secret, check_key(key), expires_at, filename, content_type)
        return f"{self._base_url}/{token}"

    def check(self) -> None:
        """Raise StorageUnavailable unless the root is a writable directory."""
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot use {self.root}: {exc}") from exc
        if not os.access(self.spool_dir, os.W_OK | os.X_OK):
            raise StorageUnavailable(f"{self.root} is not writable")

    def _store(self, spooled: Spooled, key: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(spooled.path, 0o640)
        os.replace(spooled.path, target)
        _fsync_dir(target.parent)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)


def _fsync_dir(path: Path) -> None:
    """Make the rename durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
