"""Streaming multipart upload: the file part is spooled, hashed and size-capped as it arrives."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from dossier.errors import DomainError, TooLarge

MAX_FIELD_BYTES = 4096
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class Upload:
    """A received file (on disk) and the form's small text fields."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str | None = None
    declared_type: str | None = None
    size: int = 0
    sha256: str | None = None  # hex digest of the file part, once fully received

    def discard(self) -> None:
        """Remove the temporary file."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class _Receiver:
    """Callbacks for python-multipart that write the `file` part to disk."""

    def __init__(self, upload: Upload, max_bytes: int, spool_dir: Path | None):
        self.upload, self.max_bytes, self.spool_dir = upload, max_bytes, spool_dir
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.value = bytearray()
        self.fh = None
        self.digest = hashlib.sha256()
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

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.fh is not None:
            self.upload.size += end - start
            if self.upload.size > self.max_bytes:
                raise TooLarge("upload_too_large", {"limit": self.max_bytes})
            chunk = data[start:end]
            self.digest.update(chunk)
            self.fh.write(chunk)
        else:
            self.value += data[start:end]
            if len(self.value) > MAX_FIELD_BYTES:
                raise DomainError("upload_field_too_long", {"field": self.name})

    def on_part_end(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
            self.upload.sha256 = self.digest.hexdigest()
        elif self.name:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace")

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


async def receive_upload(request: Request, *, max_bytes: int,
                         spool_dir: Path | None = None) -> Upload:
    """Read a multipart/form-data body; the caller must `discard()` the upload."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise DomainError("upload_not_multipart")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise TooLarge("upload_too_large", {"limit": max_bytes})
    upload = Upload()
    receiver = _Receiver(upload, max_bytes, spool_dir)
    callbacks = {name: getattr(receiver, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_part_data", "on_part_end", "on_end")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if not receiver.ended:
            raise DomainError("upload_malformed", {"reason": "truncated body"})
    except DomainError:
        receiver.close()
        upload.discard()
        raise
    except Exception as exc:  # python-multipart raises its own errors on malformed bodies
        receiver.close()
        upload.discard()
        raise DomainError("upload_malformed", {"reason": str(exc)[:200]}) from exc
    finally:
        receiver.close()
    return upload
