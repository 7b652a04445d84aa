"""What a partner's own system receives: the dossier JSON and signed links to its files."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from dossier.errors import NotFound
from dossier.models import Attachment, DossierVersion, Partner, RenderedDocument
from dossier.services.objects import link_ref
from workflows.runtime import Runtime

LINK_TTL = timedelta(minutes=15)


def delivery_payload(runtime: Runtime, *, version_id: uuid.UUID, route_id: str,
                     pdf: RenderedDocument) -> dict[str, Any]:
    """The `data` of a webhook: content, hash, links to the PDF and each attachment."""
    links = runtime.links
    with runtime.sessions() as db:
        version = db.get(DossierVersion, version_id)
        if version is None:
            raise NotFound("dossier_not_found")
        rows = {str(a.id): a for a in db.query(Attachment).filter(
            Attachment.dossier_id == version.dossier_id)}
        attachments = [
            {**item, "url": links.url(rows[item["id"]].storage_key, expires=LINK_TTL,
                                      filename=item["filename"],
                                      content_type=item["content_type"],
                                      ref=link_ref(rows[item["id"]]))}
            for item in version.attachments if item["id"] in rows]
        return {
            "dossier_id": str(version.dossier_id), "route_id": route_id,
            "version": version.number, "content_hash": version.content_hash,
            "submitted_at": version.created_at.isoformat(), "content": version.content,
            "pdf": {"sha256": pdf.sha256, "size": pdf.size, "url": links.url(
                pdf.storage_key, expires=LINK_TTL, content_type="application/pdf",
                filename=f"dossier-v{version.number}.pdf", ref=link_ref(pdf))},
            "attachments": attachments, "links_expire_in": int(LINK_TTL.total_seconds()),
        }


def delivery_config(runtime: Runtime, partner_code: str) -> dict[str, Any]:
    """The partner's delivery configuration from the catalogue."""
    with runtime.sessions() as db:
        partner = db.get(Partner, partner_code)
        return dict((partner.config.get("delivery") or {}) if partner else {})
