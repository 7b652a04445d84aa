"""A client generated from the app's OpenAPI document alone runs the founder's submission and
the reviewer's journey (open, ask for a document, approve) on the app, on each database.
`tests/test_live_server.py` runs the same journey against a real `dossier serve`."""

from __future__ import annotations

from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dossier.db import transaction
from dossier.models import Delivery
from dossier.services import delivery
from tests.helpers.generated_client import generate, reviewer_journey


@pytest.fixture
def generated(client, tmp_path) -> ModuleType:
    """The client generated from the served /openapi.json."""
    return generate(client.get("/openapi.json").json(), tmp_path)


def test_a_generated_client_submits_and_decides(app, generated, sessions):
    def settled(dossier_id: str, route_id: str) -> None:
        with transaction(sessions) as db:  # the partners' systems took it (no routing flow here)
            for delivery_id in db.scalars(select(Delivery.id)).all():
                delivery.settle_delivered(db=db, delivery_id=delivery_id)

    reviewer_journey(generated, lambda headers: TestClient(app, headers=headers), settled)
