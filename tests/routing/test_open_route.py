"""Opening a route: the API's read and the reviewer's page do the same (one `open_route`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from dossier.models import Route
from dossier.services.inbox import unseen_activity
from tests.conftest import login
from tests.helpers import browser, full_dossier
from tests.routing.conftest import submit_delivered


def test_the_api_read_opens_the_route_as_the_page_does(client, founder, staff):
    body = full_dossier()
    body["requests"] = [r for r in body["requests"] if r["partner"] in ("cepac", "bpmed")]
    dossier_id, route_of = submit_delivered(client, founder, body)
    by_api, by_page = route_of["cepac"], route_of["bpmed"]
    cepac, bpmed = login(client, "cepac@demo.example"), login(client, "bpmed@demo.example")

    def events(rid: str, headers) -> list[str]:
        r = client.get(f"/api/v1/routes/{rid}/events", headers=headers)
        assert r.status_code == 200, r.text
        return [e["type"] for e in r.json()]

    # The founder's and staff's readings open nothing.
    for headers in (founder, staff):
        assert client.get(f"/api/v1/routes/{by_api}", headers=headers).status_code == 200
    assert events(by_api, cepac) == ["submitted", "delivered"]

    read = client.get(f"/api/v1/routes/{by_api}", headers=cepac)
    assert read.status_code == 200, read.text
    assert read.json()["state"] == "opened"
    assert browser(client, "bpmed@demo.example").get(
        f"/reviewer/routes/{by_page}").status_code == 200
    for rid, headers in ((by_api, cepac), (by_page, bpmed)):
        assert events(rid, headers) == ["submitted", "delivered", "opened"]
    # Reading again opens nothing more, nor does the spec's explicit `opened` (it answers the
    # opening the read made); both are read in the inbox.
    assert client.get(f"/api/v1/routes/{by_api}", headers=cepac).status_code == 200
    opened = [e for e in client.get(f"/api/v1/routes/{by_api}/events", headers=cepac).json()
              if e["type"] == "opened"]
    again = client.post(f"/api/v1/routes/{by_api}/events", headers=cepac, json={"type": "opened"})
    assert again.status_code == 201, again.text
    assert again.json() == opened[0]
    assert events(by_api, cepac) == ["submitted", "delivered", "opened"]
    for headers in (cepac, bpmed):
        items = client.get("/api/v1/inbox", headers=headers).json()["items"]
        assert [(i["state"], i["unread"]) for i in items] == [("opened", False)]
    # Each reading is in the founder's access log, the version read with it.
    log = client.get(f"/api/v1/dossiers/{dossier_id}/access-log", headers=founder).json()
    kinds = {(i["partner"], i["via"], i["version"]) for i in log["items"]
             if i["kind"] == "dossier" and i["role"] == "reviewer"}
    assert kinds == {("cepac", "api", 1), ("bpmed", "web", 1)}


def test_opening_again_with_nothing_new_writes_no_read_mark(client, founder, sessions):
    """Readers of one route must not queue on its row: a reading changes the route only when
    something is new to it (a version or an event since the last reading)."""
    body = full_dossier()
    body["requests"] = [r for r in body["requests"] if r["partner"] == "bpmed"]
    dossier_id, route_of = submit_delivered(client, founder, body)
    rid = route_of["bpmed"]
    page = browser(client, "bpmed@demo.example")

    def read_mark() -> tuple[datetime | None, int | None]:
        with sessions() as db:
            route = db.get(Route, uuid.UUID(rid))
            return route.last_read_at, route.seen_version

    def unseen() -> set[str]:
        with sessions() as db:
            return unseen_activity(db=db, route_ids=[rid]).get(rid, set())

    assert page.get(f"/reviewer/routes/{rid}").status_code == 200
    first = read_mark()
    assert first[0] is not None and first[1] == 1
    assert page.get(f"/reviewer/routes/{rid}").status_code == 200
    assert read_mark() == first  # nothing new: no write to the route
    log = client.get(f"/api/v1/dossiers/{dossier_id}/access-log", headers=founder).json()
    assert [i["via"] for i in log["items"] if i["kind"] == "dossier"] == ["web", "web"]

    r = client.post(f"/api/v1/routes/{rid}/messages", headers=founder,
                    json={"body": "Nos comptes 2025 sont joints au dossier."})
    assert r.status_code == 201, r.text
    assert unseen() == {"message"}
    assert page.get(f"/reviewer/routes/{rid}").status_code == 200
    assert read_mark()[0] > first[0]  # the message is read with this reading
    assert unseen() == set()
