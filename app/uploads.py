"""Streaming multipart upload: the file part is spooled, hashed and size-capped as it arrives.

The event loop parses the body; a worker thread hashes, writes and pre-scans the file bytes
(`dossier.filetypes.Prescan`) one batch behind, so that sniffing has no whole-file pass left
to make once the body is in. At most two batches are held: the one being written and the
one being filled, which waits for the first (backpressure on the client).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.multipart import MultipartParser, parse_options_header

from dossier.errors import DomainError, TooLarge
from dossier.filetypes import Prescan

MAX_FIELD_BYTES = 4096
MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and headers (app.body_limit)
BATCH_BYTES = 1024 * 1024  # file bytes handed at once to the writer thread


@dataclass
class Upload:
    """A received file (on disk) and the form's small text fields."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str | None = None
    declared_type: str | None = None
    size: int = 0
    sha256: str | None = None  # hex digest of the file part, once fully received
    prescan: Prescan | None = None  # sniffing's whole-file pass, once fully received

    def discard(self) -> None:
        """Remove the temporary file."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class _Receiver:
    """Callbacks for python-multipart that collect the `file` part for the writer thread."""

    def __init__(self, upload: Upload, max_bytes: int, spool_dir: Path | None):
        self.upload, self.max_bytes, self.spool_dir = upload, max_bytes, spool_dir
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.value = bytearray()
        self.fh = None
        self.in_file = False
        self.digest = hashlib.sha256()
        self.prescan = Prescan()
        self.batch: list[bytes] = []
        self.batch_size = 0
        self.writing: asyncio.Future | None = None
        self.lock = threading.Lock()  # the writer thread against close()
        self.ended = False

    def on_end(self) -> None:
        self.ended = True

    def on_part_begin(self) -> None:
        self.headers, self.name, self.value = {}, None, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.strip().lower()] = self.header_value.strip()
        self.header_field, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        if self.name == "file":
            if self.upload.path is not None:
                raise DomainError("upload_one_file")
            raw = params.get(b"filename")
            self.upload.filename = raw.decode("utf-8", "replace") if raw is not None else None
            ctype = self.headers.get(b"content-type")
            self.upload.declared_type = ctype.decode("latin-1") if ctype else None
            fd, name = tempfile.mkstemp(prefix="upload-", dir=self.spool_dir)
            self.upload.path = Path(name)
            self.fh = os.fdopen(fd, "wb")
            self.in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            self.upload.size += end - start
            if self.upload.size > self.max_bytes:
                raise TooLarge("upload_too_large", {"limit": self.max_bytes})
            self.batch.append(data[start:end])
            self.batch_size += end - start
        else:
            self.value += data[start:end]
            if len(self.value) > MAX_FIELD_BYTES:
                raise DomainError("upload_field_too_long", {"field": self.name})

    def on_part_end(self) -> None:
        if self.in_file:
            self.in_file = False
        elif self.name:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace")

    async def flush(self, *, last: bool = False) -> None:
        """Hand a full batch (or, `last`, what is left) to the writer; wait if it is busy."""
        if self.batch_size >= BATCH_BYTES or (last and self.batch):
            if self.writing is not None:
                await self.writing  # the previous batch: at most two in memory
            batch, self.batch, self.batch_size = self.batch, [], 0
            self.writing = asyncio.ensure_future(run_in_threadpool(self._write, batch))
            self.writing.add_done_callback(_retrieve)
        if last and self.writing is not None:
            await self.writing

    def _write(self, batch: list[bytes]) -> None:
        """In the writer thread: hash, write and pre-scan the bytes, in order."""
        data = b"".join(batch)
        with self.lock:
            if self.fh is None:  # the request was abandoned meanwhile
                return
            self.digest.update(data)
            self.fh.write(data)
            self.prescan.feed(data)

    async def finish(self) -> None:
        """Write what is left, then give the upload its digest and pre-scan."""
        await self.flush(last=True)
        if self.fh is not None:
            self.close()
            self.upload.sha256 = self.digest.hexdigest()
            self.upload.prescan = self.prescan

    def close(self) -> None:
        """Close the file; a batch being written is finished first, a later one dropped."""
        with self.lock:
            if self.fh is not None:
                self.fh.close()
                self.fh = None


def _retrieve(future: asyncio.Future) -> None:
    """Mark a writer's error as seen when nobody awaits it any more (request abandoned)."""
    if not future.cancelled():
        future.exception()


async def receive_upload(request: Request, *, max_bytes: int,
                         spool_dir: Path | None = None) -> Upload:
    """Read a multipart/form-data body; the caller must `discard()` the upload."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise DomainError("upload_not_multipart")
    upload = Upload()
    receiver = _Receiver(upload, max_bytes, spool_dir)
    callbacks = {name: getattr(receiver, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_part_data", "on_part_end", "on_end")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await receiver.flush()
        parser.finalize()
        if not receiver.ended:
            raise DomainError("upload_malformed", {"reason": "truncated body"})
        await receiver.finish()
    except DomainError:
        receiver.close()
        upload.discard()
        raise
    except Exception as exc:  # python-multipart raises its own errors on malformed bodies
        receiver.close()
        upload.discard()
        raise DomainError("upload_malformed", {"reason": str(exc)[:200]}) from exc
    except BaseException:  # cancelled: the client went away
        receiver.close()
        upload.discard()
        raise
    finally:
        receiver.close()
    return upload
