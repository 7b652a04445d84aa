"""A user's data export (a ZIP streamed as it is built) and a founder's erasure."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

from fastapi.responses import StreamingResponse

from app.state import AppState
from app.zipstream import zip_stream
from dossier.db import transaction, utcnow
from dossier.models import User
from dossier.services import personal_data, retention
from storage.base import ObjectStore
from storage.errors import StorageError
from storage.headers import content_disposition

log = logging.getLogger(__name__)


def export_zip(store: ObjectStore, data: dict,
               files: list[personal_data.ExportFile]) -> Iterator[bytes]:
    """data.json, then each stored file, compressed while the response is sent."""
    document = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    return zip_stream(store, [(f.name, f.storage_key, f.created_at) for f in files],
                      documents=[("data.json", document, utcnow())])


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
