"""Who read a dossier: every opening by a partner (or staff, or an expert a partner invited),
for the founder to see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from dossier.access import Expert
from dossier.errors import NotFound
from dossier.models import AccessRecord, Attachment, Dossier, Role, Route, User

PARIS = ZoneInfo("Europe/Paris")


class AccessKind(StrEnum):
    """What was read."""

    dossier = "dossier"
    pdf = "pdf"
    attachment = "attachment"
    attachments_zip = "attachments_zip"


def record_access(*, db: Session, user: User | Expert, kind: AccessKind, via: str,
                  route: Route | None = None, dossier: Dossier | None = None,
                  version: int | None = None, attachment: Attachment | None = None,
                  name: str | None = None, route_held: bool = False) -> AccessRecord | None:
    """Log one reading of a dossier, through a partner's route or directly (staff).

    The founder reading their own is not logged. An invited expert has no account: the record
    names its address, under the role `expert` and the partner that invited it.
    `route_held`: the caller holds the route's lock already (a stronger one than taken here).
    """
    if user.role == Role.founder:
        return None
    if route is not None and not route_held:
        # The route before its dossier (the row key checks would take the dossier first), in
        # the order an erasure takes them: a read racing an erasure waits, never deadlocks.
        held = db.execute(select(Route.id).where(Route.id == route.id)
                          .with_for_update(key_share=True)).first()
        if held is None:
            raise NotFound("route_not_found")
    if version is None:
        version = route.delivered_version if route is not None else dossier.current_version
    row = AccessRecord(
        dossier_id=route.dossier_id if route is not None else dossier.id,
        route_id=route.id if route is not None else None,
        user_id=None if isinstance(user, Expert) else user.id, email=user.email,
        role=user.role, partner_code=user.partner_code, kind=kind.value, via=via,
        object_id=str(attachment.id) if attachment else None,
        object_name=attachment.filename if attachment else name, version=version)
    db.add(row)
    db.flush()
    return row


def access_log(*, db: Session, dossier: Dossier, limit: int = 200,
               offset: int = 0) -> tuple[int, list[AccessRecord]]:
    """The dossier's access records, newest first, and how many there are in all."""
    rows = db.scalars(_newest(select(AccessRecord), dossier).limit(limit).offset(offset))
    return _total(db, dossier), list(rows)


def _newest(stmt: Select, dossier: Dossier) -> Select:
    return (stmt.where(AccessRecord.dossier_id == dossier.id)
            .order_by(AccessRecord.created_at.desc(), AccessRecord.chain_seq.desc()))


def _total(db: Session, dossier: Dossier) -> int:
    return db.scalar(select(func.count()).select_from(AccessRecord)
                     .where(AccessRecord.dossier_id == dossier.id)) or 0


def access_view(row: AccessRecord) -> dict[str, Any]:
    """The public shape of an access record."""
    return {"id": str(row.id), "at": row.created_at.isoformat(),
            "user_id": str(row.user_id) if row.user_id else None, "email": row.email,
            "role": row.role, "partner": row.partner_code,
            "route_id": str(row.route_id) if row.route_id else None, "kind": row.kind,
            "object_id": row.object_id, "object_name": row.object_name,
            "version": row.version, "via": row.via}


_GROUPED = (AccessRecord.created_at, AccessRecord.user_id, AccessRecord.email, AccessRecord.role,
            AccessRecord.partner_code, AccessRecord.kind, AccessRecord.object_id,
            AccessRecord.object_name, AccessRecord.version, AccessRecord.via)


@dataclass
class AccessGroup:
    """The readings of one person, of one thing, on one day (Paris time): one line of the
    founder's log, with how many times and when first and last."""

    day: date
    first: datetime
    last: datetime
    count: int
    email: str
    role: str
    partner_code: str | None
    kind: str
    object_name: str | None
    versions: list[int]
    via: str


def access_summary(*, db: Session, dossier: Dossier,
                   limit: int = 5000) -> tuple[int, list[AccessGroup]]:
    """The dossier's readings grouped per person, thing and day, newest first; and how many
    readings there are in all (only the newest `limit` are grouped)."""
    # Columns, not records: a long-read dossier has thousands, and this is the status page.
    rows = db.execute(_newest(select(*_GROUPED), dossier).limit(limit))
    groups: dict[tuple[Any, ...], AccessGroup] = {}
    for at, user_id, email, role, partner, kind, object_id, name, version, via in rows:
        day = at.astimezone(PARIS).date()  # rows come newest first
        key = (day, user_id or email, partner, kind, object_id or name)
        group = groups.get(key)
        if group is None:
            groups[key] = AccessGroup(day, at, at, 1, email, role, partner, kind, name,
                                      [version] if version else [], via)
            continue
        group.count += 1
        group.first = at
        if version and version not in group.versions:
            group.versions.append(version)
    for group in groups.values():
        group.versions.sort()
    return _total(db, dossier), list(groups.values())
