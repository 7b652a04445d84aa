"""The founder sees who at which partner read the dossier, what and when; no one else does."""

from __future__ import annotations

from markupsafe import escape

from dossier.db import transaction
from dossier.services import users
from tests.conftest import login
from tests.helpers import browser


def access_log(client, headers, dossier_id: str) -> dict:
    r = client.get(f"/api/v1/dossiers/{dossier_id}/access-log", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def read_everything(client, delivered) -> dict:
    """CEPAC reads through the API, BPMed on its pages; what each read."""
    kbis = next(a for a in delivered.attachments if a["kind"] == "kbis")
    cepac, rid = login(client, "cepac@demo.example"), delivered.routes["cepac"]
    for path in ("", "/pdf", f"/attachments/{kbis['id']}/content"):
        r = client.get(f"/api/v1/routes/{rid}{path}", headers=cepac)
        assert r.status_code == 200, (path, r.text)
    bpmed, brid = browser(client, "bpmed@demo.example"), delivered.routes["bpmed"]
    for path in ("", "/pdf", f"/attachments/{kbis['id']}", "/attachments.zip"):
        r = bpmed.get(f"/reviewer/routes/{brid}{path}")
        assert r.status_code == 200, (path, r.text[:300])
    return kbis


def test_each_reading_is_logged_with_who_what_and_version(client, founder, delivered):
    assert access_log(client, founder, delivered.dossier_id) == {"total": 0, "items": []}
    kbis = read_everything(client, delivered)
    # The founder reading their own route is not a partner reading the dossier.
    assert client.get(f"/api/v1/routes/{delivered.routes['cepac']}",
                      headers=founder).status_code == 200

    log = access_log(client, founder, delivered.dossier_id)
    items = list(reversed(log["items"]))  # oldest first
    assert log["total"] == 7
    got = [(i["email"], i["partner"], i["kind"], i["via"], i["object_id"], i["version"])
           for i in items]
    assert got == [
        ("cepac@demo.example", "cepac", "dossier", "api", None, 1),
        ("cepac@demo.example", "cepac", "pdf", "api", None, 1),
        ("cepac@demo.example", "cepac", "attachment", "api", kbis["id"], 1),
        ("bpmed@demo.example", "bpmed", "dossier", "web", None, 1),
        ("bpmed@demo.example", "bpmed", "pdf", "web", None, 1),
        ("bpmed@demo.example", "bpmed", "attachment", "web", kbis["id"], 1),
        ("bpmed@demo.example", "bpmed", "attachments_zip", "web", None, 1),
    ]
    assert items[2]["object_name"] == items[5]["object_name"] == kbis["filename"]
    assert items[6]["object_name"].startswith("pieces-")
    assert items[6]["object_name"].endswith("-v1.zip")
    assert items[0]["route_id"] == delivered.routes["cepac"]
    assert all(i["role"] == "reviewer" and i["user_id"] for i in items)
    assert [i["at"] for i in items] == sorted(i["at"] for i in items)
    paged = client.get(f"/api/v1/dossiers/{delivered.dossier_id}/access-log",
                       headers=founder, params={"limit": 2, "offset": 1}).json()
    assert paged["total"] == 7 and paged["items"] == log["items"][1:3]


def test_status_page_lists_the_readings_in_french_and_english(client, founder, delivered):
    page = browser(client, "founder@demo.example")
    url = f"/founder/dossiers/{delivered.dossier_id}"
    html = page.get(url).text
    assert "Qui a consulté votre dossier" in html
    assert escape("Aucun partenaire n'a encore consulté votre dossier.") in html
    kbis = read_everything(client, delivered)
    names = {p["code"]: p["name"] for p in client.get("/api/v1/partners", headers=founder).json()}

    html = page.get(url).text
    section = html.split('id="access-log"')[1].split("</section>")[0]
    assert section.count("<tr>") == 1 + 7  # header and one line per reading
    for text in ("cepac@demo.example", "bpmed@demo.example", names["cepac"], names["bpmed"],
                 "Dossier ouvert", "PDF du dossier téléchargé",
                 f"Pièce consultée\u00a0: {kbis['filename']}",
                 "Toutes les pièces téléchargées (ZIP)", "par l'API", "sur le portail"):
        assert escape(text) in section, text

    page.cookies.set("lang", "en")
    section = page.get(url).text.split('id="access-log"')[1].split("</section>")[0]
    for text in ("Who read your dossier", "Dossier opened", "Dossier PDF downloaded",
                 f"Document read: {kbis['filename']}", "All documents downloaded (ZIP)",
                 "through the API", "on the portal"):
        assert escape(text) in section, text


def test_only_the_owner_and_staff_read_the_log(client, founder, staff, sessions, delivered):
    read_everything(client, delivered)
    with transaction(sessions) as db:
        users.create_user(db=db, email="autre@startup.example", password="un-autre-secret",
                          role="founder")
    other = login(client, "autre@startup.example", "un-autre-secret")
    url = f"/api/v1/dossiers/{delivered.dossier_id}/access-log"
    assert client.get(url, headers=other).status_code == 404
    assert client.get(url, headers=login(client, "cepac@demo.example")).status_code == 404
    assert client.get("/api/v1/dossiers/not-an-id/access-log", headers=founder).status_code == 404
    assert client.get(url, headers=staff).json()["total"] == 7
    other_page = browser(client, "autre@startup.example", "un-autre-secret")
    assert other_page.get(f"/founder/dossiers/{delivered.dossier_id}").status_code == 404
    assert "/access-log" in str(client.get("/openapi.json").json()["paths"])


def test_staff_reads_are_logged_and_shown_to_the_founder(client, founder, staff, delivered):
    kbis = next(a for a in delivered.attachments if a["kind"] == "kbis")
    base = f"/api/v1/dossiers/{delivered.dossier_id}"
    for path in ("", "/pdf", f"/attachments/{kbis['id']}/content",
                 f"/attachments/{kbis['id']}/link"):
        r = client.get(base + path, headers=staff)
        assert r.status_code == 200, (path, r.text[:300])
    # The founder reading their own dossier is not logged.
    assert client.get(base, headers=founder).status_code == 200

    items = list(reversed(access_log(client, founder, delivered.dossier_id)["items"]))
    got = [(i["email"], i["role"], i["partner"], i["kind"], i["via"], i["object_id"],
            i["route_id"], i["version"]) for i in items]
    staff_read = ("staff@demo.example", "staff", None)
    assert got == [
        (*staff_read, "dossier", "api", None, None, 1),
        (*staff_read, "pdf", "api", None, None, 1),
        (*staff_read, "attachment", "api", kbis["id"], None, 1),
        (*staff_read, "attachment", "api", kbis["id"], None, 1),
    ]
    assert items[1]["object_name"].endswith(".pdf")

    section = browser(client, "founder@demo.example").get(
        f"/founder/dossiers/{delivered.dossier_id}").text.split('id="access-log"')[1]
    section = section.split("</section>")[0]
    # one line per person, thing and day: the document read twice is one line, with a count
    assert section.count("<tr>") == 1 + 3
    assert "(2 fois)" in section
    for text in ("staff@demo.example", "Équipe Dossier unique", "Dossier ouvert",
                 f"Pièce consultée\u00a0: {kbis['filename']}"):
        assert escape(text) in section, text
