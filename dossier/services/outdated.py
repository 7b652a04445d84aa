"""An information request naming one document of the version the partner received (an
outdated Kbis, last year's accounts): which document, and why it no longer counts, in words
the founder's page, the reviewer's page, the thread and the notice share."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.catalogue import N_, gettext
from dossier.db import utcnow
from dossier.errors import FieldError, Invalid
from dossier.formatting import format_date, paris
from dossier.i18n import register
from dossier.labels import label
from dossier.models import DossierVersion, Partner, Route
from dossier.validity import Document, expires_on, partner_months

register({"attachment_not_in_version": N_(
    "This document is not one of the dossier's documents you received.")})


def named_document(*, db: Session, route: Route, attachment_id: str) -> dict[str, Any]:
    """What the request records of the document it names (kind, file name, date, the day it
    stops counting for this partner); Invalid naming `attachment_id` if the partner did not
    receive it with the dossier."""
    try:
        wanted = str(uuid.UUID(str(attachment_id)))
    except ValueError:
        raise Invalid(errors=[FieldError("attachment_id", "attachment_not_in_version")]) from None
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == route.dossier_id,
        DossierVersion.number == route.delivered_version)) if route.delivered_version else None
    item = next((a for a in (version.attachments if version else [])
                 if str(a.get("id")) == wanted), None)
    if item is None:
        raise Invalid(errors=[FieldError("attachment_id", "attachment_not_in_version")])
    issued = date.fromisoformat(item["issued_on"]) if item.get("issued_on") else None
    partner = db.get(Partner, route.partner_code)
    ends = expires_on(Document(str(item.get("kind")), issued),
                      partner_months(partner.config if partner else None))
    return {"id": wanted, "kind": item.get("kind"), "filename": item.get("filename"),
            "issued_on": issued.isoformat() if issued else None,
            "expires_on": ends.isoformat() if ends else None}


def describe(document: Any, partner: str, lang: str = "fr",
             today: date | None = None) -> str:
    """"Document to replace: Extrait Kbis “kbis.pdf”, dated 3 January 2026, no longer accepted
    by CEPAC since 3 April 2026." ("" for a request naming no document)."""
    if not isinstance(document, dict) or not document.get("filename"):
        return ""
    kind = label("attachment_kind", str(document.get("kind") or "other"), lang, "founder")
    text = gettext("Document to replace: {kind} “{filename}”", lang).format(
        kind=kind, filename=document["filename"])
    if document.get("issued_on"):
        text += gettext(", dated {date}", lang).format(
            date=format_date(document["issued_on"], lang))
    if document.get("expires_on"):
        ends = date.fromisoformat(document["expires_on"])
        if ends <= (today or paris(utcnow()).date()):
            text += gettext(", no longer accepted by {partner} since {date}", lang).format(
                partner=partner, date=format_date(ends, lang))
        else:
            text += gettext(", accepted by {partner} until {date} only", lang).format(
                partner=partner, date=format_date(ends - timedelta(days=1), lang))
    return text + "."
