"""The PDF of a dossier version: rendered once, kept in the object store."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.services import objects
from dossier.services.documents import pdf_inputs, record_pdf, rendered_pdf
from forms.pdf import render_dossier_pdf
from storage.base import StoredObject
from workflows.runtime import Runtime


def ensure_version_pdf(runtime: Runtime, version_id: uuid.UUID) -> Any:
    """The stored PDF of a version (its row), rendering it only if no one has yet.

    NotFound if the version is gone (its dossier erased or purged, even while rendering):
    then nothing is left in the store.
    """
    with runtime.sessions() as db:
        existing = rendered_pdf(db=db, version_id=version_id)
        if existing is not None:
            return existing
        content, options = pdf_inputs(db=db, version_id=version_id)
    # Rendering takes CPU seconds: no pooled connection is held meanwhile.
    pdf = render_dossier_pdf(content, **options)

    def record(db: Session, stored: StoredObject) -> Any:
        return record_pdf(db=db, version_id=version_id, key=stored.key, sha256=stored.sha256,
                          size=stored.size)

    try:
        # If the row cannot be saved, `attach` removes the bytes it wrote (personal data).
        return objects.attach(sessions=runtime.sessions, store=runtime.store,
                              put=lambda: runtime.store.put_stream([pdf]), record=record)
    except IntegrityError as exc:  # rendered concurrently by another run: keep theirs
        with runtime.sessions() as db:
            theirs = rendered_pdf(db=db, version_id=version_id)
        if theirs is None:  # the version went while this one was saved
            raise NotFound("dossier_not_found") from exc
        return theirs
