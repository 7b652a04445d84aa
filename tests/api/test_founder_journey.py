"""A founder creates, fills, documents and downloads a dossier through the API."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.helpers import full_dossier, minimal_pdf, tiny_png


def upload(client, headers, dossier_id, data: bytes, filename: str, kind: str = "kbis",
           content_type: str = "application/octet-stream"):
    return client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                       files={"file": (filename, data, content_type)}, data={"kind": kind})


def test_me_tells_role_and_partner(client, founder):
    assert client.get("/api/v1/me", headers=founder).json() == {
        "email": "founder@demo.example", "role": "founder", "partner": None, "full_name": None}
    reviewer = login(client, "cepac@demo.example")
    assert client.get("/api/v1/me", headers=reviewer).json()["partner"] == "cepac"


def test_wrong_password_and_missing_token_are_401(client):
    r = client.post("/api/v1/auth/token",
                    data={"username": "founder@demo.example", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/me").status_code == 401
    forged = {"Authorization": "Bearer du_forged"}
    assert client.get("/api/v1/me", headers=forged).status_code == 401


def test_logout_ends_the_token(client, founder):
    assert client.post("/api/v1/auth/logout", headers=founder).status_code == 204
    assert client.get("/api/v1/me", headers=founder).status_code == 401


def test_partial_draft_then_full_dossier_then_pdf(client, founder):
    r = client.post("/api/v1/dossiers", headers=founder,
                    json={"schema_version": 1, "company": {"legal_name": "Photonis Sud"}})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "draft" and created["version"] is None
    assert created["completeness"]["ready"] is False
    assert "company.siren" in created["completeness"]["missing"]
    dossier_id = created["id"]

    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=full_dossier())
    assert r.status_code == 200, r.text
    body = r.json()
    done = body["completeness"]
    assert done["fields"]["filled"] == done["fields"]["required"]  # every field is there
    assert done["ready"] is False and done["attachments"]["missing"]  # not the documents
    shares = {s["label"]: Decimal(s["share_pct"]) for s in body["funding_plan"]["sources"]}
    assert Decimal("5.27") in shares.values()
    assert body["content"]["funding"]["total_need_eur"] == "1329243.00"

    pdf_bytes, png_bytes = minimal_pdf(), tiny_png()
    r1 = upload(client, founder, dossier_id, pdf_bytes, "kbis.pdf", "kbis")
    r2 = upload(client, founder, dossier_id, png_bytes, "carte identité.png", "id_founder")
    assert r1.status_code == 201, r1.text
    assert r2.status_code == 201, r2.text
    assert r1.json()["content_type"] == "application/pdf"
    assert r2.json()["content_type"] == "image/png"
    assert r1.json()["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert r2.json()["filename"] == "carte identité.png"

    listed = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
    assert {a["kind"] for a in listed} == {"kbis", "id_founder"}
    got = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{r1.json()['id']}/content",
                     headers=founder)
    assert got.status_code == 200 and got.content == pdf_bytes
    assert got.headers["content-type"] == "application/pdf"

    pdf = client.get(f"/api/v1/dossiers/{dossier_id}/pdf", headers=founder)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_signed_link_downloads_then_fails_when_altered(client, founder):
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    att = upload(client, founder, dossier_id, minimal_pdf(), "k.pdf").json()
    link = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{att['id']}/link",
                      headers=founder).json()
    assert link["expires_in"] <= 15 * 60
    assert client.get(link["url"]).content == minimal_pdf()
    assert client.get(link["url"][:-3] + "AAA").status_code == 404


def test_same_bytes_are_stored_once(client, founder, store):
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    a = upload(client, founder, dossier_id, minimal_pdf(), "a.pdf").json()
    b = upload(client, founder, dossier_id, minimal_pdf(), "b.pdf", "statuts").json()
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    objects = [p for p in (store.root).rglob("*") if p.is_file()]
    assert len(objects) == 1


def test_delete_attachment_in_draft_removes_the_bytes(client, founder, store, sessions):
    from datetime import timedelta

    from dossier.services import objects

    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    att = upload(client, founder, dossier_id, tiny_png(), "x.png").json()
    r = client.delete(f"/api/v1/dossiers/{dossier_id}/attachments/{att['id']}", headers=founder)
    assert r.status_code == 204
    assert client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json() == []
    # Not inline (other dossiers may share the bytes): the storage sweep takes them.
    assert [p for p in store.root.rglob("*") if p.is_file()]
    objects.sweep(sessions=sessions, store=store, grace=timedelta(0))
    assert not [p for p in store.root.rglob("*") if p.is_file()]


def test_founder_sees_only_own_dossiers(client, founder, sessions):
    from dossier.db import transaction
    from dossier.services import users

    with transaction(sessions) as db:
        users.create_user(db=db, email="other@startup.example", password="another-pass",
                          role="founder")
    other = login(client, "other@startup.example", "another-pass")
    mine = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    for method, path in [("get", f"/api/v1/dossiers/{mine}"),
                         ("put", f"/api/v1/dossiers/{mine}"),
                         ("get", f"/api/v1/dossiers/{mine}/pdf"),
                         ("get", f"/api/v1/dossiers/{mine}/attachments")]:
        kwargs = {"json": {}} if method == "put" else {}
        r = getattr(client, method)(path, headers=other, **kwargs)
        assert r.status_code == 404, (path, r.status_code)
    assert client.get("/api/v1/dossiers", headers=other).json() == []
    reviewer = login(client, "cepac@demo.example")
    assert client.get(f"/api/v1/dossiers/{mine}", headers=reviewer).status_code == 404
    staff = login(client, "staff@demo.example")
    assert client.get(f"/api/v1/dossiers/{mine}", headers=staff).status_code == 200
    assert client.post("/api/v1/dossiers", headers=reviewer, json={}).status_code == 403


def test_submitted_version_is_a_hashed_snapshot_and_amendment_adds_one(client, founder,
                                                                        sessions):
    from dossier import access
    from dossier.access import Action
    from dossier.db import transaction
    from dossier.models import DossierVersion
    from dossier.services import submission, users
    from tests.helpers import ready_dossier

    dossier_id = ready_dossier(client, founder, full_dossier())
    with transaction(sessions) as db:
        user = users.get_by_email(db=db, email="founder@demo.example")
        dossier = access.load_dossier(db=db, dossier_id=dossier_id, user=user,
                                      action=Action.submit_dossier)
        v1, request = submission.submit(db=db, dossier=dossier, user=user, consent=True,
                                        channels={})
        assert v1.number == 1 and len(v1.content_hash) == 64 and request is not None
        again, none = submission.submit(db=db, dossier=dossier, user=user, consent=True,
                                        channels={})
        assert again.id == v1.id and none is None

    amended = full_dossier()
    amended["company"]["headcount"] = 12
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=amended)
    assert r.status_code == 200 and r.json()["version"] == 2
    with sessions() as db:
        versions = db.query(DossierVersion).order_by(DossierVersion.number).all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].content_hash != versions[1].content_hash
        assert versions[0].content["company"]["headcount"] != 12
        versions[0].content_hash = "0" * 64
        with pytest.raises(ValueError, match="append-only"):
            db.flush()
        db.rollback()
