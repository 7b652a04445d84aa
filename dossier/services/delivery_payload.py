"""What a partner's own system receives: the dossier JSON and links to its files."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.models import Attachment, DossierVersion, Partner, RenderedDocument
from dossier.services.objects import link_ref


class Link(Protocol):
    """Makes a short-lived link to a stored object (the caller's store decides how)."""

    def __call__(self, key: str, *, filename: str, content_type: str, ref: str) -> str: ...


def payload(*, db: Session, version_id: uuid.UUID, route_id: str, pdf: RenderedDocument,
            link: Link) -> dict[str, Any]:
    """The `data` of a webhook: content, hash, links to the PDF and each attachment."""
    version = db.get(DossierVersion, version_id)
    if version is None:
        raise NotFound("dossier_not_found")
    rows = {str(a.id): a for a in db.scalars(select(Attachment).where(
        Attachment.dossier_id == version.dossier_id))}
    attachments = [
        {**item, "url": link(rows[item["id"]].storage_key, filename=item["filename"],
                             content_type=item["content_type"], ref=link_ref(rows[item["id"]]))}
        for item in version.attachments if item["id"] in rows]
    return {
        "dossier_id": str(version.dossier_id), "route_id": route_id,
        "version": version.number, "content_hash": version.content_hash,
        "submitted_at": version.created_at.isoformat(), "content": version.content,
        "pdf": {"sha256": pdf.sha256, "size": pdf.size, "url": link(
            pdf.storage_key, content_type="application/pdf",
            filename=f"dossier-v{version.number}.pdf", ref=link_ref(pdf))},
        "attachments": attachments,
    }


def partner_config(*, db: Session, partner_code: str) -> dict[str, Any]:
    """The partner's delivery configuration from the catalogue."""
    partner = db.get(Partner, partner_code)
    return dict((partner.config.get("delivery") or {}) if partner else {})
