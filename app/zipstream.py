"""ZIP files sent while they are built: stored objects stream through, never whole in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from storage.base import ObjectStore

CHUNK = 256 * 1024  # bytes gathered before a piece of the ZIP is sent


class _Sink(io.RawIOBase):
    """A write-only, unseekable file: ZipFile writes into it, the response reads it out."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def drain(self) -> bytes:
        out, self.chunks, self.size = b"".join(self.chunks), [], 0
        return out


def _entry(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zip_stream(store: ObjectStore, files: Iterable[tuple[str, str, datetime]], *,
               documents: Iterable[tuple[str, bytes, datetime]] = ()) -> Iterator[bytes]:
    """A ZIP of small in-memory `documents` (name, bytes, date), then stored `files`
    (name, storage key, date), produced while it is sent."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, content, when in documents:
            zf.writestr(_entry(name, when), content)
            yield sink.drain()
        for name, key, when in files:
            with zf.open(_entry(name, when), "w") as entry, store.open(key) as chunks:
                for chunk in chunks:
                    entry.write(chunk)
                    if sink.size >= CHUNK:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()
