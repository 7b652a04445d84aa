"""Routing fixtures: a Prefect harness, a webhook partner, an app that routes in background."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from banks.channels.signing import generate_secret
from dossier.db import transaction
from dossier.models import Partner
from tests.helpers import full_dossier, submit, wait_until
from tests.webhook_receiver import WebhookReceiver


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


def submit_delivered(client, headers, body: dict | None = None) -> tuple[str, dict[str, str]]:
    """Submit a ready dossier and wait until every partner has it; its id, route ids by partner."""
    dossier_id = submit(client, headers, body or full_dossier(ask_cic=True))["dossier_id"]
    routes = wait_routes(client, headers, dossier_id,
                         lambda rs: all(x["state"] == "delivered" for x in rs))
    return dossier_id, {x["partner"]: x["id"] for x in routes}


def wait_routes(client, headers, dossier_id: str, predicate, timeout: float = 90.0) -> list:
    """Poll the dossier until its routes satisfy the predicate."""
    return wait_until(
        lambda: client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json()["routes"],
        lambda routes: routes and predicate(routes), what="the routes to reach the expected states",
        timeout=timeout, every=0.2)
