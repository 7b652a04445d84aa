"""Committees in tests: a partner that decides in committee, a dossier delivered to partners."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dossier.db import transaction
from dossier.models import Partner
from tests.helpers.dossiers import full_dossier, settle_deliveries, submit


def set_committee(sessions, rules: dict[str, dict | None]) -> dict[str, dict]:
    """Give partners a committee rule (None: none); their configs as they were."""
    saved = {}
    with transaction(sessions) as db:
        for code, rule in rules.items():
            partner = db.get(Partner, code)
            saved[code] = dict(partner.config)
            partner.config = {**partner.config, "committee": rule}
    return saved


@pytest.fixture
def committee(sessions) -> Iterator[None]:
    """CEPAC and Marseille Innovation decide every request in committee (above 0 €)."""
    rule = {"required": True, "above_eur": "0.00"}
    saved = set_committee(sessions, {"cepac": rule, "mi-honor-loan": rule})
    yield
    with transaction(sessions) as db:
        for code, config in saved.items():
            db.get(Partner, code).config = config


def delivered(client, founder, sessions, name: str, partners: tuple[str, ...]) -> dict:
    """A dossier of `name` delivered to `partners`: its id and route ids by partner."""
    dossier_id = submit(client, founder, full_dossier(name=name, partners=partners),
                        tag=name)["dossier_id"]
    settle_deliveries(sessions)
    listed = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {r["state"] for r in listed} == {"delivered"}, listed
    return {"id": dossier_id, **{r["partner"]: r["id"] for r in listed}}


