"""A partner added after submission through the API: PUT the new request, then submit; the
partners still reviewing get the new version as an update, the new one gets the dossier."""

from __future__ import annotations

from tests.helpers import full_dossier, wait_until
from tests.helpers.dossiers import CIC_REQUEST
from tests.routing.conftest import submit_delivered, wait_routes


def test_a_partner_added_after_submission_is_routed_while_others_are_open(client, founder):
    body = full_dossier(partners=["cepac"])
    dossier_id, route_of = submit_delivered(client, founder, body)
    body["requests"].append(dict(CIC_REQUEST))
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 202, r.text
    routes = wait_routes(client, founder, dossier_id,
                         lambda rs: len(rs) == 2 and all(x["state"] == "delivered" for x in rs))
    seen = {x["partner"]: client.get(f"/api/v1/routes/{x['id']}", headers=founder).json()
            for x in routes}
    assert route_of["cepac"] == seen["cepac"]["id"]
    assert {code: r["consent_version"] for code, r in seen.items()} == {"cepac": 1, "cic": 2}
    wait_until(lambda: client.get(f"/api/v1/routes/{route_of['cepac']}", headers=founder).json(),
               lambda r: r["delivered_version"] == 2, what="CEPAC to get version 2")
