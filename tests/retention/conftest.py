"""Retention fixtures: founders of their own, dossiers in every stage, time moved by `now`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from dossier.db import transaction
from dossier.models import (
    AccessRecord,
    Attachment,
    Delivery,
    Dossier,
    DossierVersion,
    Message,
    Notification,
    RenderedDocument,
    Route,
    RouteEvent,
)
from dossier.services import users
from dossier.services.delivery import settle_delivered
from tests.conftest import login
from tests.helpers import full_dossier, submit
from workflows.documents import ensure_version_pdf

PASSWORD = "secret-founder-pw"


@dataclass
class Founder:
    """A founder account made for one test (the demo founder is shared by every test)."""

    id: uuid.UUID
    email: str
    headers: dict[str, str]


@pytest.fixture
def make_founder(client, sessions):
    """Create founders on demand, each with API headers."""

    def make() -> Founder:
        email = f"founder-{uuid.uuid4().hex[:8]}@startup.example"
        with transaction(sessions) as db:
            user = users.create_user(db=db, email=email, password=PASSWORD, role="founder")
        return Founder(user.id, email, login(client, email, PASSWORD))

    return make


def two_partner_body(name: str = "Lumiphase") -> dict:
    """The full dossier, asking CEPAC and Banque Populaire only."""
    return full_dossier(name=name, partners=["cepac", "bpmed"])


def backdate(sessions, dossier_id: str | uuid.UUID, at: datetime) -> None:
    """Pretend the dossier was created and last changed at `at`."""
    with transaction(sessions) as db:
        db.execute(update(Dossier).where(Dossier.id == uuid.UUID(str(dossier_id)))
                   .values(created_at=at, updated_at=at))


def deliver_all(sessions, dossier_id: str) -> dict[str, str]:
    """Settle the dossier's pending deliveries (what the portal channel does); routes by partner."""
    with transaction(sessions) as db:
        ids = list(db.scalars(select(Delivery.id).join(Route, Route.id == Delivery.route_id)
                              .where(Route.dossier_id == uuid.UUID(dossier_id))))
        for delivery_id in ids:
            settle_delivered(db=db, delivery_id=delivery_id, detail="portal")
        routes = db.scalars(select(Route).where(Route.dossier_id == uuid.UUID(dossier_id)))
        return {r.partner_code: str(r.id) for r in routes}


def decided_dossier(client, headers, sessions, runtime, name: str = "Lumiphase") -> dict:
    """Submitted to two partners, read, discussed and decided by both; its PDF rendered."""
    dossier_id = submit(client, headers, two_partner_body(name))["dossier_id"]
    routes = deliver_all(sessions, dossier_id)
    with sessions() as db:
        version_id = db.scalar(select(DossierVersion.id)
                               .where(DossierVersion.dossier_id == uuid.UUID(dossier_id)))
    ensure_version_pdf(runtime, version_id)
    cepac, bpmed = login(client, "cepac@demo.example"), login(client, "bpmed@demo.example")
    rid = routes["cepac"]
    assert client.get(f"/api/v1/routes/{rid}", headers=cepac).status_code == 200
    assert client.get(f"/api/v1/routes/{rid}/pdf", headers=cepac).status_code == 200
    for body in ({"type": "info_requested", "request_kind": "question",
                  "message": "Quel calendrier ?"},):
        assert client.post(f"/api/v1/routes/{rid}/events", headers=cepac,
                           json=body).status_code == 201
    reply = client.post(f"/api/v1/routes/{rid}/messages", headers=headers,
                        json={"body": "Lancement en mars."})
    assert reply.status_code == 201, reply.text
    for auth, route_id, body in (
            (cepac, rid, {"type": "approved", "instrument": "bank_loan",
                          "amount_eur": "200000"}),
            (bpmed, routes["bpmed"], {"type": "declined", "reason": "too_early",
                                      "comment": "Revenez dans un an."})):
        r = client.post(f"/api/v1/routes/{route_id}/events", headers=auth, json=body)
        assert r.status_code == 201, r.text
    return {"id": dossier_id, "routes": routes}


def rows_left(sessions, dossier_id: str | uuid.UUID) -> dict[str, int]:
    """How many rows of each kind still belong to the dossier."""
    did = uuid.UUID(str(dossier_id))
    routes = select(Route.id).where(Route.dossier_id == did)
    versions = select(DossierVersion.id).where(DossierVersion.dossier_id == did)
    queries = {
        "dossiers": select(func.count()).select_from(Dossier).where(Dossier.id == did),
        "versions": select(func.count()).select_from(DossierVersion)
        .where(DossierVersion.dossier_id == did),
        "attachments": select(func.count()).select_from(Attachment)
        .where(Attachment.dossier_id == did),
        "routes": select(func.count()).select_from(Route).where(Route.dossier_id == did),
        "events": select(func.count()).select_from(RouteEvent)
        .where(RouteEvent.route_id.in_(routes)),
        "messages": select(func.count()).select_from(Message).where(Message.route_id.in_(routes)),
        "deliveries": select(func.count()).select_from(Delivery)
        .where(Delivery.version_id.in_(versions)),
        "pdfs": select(func.count()).select_from(RenderedDocument)
        .where(RenderedDocument.version_id.in_(versions)),
        "reads": select(func.count()).select_from(AccessRecord)
        .where(AccessRecord.dossier_id == did),
        "notifications": select(func.count()).select_from(Notification)
        .where(Notification.route_id.in_(routes)),
    }
    with sessions() as db:
        return {name: db.scalar(query) for name, query in queries.items()}


def stored_keys_of(sessions, dossier_id: str | uuid.UUID) -> set[str]:
    """The object keys of the dossier's attachments and PDFs."""
    from dossier.services.retention import stored_keys

    with sessions() as db:
        return stored_keys(db=db, dossier_id=uuid.UUID(str(dossier_id)))
