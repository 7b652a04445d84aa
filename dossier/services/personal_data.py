"""A user's own data, gathered for export (GDPR right of access and portability)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.filenames import sanitize_filename
from dossier.models import AccessRecord, Dossier, DossierVersion, Role, Route, User
from dossier.services.access import access_view
from dossier.services.dossiers import attachment_view
from dossier.services.notifications import for_user
from dossier.services.notifications import view as notification_view
from dossier.services.routes import decision_view, event_view, events, message_view, messages

FORMAT = "dossier-unique-export/1"


@dataclass(frozen=True)
class ExportFile:
    """A stored object to put in the export under `name`."""

    name: str
    storage_key: str
    created_at: datetime


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _route(db: Session, route: Route) -> dict[str, Any]:
    amount = (f"{Decimal(route.amount_cents) / 100:.2f}"
              if route.amount_cents is not None else None)
    return {"id": str(route.id), "partner": route.partner_code, "state": route.state,
            "instrument": route.instrument, "amount_eur": amount,
            "delivered_version": route.delivered_version, "decision": decision_view(route),
            "created_at": _iso(route.created_at), "updated_at": _iso(route.updated_at),
            "delivered_at": _iso(route.delivered_at), "decided_at": _iso(route.decided_at),
            "consent": {"version": route.consent_version, "given_at": _iso(route.consent_at)},
            "events": [event_view(e, founder=True) for e in events(db=db, route=route)],
            "messages": [message_view(m) for m in messages(db=db, route=route)]}


def _dossier(db: Session, dossier: Dossier) -> tuple[dict[str, Any], list[ExportFile]]:
    files, items = [], []
    for n, item in enumerate(dossier.attachments, 1):
        name = f"attachments/{dossier.id}/{n:02d}-{sanitize_filename(item.filename)}"
        files.append(ExportFile(name, item.storage_key, item.created_at))
        items.append({**attachment_view(item), "file": name})
    versions = db.scalars(select(DossierVersion).where(DossierVersion.dossier_id == dossier.id)
                          .order_by(DossierVersion.number))
    routes = db.scalars(select(Route).where(Route.dossier_id == dossier.id)
                        .order_by(Route.partner_code))
    reads = db.scalars(select(AccessRecord).where(AccessRecord.dossier_id == dossier.id)
                       .order_by(AccessRecord.created_at))
    data = {
        "id": str(dossier.id), "status": dossier.status, "version": dossier.current_version,
        "created_at": _iso(dossier.created_at), "updated_at": _iso(dossier.updated_at),
        "content": dossier.content, "attachments": items,
        # what was typed and is not valid yet: the founder's data too (GDPR art. 15)
        "pending_input": dossier.pending_input or {},
        "versions": [{"number": v.number, "schema_version": v.schema_version,
                      "content_hash": v.content_hash, "created_at": _iso(v.created_at),
                      "content": v.content, "attachments": v.attachments} for v in versions],
        "routes": [_route(db, r) for r in routes],
        "access_log": [access_view(r) for r in reads],
    }
    return data, files


def export(*, db: Session, user: User) -> tuple[dict[str, Any], list[ExportFile]]:
    """Everything stored about the user (data.json) and the files that go with it."""
    dossiers, files = [], []
    if user.role == Role.founder:
        owned = db.scalars(select(Dossier).where(Dossier.owner_id == user.id)
                           .order_by(Dossier.created_at))
        for dossier in owned:
            data, dossier_files = _dossier(db, dossier)
            dossiers.append(data)
            files += dossier_files
    consents = [{"dossier_id": d["id"], "partner": r["partner"], **r["consent"]}
                for d in dossiers for r in d["routes"]]
    notes, _ = for_user(db=db, user=user, page_size=10_000)
    data = {
        "format": FORMAT, "generated_at": utcnow().isoformat(),
        "account": {"email": user.email, "full_name": user.full_name, "role": user.role,
                    "partner": user.partner_code, "created_at": _iso(user.created_at)},
        "dossiers": dossiers, "consents": consents,
        "notifications": [notification_view(n) for n in notes],
    }
    return data, files

