"""Renders a dossier's PDF from its stored content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dossier.models import Dossier
from dossier.services.dossiers import attachment_view
from dossier.services.partners import partner_names
from forms.pdf import render_dossier_pdf


def dossier_pdf(*, db: Session, dossier: Dossier, lang: str = "fr") -> tuple[bytes, str]:
    """The PDF bytes of the dossier's current content and a download file name."""
    latest = dossier.versions[-1] if dossier.versions else None
    data = render_dossier_pdf(
        dossier.content,
        attachments=[attachment_view(a) for a in dossier.attachments],
        partners=partner_names(db=db),
        version=dossier.current_version,
        content_hash=latest.content_hash if latest else None,
        lang=lang,
    )
    version = f"v{dossier.current_version}" if dossier.current_version else "brouillon"
    return data, f"dossier-{str(dossier.id)[:8]}-{version}.pdf"
