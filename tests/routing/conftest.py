"""Routing fixtures: a Prefect harness, a webhook partner, an app that routes in background."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from banks.channels.signing import generate_secret
from dossier.db import transaction
from dossier.models import Partner
from tests.helpers import full_dossier, minimal_pdf
from tests.webhook_receiver import WebhookReceiver

ALL_KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "financial_statements",
             "pitch_deck", "cap_table", "id_founder")


@pytest.fixture
def settings(settings, prefect_harness):
    """Route in the background, with quick retries."""
    return settings.model_copy(update={"routing_in_background": True,
                                       "delivery_retry_delay": 0.2,
                                       "reconcile_interval": 0.5})


@pytest.fixture
def webhook(sessions, monkeypatch) -> Iterator[WebhookReceiver]:
    """CIC receives dossiers on its own system through a signed webhook."""
    secret = generate_secret()
    monkeypatch.setenv("WEBHOOK_SECRET_CIC", secret)
    receiver = WebhookReceiver(secret).start()
    with transaction(sessions) as db:
        partner = db.get(Partner, "cic")
        saved = dict(partner.config)
        partner.config = {**saved, "delivery": {"channel": "webhook", "url": receiver.url,
                                                "secret_env": "WEBHOOK_SECRET_CIC"}}
    try:
        yield receiver
    finally:
        with transaction(sessions) as db:
            db.get(Partner, "cic").config = saved
        receiver.stop()


def six_partner_dossier() -> dict:
    """The full dossier, asking six partners."""
    body = full_dossier()
    body["requests"].append({"partner": "cic", "instrument": "bank_loan",
                             "amount_eur": "100000.00", "duration_months": 60})
    return body


def ready_dossier(client, headers, body: dict | None = None) -> str:
    """A complete dossier with every attachment any partner requires."""
    dossier_id = client.post("/api/v1/dossiers", headers=headers,
                             json=body or six_partner_dossier()).json()["id"]
    for kind in ALL_KINDS:
        r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                        files={"file": (f"{kind}.pdf", minimal_pdf(kind), "application/pdf")},
                        data={"kind": kind})
        assert r.status_code == 201, r.text
    return dossier_id


def submit_delivered(client, headers, body: dict | None = None) -> tuple[str, dict[str, str]]:
    """Submit a ready dossier and wait until every partner has it; its id, route ids by partner."""
    dossier_id = ready_dossier(client, headers, body)
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=headers,
                    json={"consent": True})
    assert r.status_code == 202, r.text
    routes = wait_routes(client, headers, dossier_id,
                         lambda rs: all(x["state"] == "delivered" for x in rs))
    return dossier_id, {x["partner"]: x["id"] for x in routes}


def wait_routes(client, headers, dossier_id: str, predicate, timeout: float = 90.0) -> list:
    """Poll the dossier until its routes satisfy the predicate."""
    deadline = time.monotonic() + timeout
    routes = []
    while time.monotonic() < deadline:
        routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json()["routes"]
        if routes and predicate(routes):
            return routes
        time.sleep(0.2)
    raise AssertionError(f"routes never reached the expected states: {routes}")
