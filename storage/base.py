"""The object store protocol, content-addressed keys and the shared upload path."""

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from storage.errors import EmptyObject, InvalidKey, ObjectTooLarge, StorageUnavailable
from storage.spool import Spooled, spool

CHUNK_SIZE = 1024 * 1024
MAX_LINK_TTL = timedelta(minutes=15)
_KEY = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")


@dataclass(frozen=True)
class StoredObject:
    """What a put returns: the content-addressed key, its digest and size."""

    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ObjectInfo:
    """One object as listed: its key and when it was last written."""

    key: str
    modified: datetime


class ObjectStore(Protocol):
    """Immutable, content-addressed blobs: the same bytes are stored once."""

    def put_stream(
        self, chunks: Iterable[bytes], *, max_bytes: int | None = None
    ) -> StoredObject: ...

    def put_fileobj(
        self, fileobj: BinaryIO, *, max_bytes: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> StoredObject: ...

    def put_file(
        self, path: Path, *, max_bytes: int | None = None, sha256: str | None = None
    ) -> StoredObject: ...

    def open(self, key: str) -> "ChunkStream": ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def delete(self, key: str) -> None: ...

    def list_objects(self) -> Iterator[ObjectInfo]: ...

    def signed_url(self, key: str, *, expires: timedelta = MAX_LINK_TTL,
                   filename: str | None = None, content_type: str | None = None) -> str: ...

    def check(self) -> None: ...


def key_for(sha256: str) -> str:
    """The key of the bytes whose SHA-256 hex digest is given."""
    return check_key(f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}")


def check_key(key: str) -> str:
    """Return the key if it follows the layout (which rules out path traversal)."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    if not match or not match[3].startswith(match[1] + match[2]):
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


def check_ttl(expires: timedelta) -> timedelta:
    """Refuse link lifetimes that are not positive or exceed fifteen minutes."""
    if not timedelta(0) < expires <= MAX_LINK_TTL:
        raise ValueError(f"link lifetime must be in (0, {MAX_LINK_TTL}]")
    return expires


class ChunkStream(Iterator[bytes]):
    """Chunks of one object; releases its source when exhausted, closed or collected."""

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], None]) -> None:
        self._chunks = chunks
        self._release: Callable[[], None] | None = release

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the file or connection; safe to call twice."""
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> "ChunkStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


class SpoolingStore(ABC):
    """Upload path shared by the backends: spool, hash, then store once under the key."""

    spool_dir: Path | None = None
    fsync_spool = False

    def put_stream(self, chunks: Iterable[bytes], *, max_bytes: int | None = None) -> StoredObject:
        """Store the bytes of `chunks`, refusing more than `max_bytes`."""
        try:
            with spool(
                chunks, max_bytes=max_bytes, directory=self.spool_dir, fsync=self.fsync_spool
            ) as spooled:
                stored = StoredObject(key_for(spooled.sha256), spooled.sha256, spooled.size)
                if not self.exists(stored.key):
                    self._store(spooled, stored.key)
                return stored
        except OSError as exc:  # a local disk full, read-only or gone
            raise StorageUnavailable(f"cannot write the object: {exc}") from exc

    def put_fileobj(
        self, fileobj: BinaryIO, *, max_bytes: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> StoredObject:
        """Store what is left to read in a binary file object."""
        return self.put_stream(iter(lambda: fileobj.read(chunk_size), b""), max_bytes=max_bytes)

    def put_file(
        self, path: Path, *, max_bytes: int | None = None, sha256: str | None = None
    ) -> StoredObject:
        """Store the content of a file on disk, which stays where it is.

        `sha256` is the file's digest when the caller computed it while writing the file:
        the bytes are then sent from `path` as they are, neither spooled nor hashed again.
        """
        if sha256 is None:
            with open(path, "rb") as fileobj:
                return self.put_fileobj(fileobj, max_bytes=max_bytes)
        try:
            size = os.stat(path).st_size
            if size == 0:
                raise EmptyObject()
            if max_bytes is not None and size > max_bytes:
                raise ObjectTooLarge(max_bytes)
            stored = StoredObject(key_for(sha256), sha256, size)
            if not self.exists(stored.key):
                self._store_file(path, stored)
            return stored
        except OSError as exc:
            raise StorageUnavailable(f"cannot read the file to store: {exc}") from exc

    def _store_file(self, path: Path, stored: StoredObject) -> None:
        """Store a copy of a hashed file under its key; by default through a checked spool."""
        with open(path, "rb") as fileobj, spool(
            iter(lambda: fileobj.read(CHUNK_SIZE), b""),
            directory=self.spool_dir, fsync=self.fsync_spool,
        ) as spooled:
            if spooled.sha256 != stored.sha256:
                raise ValueError(f"{path} does not hash to {stored.sha256}")
            self._store(spooled, stored.key)

    def remove_stale_spools(self, older_than: datetime) -> int:
        """Delete spool files a killed process left behind (live ones last seconds)."""
        removed = 0
        if self.spool_dir is None or not self.spool_dir.is_dir():
            return 0
        for path in self.spool_dir.glob("spool-*"):
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < older_than.timestamp():
                    path.unlink()
                    removed += 1
        return removed

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under the key."""

    @abstractmethod
    def _store(self, spooled: Spooled, key: str) -> None:
        """Move or upload a spooled file under its key."""
