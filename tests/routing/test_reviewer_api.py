"""Reviewers: their partner's inbox, route detail, files, messages; founders' withdrawal."""

from __future__ import annotations

import uuid
from datetime import timedelta

from dossier.db import utcnow
from dossier.models import Route
from tests.conftest import login
from tests.helpers import ALL_KINDS, full_dossier, minimal_pdf, ready_dossier, submit
from tests.routing.conftest import wait_routes


def dossier_body(name: str, sector: str, *partners: str) -> dict:
    """The full dossier under another name and sector, asking only the given partners."""
    body = full_dossier(name=name, partners=partners)
    body["company"]["sector"] = sector
    return body


def delivered(client, founder, dossier_id: str) -> dict[str, str]:
    """Wait until every partner of the dossier has it; route ids by partner."""
    routes = wait_routes(client, founder, dossier_id,
                         lambda rs: all(x["state"] == "delivered" for x in rs))
    return {x["partner"]: x["id"] for x in routes}


def test_inbox_is_own_partner_filtered_sorted_and_paginated(client, founder, sessions):
    ids = {name: submit(client, founder, dossier_body(name, sector, *partners))["dossier_id"]
           for name, sector, partners in (("Lumiphase", "photonics", ("cepac", "bpmed")),
                                          ("Biotope Santé", "health", ("cepac",)),
                                          ("Numeria_Lab", "digital", ("cepac",)))}
    routes = {name: delivered(client, founder, dossier_id) for name, dossier_id in ids.items()}
    now = utcnow()
    waiting = {"Lumiphase": 10, "Biotope Santé": 3, "Numeria_Lab": 20}
    with sessions() as db, db.begin():
        for name, days in waiting.items():
            db.get(Route, uuid.UUID(routes[name]["cepac"])).delivered_at = now - timedelta(days)
    cepac = login(client, "cepac@demo.example")

    def inbox(**params):
        r = client.get("/api/v1/inbox", headers=cepac, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    page = inbox()
    assert [i["company"] for i in page["items"]] == ["Numeria_Lab", "Lumiphase", "Biotope Santé"]
    assert [round(i["waiting_days"]) for i in page["items"]] == [20, 10, 3]
    assert page["total"] == 3 and all(i["unread"] for i in page["items"])
    assert {i["id"] for i in page["items"]} == {r["cepac"] for r in routes.values()}

    first, second = inbox(page_size=2), inbox(page_size=2, page=2)
    assert (first["page"], first["page_size"], first["total"]) == (1, 2, 3)
    assert [i["company"] for i in first["items"]] == ["Numeria_Lab", "Lumiphase"]
    assert [i["company"] for i in second["items"]] == ["Biotope Santé"]
    assert second["total"] == 3 and inbox(page=3, page_size=2)["items"] == []

    assert [i["company"] for i in inbox(q="  LUMI ")["items"]] == ["Lumiphase"]
    assert [i["company"] for i in inbox(q="santé")["items"]] == ["Biotope Santé"]
    assert [i["company"] for i in inbox(q="_")["items"]] == ["Numeria_Lab"]
    assert inbox(q="%")["total"] == 0
    assert [i["sector"] for i in inbox(sector="health")["items"]] == ["health"]
    assert inbox(sector="energy_environment")["total"] == 0

    opened = routes["Biotope Santé"]["cepac"]
    assert client.post(f"/api/v1/routes/{opened}/events", headers=cepac,
                       json={"type": "opened"}).status_code == 201
    assert [i["id"] for i in inbox(state="opened")["items"]] == [opened]
    assert inbox(state="delivered")["total"] == 2
    assert inbox(state="queued")["total"] == 0
    assert inbox(min_days=5)["total"] == 2 and inbox(max_days=5)["total"] == 1
    assert [i["company"] for i in inbox(min_days=15)["items"]] == ["Numeria_Lab"]
    assert inbox(amount_min="200000.00")["total"] == 3  # CEPAC is asked 200 000 € each time
    assert inbox(amount_max="199999.99")["total"] == 0
    assert client.get("/api/v1/inbox", headers=cepac,
                      params={"amount_min": "-1"}).status_code == 422

    read = routes["Lumiphase"]["cepac"]
    assert client.get(f"/api/v1/routes/{read}", headers=cepac).status_code == 200
    unread = {i["id"]: i["unread"] for i in inbox()["items"]}
    assert unread == {read: False, opened: True, routes["Numeria_Lab"]["cepac"]: True}

    oldest = routes["Numeria_Lab"]["cepac"]  # decided: it leaves the top of the inbox
    for event in ({"type": "opened"}, {"type": "in_review"},
                  {"type": "declined", "reason": "out_of_scope"}):
        assert client.post(f"/api/v1/routes/{oldest}/events", headers=cepac,
                           json=event).status_code == 201, event
    assert [i["company"] for i in inbox()["items"]] == ["Lumiphase", "Biotope Santé",
                                                        "Numeria_Lab"]
    assert [i["company"] for i in inbox(page=2, page_size=2)["items"]] == ["Numeria_Lab"]
    assert inbox(page=2, page_size=2)["total"] == 3
    assert [i["id"] for i in inbox(state="declined")["items"]] == [oldest]

    bpmed, staff = login(client, "bpmed@demo.example"), login(client, "staff@demo.example")
    own = client.get("/api/v1/inbox", headers=bpmed).json()
    assert [i["id"] for i in own["items"]] == [routes["Lumiphase"]["bpmed"]]
    assert client.get(f"/api/v1/routes/{read}", headers=bpmed).status_code == 404
    for other in (founder, staff):
        assert client.get("/api/v1/inbox", headers=other).status_code == 403


def test_route_detail_files_messages_and_withdrawal(client, founder, sessions):
    dossier_id = submit(client, founder,
                        dossier_body("Lumiphase", "photonics", "cepac", "bpmed"))["dossier_id"]
    later = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                        files={"file": ("later.pdf", minimal_pdf("later"), "application/pdf")},
                        data={"kind": "other"})
    assert later.status_code == 201, later.text
    other_dossier = ready_dossier(client, founder, dossier_body("Autre", "digital", "cepac"))
    foreign = client.get(f"/api/v1/dossiers/{other_dossier}/attachments",
                         headers=founder).json()[0]["id"]
    route_of = delivered(client, founder, dossier_id)
    rid = route_of["cepac"]
    cepac, staff = login(client, "cepac@demo.example"), login(client, "staff@demo.example")
    bpmed = login(client, "bpmed@demo.example")

    detail = client.get(f"/api/v1/routes/{rid}", headers=cepac)
    assert detail.status_code == 200, detail.text
    view = detail.json()
    # Reading it is opening it, as on the reviewer's page.
    assert (view["partner"], view["state"], view["version"]) == ("cepac", "opened", 1)
    assert view["dossier_id"] == dossier_id
    assert view["content"]["company"]["legal_name"] == "Lumiphase"
    assert view["content"]["requests"][0]["partner"] == "cepac"
    assert sorted(a["kind"] for a in view["attachments"]) == sorted(ALL_KINDS)
    assert [e["type"] for e in view["events"]] == ["submitted", "delivered", "opened"]
    assert view["messages"] == [] and view["changes"] is None

    pdf = client.get(f"/api/v1/routes/{rid}/pdf", headers=cepac)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    kbis = next(a for a in view["attachments"] if a["kind"] == "kbis")
    content = client.get(f"/api/v1/routes/{rid}/attachments/{kbis['id']}/content", headers=cepac)
    assert content.status_code == 200 and content.content == minimal_pdf("kbis")
    assert content.headers["content-type"] == "application/pdf"
    for aid in (later.json()["id"], foreign, str(uuid.uuid4()), "not-a-uuid"):
        r = client.get(f"/api/v1/routes/{rid}/attachments/{aid}/content", headers=cepac)
        assert r.status_code == 404, aid

    # A reviewer cannot reach an unshared attachment by naming it in a message.
    sneaky = client.post(f"/api/v1/routes/{rid}/messages", headers=cepac,
                         json={"body": "Voir pièce.", "attachment_ids": [later.json()["id"]]})
    assert sneaky.status_code == 422, sneaky.text
    assert client.get(f"/api/v1/routes/{rid}/attachments/{later.json()['id']}/content",
                      headers=cepac).status_code == 404

    asked = client.post(f"/api/v1/routes/{rid}/messages", headers=cepac,
                        json={"body": "Pouvez-vous préciser le calendrier ?"})
    assert asked.status_code == 201, asked.text
    answered = client.post(f"/api/v1/routes/{rid}/messages", headers=founder,
                           json={"body": "Voici le calendrier.",
                                 "attachment_ids": [later.json()["id"].upper()]})
    assert answered.status_code == 201, answered.text
    assert answered.json()["attachment_ids"] == [later.json()["id"]]
    expected = [("reviewer", "Pouvez-vous préciser le calendrier ?"),
                ("founder", "Voici le calendrier.")]
    for headers in (cepac, founder, staff):
        r = client.get(f"/api/v1/routes/{rid}/messages", headers=headers)
        assert r.status_code == 200
        assert [(m["author_role"], m["body"]) for m in r.json()] == expected
    assert client.post(f"/api/v1/routes/{rid}/messages", headers=staff,
                       json={"body": "Bonjour"}).status_code == 403
    assert client.get(f"/api/v1/routes/{rid}/messages", headers=bpmed).status_code == 404
    # What the founder attached to the conversation is shared with this partner only.
    shared = f"/api/v1/routes/{rid}/attachments/{later.json()['id']}/content"
    assert client.get(shared, headers=cepac).content == minimal_pdf("later")
    assert client.get(f"/api/v1/routes/{route_of['bpmed']}/attachments/"
                      f"{later.json()['id']}/content", headers=bpmed).status_code == 404
    messages = client.get(f"/api/v1/routes/{rid}", headers=cepac).json()["messages"]
    assert [m["body"] for m in messages] == [body for _, body in expected]

    assert client.post(f"/api/v1/routes/{rid}/withdraw", headers=cepac).status_code in (403, 404)
    assert client.post(f"/api/v1/routes/{rid}/withdraw", headers=staff).status_code in (403, 404)
    withdrawn = client.post(f"/api/v1/routes/{rid}/withdraw", headers=founder)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn"
    for path in (f"/api/v1/routes/{rid}", f"/api/v1/routes/{rid}/pdf",
                 f"/api/v1/routes/{rid}/events", f"/api/v1/routes/{rid}/messages",
                 f"/api/v1/routes/{rid}/attachments/{kbis['id']}/content"):
        assert client.get(path, headers=cepac).status_code == 404, path
    assert client.post(f"/api/v1/routes/{rid}/events", headers=cepac,
                       json={"type": "in_review"}).status_code == 404
    assert client.get("/api/v1/inbox", headers=cepac).json()["total"] == 0
    again = client.post(f"/api/v1/routes/{rid}/withdraw", headers=founder)
    assert again.status_code == 409, again.text
    states = {x["partner"]: x["state"] for x in client.get(
        f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]}
    assert states == {"cepac": "withdrawn", "bpmed": "delivered"}
    assert client.get(f"/api/v1/routes/{route_of['bpmed']}", headers=bpmed).status_code == 200
    events = client.get(f"/api/v1/routes/{rid}/events", headers=founder).json()
    assert events[-1]["type"] == "withdrawn" and events[-1]["actor_role"] == "founder"
