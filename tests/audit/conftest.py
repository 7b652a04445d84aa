"""Audit fixtures: a dossier delivered to two partners by the delivery services (no Prefect)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dossier.db import transaction
from dossier.services import delivery
from tests.helpers import full_dossier, submit


@dataclass
class Delivered:
    """A submitted dossier that CEPAC and BPMed have received."""

    dossier_id: str
    routes: dict[str, str]
    attachments: list[dict]


def deliver_all(sessions) -> None:
    """Settle every due delivery as the routing flow would."""
    with transaction(sessions) as db:
        for delivery_id in delivery.due(db=db):
            assert delivery.claim(db=db, delivery_id=delivery_id)
            delivery.settle_delivered(db=db, delivery_id=delivery_id, detail="test")


@pytest.fixture
def delivered(client, founder, sessions) -> Delivered:
    """A dossier asking CEPAC and BPMed, submitted and delivered to both."""
    dossier_id = submit(client, founder, full_dossier(partners=["cepac", "bpmed"]))["dossier_id"]
    deliver_all(sessions)
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert {x["state"] for x in view["routes"]} == {"delivered"}
    return Delivered(dossier_id, {x["partner"]: x["id"] for x in view["routes"]},
                     view["attachments"])
