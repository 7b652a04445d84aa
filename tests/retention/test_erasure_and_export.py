"""A founder's data: exported as a ZIP, and erased on request from the database and the store
(filesystem and a real S3 server), sessions and tokens included; only stubs remain."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
from minio.error import S3Error
from sqlalchemy import func, select

from dossier.audit import verify
from dossier.db import transaction
from dossier.models import ApiToken, DeletedDossier, Dossier, User
from storage.errors import ObjectMissing
from storage.s3 import S3Store
from tests.helpers import (
    ALL_KINDS,
    filesystem_or_s3,
    minimal_pdf,
    page_post,
    ready_dossier,
    upload_pdf,
)
from tests.retention.conftest import (
    PASSWORD,
    decided_dossier,
    rows_left,
    stored_keys_of,
)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    """The app's object store: a folder, or a bucket of this test's own on the S3 server."""
    return filesystem_or_s3(request, tmp_path)


def assert_gone(store, key: str, request) -> None:
    """The object is missing for the store, and for the backend itself."""
    assert not store.exists(key)
    with pytest.raises(ObjectMissing):
        store.size(key)
    if isinstance(store, S3Store):
        client = request.getfixturevalue("s3_server").client()
        with pytest.raises(S3Error) as missing:
            client.stat_object(store.bucket, key)
        assert missing.value.code == "NoSuchKey"
    else:
        assert not (store.root / key).exists()


def web_session(client, email: str) -> str:
    """Log in through the login page; the session cookie's value."""
    r = page_post(client, "/login", {"email": email, "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies.get("du_session")


def csrf_of(client) -> str:
    """The CSRF token of the current page session."""
    page = client.get("/founder/data")
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def test_export_zip_holds_the_data_and_the_files(client, app, make_founder, sessions, store):
    founder = make_founder()
    dossier = decided_dossier(client, founder.headers, sessions, app.state.dossier.runtime)
    r = client.get("/api/v1/me/export", headers=founder.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == founder.email and data["account"]["role"] == "founder"
    (exported,) = data["dossiers"]
    assert exported["id"] == dossier["id"] and exported["status"] == "submitted"
    assert [v["number"] for v in exported["versions"]] == [1]
    assert exported["versions"][0]["content"]["company"]["legal_name"] == "Lumiphase"
    routes = {r["partner"]: r for r in exported["routes"]}
    assert {p: r["state"] for p, r in routes.items()} == {"cepac": "approved",
                                                          "bpmed": "declined"}
    assert routes["cepac"]["amount_eur"] == "200000.00"
    assert [e["type"] for e in routes["cepac"]["events"]] == [
        "submitted", "delivered", "opened", "info_requested", "info_answered", "approved"]
    assert [m["body"] for m in routes["cepac"]["messages"]] == ["Lancement en mars."]
    assert {(c["partner"], c["version"]) for c in data["consents"]} == {("cepac", 1),
                                                                         ("bpmed", 1)}
    assert {a["partner"] for a in exported["access_log"]} == {"cepac"}
    files = {a["kind"]: a["file"] for a in exported["attachments"]}
    assert sorted(files) == sorted(ALL_KINDS)
    for kind, name in files.items():
        assert archive.read(name) == minimal_pdf(kind)
    assert set(archive.namelist()) == {"data.json", *files.values()}

    # The same download from the founder's page, behind the session cookie.
    web_session(client, founder.email)
    page = client.get("/founder/data/export.zip")
    assert page.status_code == 200
    assert json.loads(zipfile.ZipFile(io.BytesIO(page.content)).read("data.json"))[
        "account"]["email"] == founder.email
    assert "/founder/data/export.zip" in client.get("/founder").text  # the dashboard's button


def test_erasure_removes_rows_objects_account_and_sessions(client, app, make_founder, sessions,
                                                           store, request):
    founder, neighbour = make_founder(), make_founder()
    runtime = app.state.dossier.runtime
    erased = decided_dossier(client, founder.headers, sessions, runtime)
    draft = ready_dossier(client, founder.headers, {"schema_version": 1}, kinds=())
    upload_pdf(client, founder.headers, draft, "other", "only mine", "mine.pdf")
    # The neighbour uploads the same Kbis bytes: that object must survive the erasure.
    kept = decided_dossier(client, neighbour.headers, sessions, runtime, name="Voisine")
    shared = stored_keys_of(sessions, erased["id"]) & stored_keys_of(sessions, kept["id"])
    only_mine = (stored_keys_of(sessions, erased["id"]) | stored_keys_of(sessions, draft)) - shared
    assert shared and len(only_mine) == 2  # the erased dossier's PDF and the draft's file
    assert all(store.exists(k) for k in shared | only_mine)
    cookie = web_session(client, founder.email)
    other = client.post("/api/v1/auth/token",
                        data={"username": founder.email, "password": PASSWORD}).json()
    other_headers = {"Authorization": f"Bearer {other['access_token']}"}

    wrong = client.post("/api/v1/me/erasure", headers=founder.headers,
                        json={"password": "not-my-password"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == "password"
    missing = client.post("/api/v1/me/erasure", headers=founder.headers, json={})
    assert missing.status_code == 422
    assert client.post("/api/v1/me/erasure", headers=neighbour.headers,
                       json={"password": "x"}).status_code == 422  # their own, wrong password
    staff = client.post("/api/v1/auth/token", data={"username": "staff@demo.example",
                                                   "password": "demo1234"}).json()
    assert client.post("/api/v1/me/erasure", json={"password": "demo1234"}, headers={
        "Authorization": f"Bearer {staff['access_token']}"}).status_code == 403

    r = client.post("/api/v1/me/erasure", headers=founder.headers, json={"password": PASSWORD})
    assert r.status_code == 200, r.text
    assert sorted(r.json()["dossiers"]) == sorted([erased["id"], draft])

    for dossier_id in (erased["id"], draft):
        assert set(rows_left(sessions, dossier_id).values()) == {0}
    for key in only_mine:
        assert_gone(store, key, request)
    assert all(store.exists(k) for k in shared)
    assert rows_left(sessions, kept["id"])["attachments"] == len(ALL_KINDS)
    with sessions() as db:
        assert db.get(User, founder.id) is None
        assert db.scalar(select(func.count()).select_from(ApiToken)
                         .where(ApiToken.user_id == founder.id)) == 0
        stubs = {s.id: s for s in db.scalars(select(DeletedDossier))}
        report = verify(db)
    assert {str(i) for i in stubs} == {erased["id"], draft}
    assert {s.reason for s in stubs.values()} == {"founder_erasure"}
    assert all(s.objects_deleted_at is not None and s.pending_objects == []
               for s in stubs.values())
    assert report.broken is None and report.chains == 1  # the neighbour's chain is intact

    for headers in (founder.headers, other_headers):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    client.cookies.set("du_session", cookie)
    page = client.get("/founder", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    cepac = client.post("/api/v1/auth/token", data={"username": "cepac@demo.example",
                                                   "password": "demo1234"}).json()
    inbox = client.get("/api/v1/inbox", headers={
        "Authorization": f"Bearer {cepac['access_token']}"}).json()
    assert {i["id"] for i in inbox["items"]} == {kept["routes"]["cepac"]}
    assert client.post("/api/v1/auth/token", data={"username": founder.email,
                                                   "password": PASSWORD}).status_code == 401


def test_erasure_from_the_page_needs_confirmation_and_csrf(client, make_founder, sessions,
                                                           store):
    founder = make_founder()
    draft = client.post("/api/v1/dossiers", headers=founder.headers,
                        json={"schema_version": 1}).json()["id"]
    web_session(client, founder.email)
    csrf = csrf_of(client)
    no_csrf = client.post("/founder/data/erase", data={"password": PASSWORD, "confirm": "yes"})
    assert no_csrf.status_code == 403
    unconfirmed = client.post("/founder/data/erase", data={"csrf": csrf, "password": PASSWORD})
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.text
    wrong = client.post("/founder/data/erase",
                        data={"csrf": csrf, "password": "nope", "confirm": "yes"})
    assert wrong.status_code == 422 and "Mot de passe incorrect" in wrong.text
    assert rows_left(sessions, draft)["dossiers"] == 1

    done = client.post("/founder/data/erase",
                       data={"csrf": csrf, "password": PASSWORD, "confirm": "yes"})
    assert done.status_code == 200 and "Vos données ont été supprimées" in done.text
    assert "du_session" not in client.cookies
    assert rows_left(sessions, draft)["dossiers"] == 0
    with transaction(sessions) as db:
        assert db.get(User, founder.id) is None
        assert db.get(DeletedDossier, uuid.UUID(draft)).reason == "founder_erasure"


def test_the_export_holds_what_was_typed_and_is_not_valid_yet(client, make_founder, sessions):
    founder = make_founder()
    r = client.post("/api/v1/dossiers", headers=founder.headers, json={"schema_version": 1})
    dossier_id = r.json()["id"]
    typed = {"company.address.postal_code": {"typed": "1300", "code": "string_pattern_mismatch",
                                             "ctx": {}}}
    with sessions.begin() as db:
        db.get(Dossier, uuid.UUID(dossier_id)).pending_input = typed
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/me/export",
                                                    headers=founder.headers).content))
    (exported,) = json.loads(archive.read("data.json"))["dossiers"]
    assert exported["pending_input"] == typed
