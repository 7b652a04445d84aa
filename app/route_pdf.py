"""The PDF a partner gets for a route, by page or API alike: the delivered version's (rendered
once per version), or for a mediation referral the referral pre-filled from the dossier and
the refusal, followed by the dossier."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from fastapi import Response
from fastapi.responses import StreamingResponse

from dossier.errors import NotFound
from dossier.models import Route, User
from dossier.services import inbox, referrals
from dossier.services.access import AccessKind, record_access
from forms.mediation import render_referral_pdf
from storage.headers import content_disposition
from workflows.documents import ensure_version_pdf


def slug(name: str | None) -> str:
    """A file-name-safe form of a company name."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "dossier"


def route_pdf(*, db: Any, state: Any, route: Route, user: User, via: str) -> Response:
    """The route's PDF as a response, its reading logged for the founder."""
    version = inbox.delivered_version(db=db, route=route)
    if version is None:
        raise NotFound("route_not_found")
    company = slug(route.dossier.company_name)
    if route.kind == "mediation":
        facts = referrals.referral_facts(db=db, route=route)
        filename = f"saisine-mediation-{company}.pdf"
        body = render_referral_pdf(facts["content"], facts["refusal"], bank=facts["bank"],
                                   referred_at=facts["referred_at"], partners=facts["partners"],
                                   attachments=facts["attachments"], version=facts["version"])
        record_access(db=db, route=route, user=user, kind=AccessKind.pdf, via=via,
                      version=version.number, name=filename)
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": content_disposition(filename),
                                 "Cache-Control": "private, no-store"})
    pdf = ensure_version_pdf(state.runtime, version.id)
    filename = f"dossier-{company}-v{version.number}.pdf"
    # Logged after rendering: on SQLite this write holds the lock the render's own session needs.
    record_access(db=db, route=route, user=user, kind=AccessKind.pdf, via=via,
                  version=version.number, name=filename)
    return StreamingResponse(state.store.open(pdf.storage_key), media_type="application/pdf",
                             headers={"Content-Disposition": content_disposition(filename),
                                      "Cache-Control": "private, no-store"})
