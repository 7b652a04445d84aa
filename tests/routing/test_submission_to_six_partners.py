"""A founder submits once; six partners receive it, three decide, the plan tracker follows."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from dossier.models import Delivery, RenderedDocument
from tests.conftest import login
from tests.helpers import full_dossier, submit
from tests.routing.conftest import wait_routes
from workflows import documents

PARTNERS = {"cepac", "bpmed", "ampa", "mi-honor-loan", "bdf", "cic"}


def test_six_partners_receive_decide_and_the_plan_is_tracked(client, founder, webhook, sessions,
                                                             monkeypatch):
    renders = []
    real_render = documents.render_dossier_pdf
    monkeypatch.setattr(documents, "render_dossier_pdf",
                        lambda *a, **k: renders.append(1) or real_render(*a, **k))
    answer = submit(client, founder, full_dossier(ask_cic=True))
    dossier_id = answer["dossier_id"]
    assert answer["status"] == "submitted" and answer["version"] == 1

    routes = wait_routes(client, founder, dossier_id,
                         lambda rs: all(x["state"] == "delivered" for x in rs))
    assert {x["partner"] for x in routes} == PARTNERS
    assert len(renders) == 1
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(RenderedDocument)) == 1
        assert db.scalar(select(func.count()).select_from(Delivery)
                         .where(Delivery.status == "delivered")) == 6

    [hook] = webhook.received
    assert hook.signature_ok
    assert hook.json()["type"] == "dossier.submitted"
    data = hook.json()["data"]
    assert data["content"]["company"]["siren"] and data["pdf"]["url"].startswith("http")

    by_partner = {x["partner"]: x["id"] for x in routes}
    reviewers = {code: login(client, f"{code}@demo.example") for code in PARTNERS}
    for code, headers in reviewers.items():
        inbox = client.get("/api/v1/inbox", headers=headers).json()
        assert [item["id"] for item in inbox["items"]] == [by_partner[code]], code

    def event(code, body):
        return client.post(f"/api/v1/routes/{by_partner[code]}/events",
                           headers=reviewers[code], json=body)

    assert event("cepac", {"type": "opened"}).status_code == 201
    assert event("cepac", {"type": "approved", "instrument": "bank_loan",
                           "amount_eur": "200000.00", "rate_pct": "3.20",
                           "duration_months": 84, "conditions": "Caution BPI 50 %"}
                 ).status_code == 201
    assert event("bpmed", {"type": "declined", "reason": "too_early",
                           "comment": "Revenez après la première levée."}).status_code == 201
    asked = event("ampa", {"type": "info_requested", "request_kind": "missing_document",
                           "message": "Merci de joindre la table de capitalisation à jour."})
    assert asked.status_code == 201

    answer = client.post(f"/api/v1/routes/{by_partner['ampa']}/messages", headers=founder,
                         json={"body": "Voici la table à jour."})
    assert answer.status_code == 201
    states = {x["partner"]: x["state"] for x in client.get(
        f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]}
    assert states["cepac"] == "approved" and states["bpmed"] == "declined"
    assert states["ampa"] == "in_review"

    plan = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["funding_plan"]
    assert Decimal(plan["covered_by_decisions_eur"]) == Decimal("200000.00")
    cepac_source = next(s for s in plan["sources"] if s["partner"] == "cepac")
    assert Decimal(cepac_source["approved_eur"]) == Decimal("200000.00")
    assert plan["closed"] is False


def test_illegal_transitions_are_refused(client, founder, webhook):
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]
    routes = wait_routes(client, founder, dossier_id,
                         lambda rs: all(x["state"] == "delivered" for x in rs))
    cepac_route = next(x["id"] for x in routes if x["partner"] == "cepac")
    cepac = login(client, "cepac@demo.example")
    approve = {"type": "approved", "instrument": "bank_loan", "amount_eur": "150000"}
    assert client.post(f"/api/v1/routes/{cepac_route}/events", headers=cepac,
                       json=approve).status_code == 201
    twice = client.post(f"/api/v1/routes/{cepac_route}/events", headers=cepac,
                        json={"type": "declined", "reason": "other"})
    assert twice.status_code == 409 and twice.json()["code"] == "event_not_from_state"
    other = login(client, "bpmed@demo.example")
    assert client.post(f"/api/v1/routes/{cepac_route}/events", headers=other,
                       json=approve).status_code == 404
    assert client.post(f"/api/v1/routes/{cepac_route}/events", headers=founder,
                       json=approve).status_code == 403
    bad = client.post(f"/api/v1/routes/{cepac_route}/events", headers=cepac,
                      json={"type": "teleported"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == "type"
