"""Create, read, update and version a founder's dossier."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import access, content_cache
from dossier.access import Action
from dossier.db import utcnow
from dossier.errors import Conflict
from dossier.models import Dossier, DossierStatus, DossierVersion, Role, Route, User
from dossier.schema import DossierV1
from dossier.services.partners import instruments_by_partner
from dossier.services.plan import tracked_plan
from dossier.services.routes import route_summary
from dossier.validation import (
    dump_content,
    validate_draft,
)
from dossier.validity import Document, expires_on


def parse_content(*, db: Session, data: Any) -> DossierV1:
    """Validate content as a draft against the live partner catalogue."""
    return validate_draft(data, partners=instruments_by_partner(db=db))


def create_draft(*, db: Session, owner: User, data: Any) -> Dossier:
    """A new draft owned by a founder; what is present must be valid."""
    content = parse_content(db=db, data=data)
    dossier = Dossier(owner_id=owner.id, status=DossierStatus.draft.value)
    set_content(dossier, content)
    db.add(dossier)
    db.flush()
    return dossier


def require_owner(user: User, dossier: Dossier) -> None:
    """Only the founder who owns a dossier may change it (the policy table's answer)."""
    access.require(user, Action.edit_dossier, dossier=dossier)


def list_for_user(*, db: Session, user: User, limit: int = 50, offset: int = 0) -> list[Dossier]:
    """A founder's own dossiers, or every dossier for staff, newest first."""
    stmt = select(Dossier).order_by(Dossier.updated_at.desc()).limit(limit).offset(offset)
    if user.role == Role.founder:
        stmt = stmt.where(Dossier.owner_id == user.id)
    elif user.role != Role.staff:
        return []
    return list(db.scalars(stmt))


def update_draft(*, db: Session, dossier: Dossier, user: User, data: Any) -> Dossier:
    """Replace a draft's content."""
    require_owner(user, dossier)
    if dossier.status != DossierStatus.draft:
        raise Conflict("dossier_not_draft")
    set_content(dossier, parse_content(db=db, data=data))
    db.flush()
    return dossier


def set_content(dossier: Dossier, content: DossierV1) -> None:
    """Store content and the columns derived from it for lists and filters."""
    dossier.content = dump_content(content)
    dossier.company_name = content.company.legal_name if content.company else None
    sector = content.company.sector if content.company else None
    dossier.sector = str(sector) if sector else None
    dossier.updated_at = utcnow()


def latest_version(*, db: Session, dossier: Dossier) -> DossierVersion:
    """The newest version of a submitted dossier."""
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == dossier.id,
        DossierVersion.number == dossier.current_version))
    if version is None:
        raise Conflict("dossier_not_submitted")
    return version


def attachment_view(attachment: Any) -> dict[str, Any]:
    """The public shape of an attachment."""
    return {
        "id": str(attachment.id), "kind": attachment.kind, "filename": attachment.filename,
        "content_type": attachment.content_type, "size": attachment.size,
        "sha256": attachment.sha256, "created_at": attachment.created_at.isoformat(),
        "scan_status": attachment.scan_status,
        "issued_on": attachment.issued_on.isoformat() if attachment.issued_on else None,
        "expires_on": _expires_on(attachment),
    }


def _expires_on(attachment: Any) -> str | None:
    ends = expires_on(Document(attachment.kind, attachment.issued_on))
    return ends.isoformat() if ends else None


def dossier_view(*, db: Session, dossier: Dossier) -> dict[str, Any]:
    """The shape of GET /dossiers/{id}."""
    content, done = content_cache.validated(dossier.content)
    routes = list(db.scalars(select(Route).where(Route.dossier_id == dossier.id)
                             .order_by(Route.partner_code)))
    return {
        "id": str(dossier.id),
        "status": dossier.status,
        "version": dossier.current_version,
        "created_at": dossier.created_at.isoformat(),
        "updated_at": dossier.updated_at.isoformat(),
        "content": dossier.content,
        "completeness": done,
        "funding_plan": tracked_plan(content, routes),
        "attachments": [attachment_view(a) for a in dossier.attachments],
        "routes": [route_summary(r) for r in routes],
    }
