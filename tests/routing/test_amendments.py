"""Amendments: a PUT on a submitted dossier is a new version, sent to undecided partners."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from dossier.models import Delivery, DossierVersion, RoutingRequest
from tests.conftest import login
from tests.helpers import full_dossier, wait_until
from tests.routing.conftest import submit_delivered


def wait_delivered_versions(client, headers, route_of: dict[str, str], expected: dict[str, int],
                            timeout: float = 60.0) -> dict[str, dict]:
    """Poll each route until the partner has the expected version; routes by partner."""
    return wait_until(
        lambda: {code: client.get(f"/api/v1/routes/{rid}", headers=headers).json()
                 for code, rid in route_of.items()},
        lambda routes: {c: r["delivered_version"] for c, r in routes.items()} == expected,
        what=f"the partners to have versions {expected}", timeout=timeout, every=0.2)


def count(sessions, model, *where) -> int:
    """Rows of a table matching the conditions."""
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where))


def test_amendment_is_delivered_as_an_update_to_undecided_partners(client, founder, sessions):
    body = full_dossier(ask_cic=True)
    body["company"]["headcount"] = 8
    dossier_id, route_of = submit_delivered(client, founder, body)
    reviewers = {code: login(client, f"{code}@demo.example")
                 for code in ("cepac", "ampa", "bpmed", "bdf")}

    def event(code, payload):
        r = client.post(f"/api/v1/routes/{route_of[code]}/events", headers=reviewers[code],
                        json=payload)
        assert r.status_code == 201, r.text

    event("cepac", {"type": "approved", "instrument": "bank_loan", "amount_eur": "200000"})
    event("ampa", {"type": "info_requested", "request_kind": "outdated",
                   "message": "Merci de mettre à jour l'effectif."})
    seen = client.get(f"/api/v1/routes/{route_of['bpmed']}", headers=reviewers["bpmed"])
    assert seen.json()["version"] == 1 and seen.json()["changes"] is None

    body["company"]["headcount"] = 12
    body["funding"]["sources"][0]["amount_eur"] = "80000.00"
    body["funding"]["sources"][9]["amount_eur"] = "89243.00"
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert count(sessions, DossierVersion, DossierVersion.dossier_id == uuid.UUID(dossier_id)) == 2
    # Answering by amendment puts the open information request back in review at once.
    assert {x["partner"]: x["state"] for x in r.json()["routes"]}["ampa"] == "in_review"

    by_partner = wait_delivered_versions(client, founder, route_of, {
        code: 1 if code == "cepac" else 2 for code in route_of})
    assert by_partner["cepac"]["delivered_version"] == 1
    assert by_partner["cepac"]["state"] == "approved"
    assert by_partner["ampa"]["state"] == "in_review"
    assert by_partner["bpmed"]["state"] == "opened"  # its reviewer read it through the API

    for code, route_id in route_of.items():
        events = client.get(f"/api/v1/routes/{route_id}/events", headers=founder).json()
        updates = [e for e in events if e["type"] == "updated"]
        if code == "cepac":
            assert updates == []
        else:
            assert [(u["payload"]["version"], u["payload"]["previous"]) for u in updates] == [
                (2, 1)], code
    with sessions() as db:
        updates = db.scalars(select(Delivery.partner_code).where(
            Delivery.event_type == "dossier.updated")).all()
    assert sorted(updates) == sorted(set(route_of) - {"cepac"})

    inbox = client.get("/api/v1/inbox", headers=reviewers["bpmed"]).json()["items"]
    assert [(i["delivered_version"], i["unread"]) for i in inbox] == [(2, True)]

    expected = [
        {"path": "company.headcount", "change": "changed", "before": 8, "after": 12},
        {"path": "funding.sources[0].amount_eur", "change": "changed",
         "before": "70000.00", "after": "80000.00"},
        {"path": "funding.sources[9].amount_eur", "change": "changed",
         "before": "99243.00", "after": "89243.00"},
    ]
    for code in ("bpmed", "ampa", "bdf"):
        detail = client.get(f"/api/v1/routes/{route_of[code]}", headers=reviewers[code]).json()
        assert detail["version"] == 2 and detail["content"]["company"]["headcount"] == 12
        assert detail["changes"] == {"from_version": 1, "to_version": 2, "fields": expected}, code
    again = client.get(f"/api/v1/routes/{route_of['bpmed']}", headers=reviewers["bpmed"]).json()
    assert again["changes"]["fields"] == expected

    decided = client.get(f"/api/v1/routes/{route_of['cepac']}", headers=reviewers["cepac"]).json()
    assert decided["version"] == 1 and decided["content"]["company"]["headcount"] == 8
    assert decided["changes"] is None


def test_unchanged_or_incomplete_put_changes_nothing(client, founder, sessions):
    body = full_dossier(ask_cic=True)
    dossier_id, route_of = submit_delivered(client, founder, body)
    before = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()

    same = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=body)
    assert same.status_code == 200, same.text
    assert same.json()["version"] == 1

    incomplete = full_dossier(ask_cic=True)
    incomplete["company"]["headcount"] = 30
    del incomplete["project"]["summary"]
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=incomplete)
    assert r.status_code == 422, r.text
    assert "project.summary" in {e["loc"] for e in r.json()["errors"]}

    after = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert after["version"] == 1 and after["content"] == before["content"]
    assert after["routes"] == before["routes"]
    assert count(sessions, DossierVersion, DossierVersion.dossier_id == uuid.UUID(dossier_id)) == 1
    assert count(sessions, RoutingRequest) == 1
    assert count(sessions, Delivery, Delivery.event_type == "dossier.updated") == 0
    for route_id in route_of.values():
        events = client.get(f"/api/v1/routes/{route_id}/events", headers=founder).json()
        assert "updated" not in {e["type"] for e in events}
