"""The PDF of a dossier version: rendered once, kept in the object store."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

from dossier.models import DossierVersion, RenderedDocument
from dossier.services.partners import partner_names
from forms.pdf import render_dossier_pdf
from workflows.runtime import Runtime


def ensure_version_pdf(runtime: Runtime, version_id: uuid.UUID) -> RenderedDocument:
    """The stored PDF of a version, rendering it only if no one has yet."""
    with runtime.sessions() as db:
        existing = db.get(RenderedDocument, version_id)
        if existing is not None:
            return existing
        version = db.get(DossierVersion, version_id)
        content = version.content
        options = {"attachments": version.attachments, "partners": partner_names(db=db),
                   "version": version.number, "content_hash": version.content_hash,
                   "generated_at": version.created_at}
    # Rendering takes CPU seconds: no pooled connection is held meanwhile.
    pdf = render_dossier_pdf(content, **options)
    stored = runtime.store.put_stream([pdf])
    row = RenderedDocument(version_id=version_id, storage_key=stored.key, sha256=stored.sha256,
                           size=stored.size)
    try:
        with runtime.sessions() as db, db.begin():
            db.add(row)
    except IntegrityError:  # rendered concurrently by another run: keep theirs
        with runtime.sessions() as db:
            return db.get(RenderedDocument, version_id)
    return row
