"""The PDF of a dossier version: rendered once, kept in the object store."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.models import Dossier, DossierVersion, RenderedDocument
from dossier.services import objects
from dossier.services.partners import partner_names
from forms.pdf import render_dossier_pdf
from storage.base import StoredObject
from workflows.runtime import Runtime


def ensure_version_pdf(runtime: Runtime, version_id: uuid.UUID) -> RenderedDocument:
    """The stored PDF of a version, rendering it only if no one has yet.

    NotFound if the version is gone (its dossier erased or purged, even while rendering):
    then nothing is left in the store.
    """
    with runtime.sessions() as db:
        existing = db.get(RenderedDocument, version_id)
        if existing is not None:
            return existing
        version = db.get(DossierVersion, version_id)
        if version is None:
            raise NotFound("dossier_not_found")
        content = version.content
        options = {"attachments": version.attachments, "partners": partner_names(db=db),
                   "version": version.number, "content_hash": version.content_hash,
                   "generated_at": version.created_at}
    # Rendering takes CPU seconds: no pooled connection is held meanwhile.
    pdf = render_dossier_pdf(content, **options)

    def record(db: Session, stored: StoredObject) -> RenderedDocument:
        # The dossier's row first, as a purge does: an erasure either waits for this row
        # (and deletes it with the dossier) or has already taken the version away.
        alive = db.execute(select(Dossier.id).join(DossierVersion)
                           .where(DossierVersion.id == version_id)
                           .with_for_update(key_share=True, read=True, of=Dossier)).first()
        if alive is None:
            raise NotFound("dossier_not_found")
        row = RenderedDocument(version_id=version_id, storage_key=stored.key,
                               sha256=stored.sha256, size=stored.size)
        db.add(row)
        db.flush()
        return row

    try:
        # If the row cannot be saved, `attach` removes the bytes it wrote (personal data).
        return objects.attach(sessions=runtime.sessions, store=runtime.store,
                              put=lambda: runtime.store.put_stream([pdf]), record=record)
    except IntegrityError as exc:  # rendered concurrently by another run: keep theirs
        with runtime.sessions() as db:
            theirs = db.get(RenderedDocument, version_id)
        if theirs is None:  # the version went while this one was saved
            raise NotFound("dossier_not_found") from exc
        return theirs
