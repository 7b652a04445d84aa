"""A user's data export (a ZIP streamed as it is built) and a founder's erasure."""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime

from fastapi.responses import StreamingResponse

from app.state import AppState
from dossier.db import transaction, utcnow
from dossier.models import User
from dossier.services import personal_data, retention
from storage.base import ObjectStore
from storage.errors import StorageError
from storage.headers import content_disposition

CHUNK = 256 * 1024
log = logging.getLogger(__name__)


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


def export_zip(store: ObjectStore, data: dict,
               files: list[personal_data.ExportFile]) -> Iterator[bytes]:
    """data.json, then each stored file, compressed while the response is sent."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        document = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
        zf.writestr(_entry("data.json", utcnow()), document)
        yield sink.drain()
        for item in files:
            with zf.open(_entry(item.name, item.created_at), "w") as entry, \
                    store.open(item.storage_key) as chunks:
                for chunk in chunks:
                    entry.write(chunk)
                    if sink.size >= CHUNK:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()


def export_response(state: AppState, user: User) -> StreamingResponse:
    """The user's data as a ZIP download."""
    with state.sessions() as db:
        data, files = personal_data.export(db=db, user=user)
    name = f"dossier-unique-mes-donnees-{utcnow():%Y%m%d}.zip"
    return StreamingResponse(export_zip(state.store, data, files), media_type="application/zip",
                             headers={"Content-Disposition": content_disposition(name),
                                      "Cache-Control": "private, no-store"})


def erase(state: AppState, *, user_id: uuid.UUID, password: str) -> list[str]:
    """Erase a founder's rows (one transaction), then the stored objects no one else uses."""
    now = utcnow()
    with transaction(state.sessions) as db:
        stubs = retention.erase_founder(db=db, user_id=user_id, password=password, now=now,
                                        siren_key=state.secret)
    for stub in stubs:
        try:
            with transaction(state.sessions) as db:
                retention.delete_objects(db=db, stub_id=stub.id, store=state.store, now=now)
        except StorageError:  # the stub stays pending: the retention flow finishes the job
            log.exception("objects of erased dossier %s left for the retention flow", stub.id)
    return [str(stub.id) for stub in stubs]
