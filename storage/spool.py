"""Spool an upload to a temporary file while hashing and counting it."""

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from storage.errors import EmptyObject, ObjectTooLarge


@dataclass(frozen=True)
class Spooled:
    """Bytes written to a temporary file, with their digest and size."""

    path: Path
    sha256: str
    size: int


@contextmanager
def spool(
    chunks: Iterable[bytes],
    *,
    max_bytes: int | None = None,
    directory: Path | None = None,
    fsync: bool = False,
) -> Iterator[Spooled]:
    """Write chunks to a temp file in `directory`; the file is removed on exit."""
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="spool-", dir=directory)
    path = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    _close(chunks)
                    raise ObjectTooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        if size == 0:
            raise EmptyObject()
        yield Spooled(path, digest.hexdigest(), size)
    finally:
        with suppress(FileNotFoundError):
            path.unlink()


def _close(chunks: Iterable[bytes]) -> None:
    """Let a generator source release what it holds (e.g. a request body)."""
    close = getattr(chunks, "close", None)
    if callable(close):
        close()
