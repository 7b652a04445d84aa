"""The rendered PDF of a dossier version: what it is made from, and its row once stored."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.models import Dossier, DossierVersion, RenderedDocument
from dossier.services.partners import partner_names
from dossier.services.registry import record_for


def rendered_pdf(*, db: Session, version_id: uuid.UUID) -> RenderedDocument | None:
    """The stored PDF of a version, if rendered."""
    return db.get(RenderedDocument, version_id)


def pdf_inputs(*, db: Session, version_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """The version's content and the rendering options (with what the company registry says
    of the company as the PDF is rendered, that is when it is sent); NotFound if the version
    is gone."""
    version = db.get(DossierVersion, version_id)
    if version is None:
        raise NotFound("dossier_not_found")
    company = (version.content or {}).get("company") or {}
    return version.content, {"attachments": version.attachments,
                             "partners": partner_names(db=db), "version": version.number,
                             "content_hash": version.content_hash,
                             "generated_at": version.created_at,
                             "registry": record_for(db, company)}


def record_pdf(*, db: Session, version_id: uuid.UUID, key: str, sha256: str,
               size: int) -> RenderedDocument:
    """The row of a stored PDF; NotFound if its dossier went meanwhile.

    The dossier's row is locked first, as a purge does: an erasure either waits for this
    row (and deletes it with the dossier) or has already taken the version away.
    """
    alive = db.execute(select(Dossier.id).join(DossierVersion)
                       .where(DossierVersion.id == version_id)
                       .with_for_update(key_share=True, read=True, of=Dossier)).first()
    if alive is None:
        raise NotFound("dossier_not_found")
    row = RenderedDocument(version_id=version_id, storage_key=key, sha256=sha256, size=size)
    db.add(row)
    db.flush()
    return row
