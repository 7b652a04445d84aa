"""The upload path: spool, check, sniff, store by content hash, record, scan for viruses."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from app.state import AppState
from app.uploads import Upload, receive_upload
from dossier import access
from dossier.access import Action
from dossier.errors import FieldError, Invalid
from dossier.filetypes import sniff, with_extension
from dossier.models import User
from dossier.services import attachments, objects
from dossier.services.attachments import ScanStatus
from dossier.services.dossiers import attachment_view
from storage.base import StoredObject
from storage.clamd import Clamd, ScanError

log = logging.getLogger(__name__)


async def store_upload(request: Request, *, state: AppState, user: User, dossier_id: str,
                       check_fields: Callable[[dict[str, str]], None] | None = None
                       ) -> dict[str, Any]:
    """Handle one multipart upload end to end; nothing is kept if any step fails.

    `check_fields` sees the form's text fields before anything is stored (a page's CSRF token).
    """

    def check_access() -> None:
        with state.sessions() as db:
            dossier = access.load_dossier(db=db, dossier_id=dossier_id, user=user,
                                         action=Action.upload_attachment)
            attachments.check_can_upload(dossier=dossier, user=user)

    await run_in_threadpool(check_access)
    upload = await receive_upload(request, max_bytes=state.settings.max_upload_bytes,
                                  spool_dir=state.settings.upload_spool_dir)
    try:
        if check_fields is not None:
            check_fields(upload.fields)
        return await run_in_threadpool(_keep, state, user, dossier_id, upload)
    finally:
        upload.discard()


def _keep(state: AppState, user: User, dossier_id: str, upload: Upload) -> dict[str, Any]:
    kind = attachments.check_kind(upload.fields.get("kind"))
    issued_on = attachments.check_issued_on(upload.fields.get("issued_on"))
    if upload.path is None:
        raise Invalid(errors=[FieldError("file", "missing")])
    if upload.size == 0:
        raise Invalid(errors=[FieldError("file", "file_empty")])
    content_type = sniff(upload.path, prescan=upload.prescan)
    # The name ends with the extension of the type read from the bytes: "kbis.exe" holding
    # a PDF is offered as "kbis.exe.pdf", never as something a desktop would run.
    filename = with_extension(upload.filename, content_type)
    scanner = state.settings.scanner()
    status = ScanStatus.pending if scanner else ScanStatus.not_scanned

    def put() -> StoredObject:
        return state.store.put_file(upload.path, max_bytes=state.settings.max_upload_bytes,
                                    sha256=upload.sha256)

    def record(db: Session, stored: StoredObject) -> dict[str, Any]:
        dossier = access.load_dossier(db=db, dossier_id=dossier_id, user=user,
                                         action=Action.upload_attachment)
        item = attachments.record(
            db=db, dossier=dossier, user=user, kind=kind, filename=filename,
            content_type=content_type, size=stored.size, sha256=stored.sha256,
            storage_key=stored.key, scan_status=status, issued_on=issued_on)
        dossier.updated_at = item.created_at
        return attachment_view(item)

    view = objects.attach(sessions=state.sessions, store=state.store, put=put, record=record)
    if scanner is None:
        return view
    return _scan(state, scanner, upload, view)


def _scan(state: AppState, scanner: Clamd, upload: Upload, view: dict[str, Any]
          ) -> dict[str, Any]:
    """Scan the spooled copy (downloads are held meanwhile); infected files are refused."""
    signature = None
    try:
        verdict = scanner.scan_file(upload.path)
    except ScanError as exc:
        log.warning("antivirus scan failed for %s: %s", view["id"], exc)
        status = ScanStatus.error
    else:
        signature = verdict.signature
        status = ScanStatus.clean if verdict.clean else ScanStatus.infected
    with state.sessions() as db, db.begin():
        refused = attachments.set_scan_status(db=db, attachment_id=uuid.UUID(view["id"]),
                                              status=status)
    if status == ScanStatus.infected:
        log.warning("infected upload refused: %s (%s)", view["filename"], signature)
        if refused:
            objects.collect_now(sessions=state.sessions, store=state.store, keys=[refused])
        raise Invalid("attachment_scan_infected",
                      {"filename": view["filename"], "signature": signature},
                      errors=[FieldError("file", "attachment_scan_infected",
                                         {"filename": view["filename"],
                                          "signature": signature})])
    return {**view, "scan_status": str(status)}
