"""Attachment records of a dossier (the bytes live in the object store)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.errors import Conflict, FieldError, Invalid, NotFound
from dossier.models import Attachment, Dossier, DossierStatus, Route, User
from dossier.services import inbox, objects, routes
from dossier.services.access import AccessKind, record_access
from dossier.services.dossiers import require_owner
from dossier.services.ids import parse_id

ATTACHMENT_KINDS = (
    "kbis", "statuts", "id_founder", "business_plan", "financial_statements",
    "forecast", "pitch_deck", "rib", "cap_table", "other",
)


class ScanStatus(enum.StrEnum):
    """The antivirus verdict on an attachment's bytes."""

    not_scanned = "not_scanned"  # no clamd configured: served as before
    pending = "pending"
    clean = "clean"
    infected = "infected"
    error = "error"


READABLE = frozenset({ScanStatus.not_scanned, ScanStatus.clean})


def check_readable(attachment: Attachment) -> None:
    """Hold a download (409, with the reason) until the antivirus has cleared the bytes."""
    if attachment.scan_status not in READABLE:
        raise Conflict(f"attachment_scan_{attachment.scan_status}",
                       {"filename": attachment.filename, "signature": ""})


def check_kind(kind: str | None) -> str:
    """The attachment kind, or a 422 naming the `kind` field."""
    if kind not in ATTACHMENT_KINDS:
        raise Invalid(errors=[FieldError("kind", "attachment_kind",
                                         {"expected": ", ".join(ATTACHMENT_KINDS)})])
    return kind


def check_issued_on(value: str | None, today: date | None = None) -> date | None:
    """The document's date as typed (2026-09-05 or 05/09/2026), or a 422 naming `issued_on`:
    not in the future, not before 1900."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = (datetime.strptime(text, "%d/%m/%Y").date() if "/" in text
               else date.fromisoformat(text))
    except ValueError:
        raise Invalid(errors=[FieldError("issued_on", "date_type")]) from None
    today = today or date.today()
    if day > today:
        raise Invalid(errors=[FieldError("issued_on", "date_in_future",
                                         {"today": today.isoformat()})])
    if day.year < 1900:
        raise Invalid(errors=[FieldError("issued_on", "date_type")])
    return day


def check_can_upload(*, dossier: Dossier, user: User) -> None:
    """Only the owner uploads; before the bytes are read."""
    require_owner(user, dossier)


def record(*, db: Session, dossier: Dossier, user: User, kind: str, filename: str,
           content_type: str, size: int, sha256: str, storage_key: str,
           scan_status: str = ScanStatus.not_scanned,
           issued_on: date | None = None) -> Attachment:
    """Store the row for bytes already in the object store."""
    require_owner(user, dossier)
    attachment = Attachment(
        dossier_id=dossier.id, kind=check_kind(kind), filename=filename,
        content_type=content_type, size=size, sha256=sha256, storage_key=storage_key,
        uploaded_by=user.id, scan_status=str(scan_status), issued_on=issued_on,
    )
    db.add(attachment)
    db.flush()
    return attachment


def get(*, db: Session, dossier: Dossier, attachment_id: uuid.UUID | str) -> Attachment:
    """An attachment of this dossier, or NotFound."""
    attachment = db.get(Attachment, parse_id(attachment_id, "attachment_not_found"))
    if attachment is None or attachment.dossier_id != dossier.id:
        raise NotFound("attachment_not_found")
    return attachment


def read(*, db: Session, dossier: Dossier, user: User, attachment_id: uuid.UUID | str,
         via: str) -> Attachment:
    """An attachment cleared for download, its reading logged for the founder."""
    item = get(db=db, dossier=dossier, attachment_id=attachment_id)
    check_readable(item)
    record_access(db=db, dossier=dossier, user=user, kind=AccessKind.attachment, via=via,
                  attachment=item)
    return item


def delete(*, db: Session, dossier: Dossier, user: User, attachment: Attachment) -> None:
    """Remove a draft's attachment; its bytes are the storage sweep's after the grace period."""
    require_owner(user, dossier)
    if dossier.status != DossierStatus.draft:
        raise Conflict("attachment_locked")
    db.delete(attachment)
    db.flush()
    objects.release(db=db, keys=[attachment.storage_key])


def set_scan_status(*, db: Session, attachment_id: uuid.UUID, status: ScanStatus
                    ) -> str | None:
    """Record the antivirus verdict; infected rows are removed.

    Returns the storage key of infected bytes, for the caller to collect at once.
    """
    attachment = db.get(Attachment, attachment_id)
    if attachment is None:
        return None
    if status != ScanStatus.infected:
        attachment.scan_status = str(status)
        db.flush()
        return None
    db.delete(attachment)
    db.flush()
    objects.release(db=db, keys=[attachment.storage_key])
    return attachment.storage_key


def shared_attachment(*, db: Session, route: Route, attachment_id: str) -> Attachment:
    """An attachment the route's partner received, cleared for download (NotFound otherwise)."""
    item = get(db=db, dossier=route.dossier, attachment_id=attachment_id)
    if str(item.id) not in routes.shared_attachment_ids(db=db, route=route):
        raise NotFound("attachment_not_found")
    check_readable(item)
    return item


def shared_files(*, db: Session, route: Route) -> list[Attachment]:
    """The attachments the partner may read: the delivered version's first, then messages'."""
    ids = routes.shared_attachment_ids(db=db, route=route)
    version = inbox.delivered_version(db=db, route=route)
    order = {str(a["id"]): n for n, a in enumerate(version.attachments if version else [])}
    rows = db.scalars(select(Attachment).where(Attachment.dossier_id == route.dossier_id))
    chosen = [a for a in rows if str(a.id) in ids]
    return sorted(chosen, key=lambda a: (order.get(str(a.id), len(order)), a.created_at))


def by_id(*, db: Session, dossier_id: uuid.UUID, ids: set[str]) -> dict[str, Attachment]:
    """The dossier's attachments among `ids`, by id."""
    rows = db.scalars(select(Attachment).where(Attachment.dossier_id == dossier_id))
    return {str(a.id): a for a in rows if str(a.id) in ids}
