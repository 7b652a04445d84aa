"""Uploads are scanned by clamd when configured; downloads wait for a clean verdict.

clamd here is tests/clamd_server.py, a stand-in speaking the real INSTREAM protocol (real
clamd has no virus signatures offline); it flags the EICAR test string.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from dossier.db import transaction
from dossier.models import Attachment
from storage.clamd import Clamd
from tests.clamd_server import EICAR, FakeClamd, closed_port
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import (
    ALL_KINDS,
    minimal_pdf,
    page_post,
    ready_dossier,
    settle_deliveries,
    submit,
)


@pytest.fixture
def clamd():
    server = FakeClamd().start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings, clamd):
    """The app scans every upload with the stand-in clamd."""
    return settings.model_copy(update={"clamd_host": clamd.host, "clamd_port": clamd.port})


def infected_pdf() -> bytes:
    """A valid PDF carrying the EICAR test string in a comment."""
    return minimal_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + EICAR + b"\n", 1)


def upload(client, headers, dossier_id: str, data: bytes, kind: str = "kbis"):
    return client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                       files={"file": (f"{kind}.pdf", data, "application/pdf")},
                       data={"kind": kind})


def stored_objects(store) -> list:
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


def set_status(sessions, attachment_id: str, status: str) -> None:
    with transaction(sessions) as db:
        db.execute(update(Attachment).where(Attachment.id == uuid.UUID(attachment_id))
                   .values(scan_status=status))


def test_client_speaks_instream(clamd, tmp_path):
    scanner = Clamd(host=clamd.host, port=clamd.port, timeout=5)
    assert scanner.ping()
    clean, dirty = tmp_path / "clean.pdf", tmp_path / "dirty.pdf"
    clean.write_bytes(minimal_pdf() * 50)  # several INSTREAM chunks
    dirty.write_bytes(infected_pdf())
    assert scanner.scan_file(clean).clean
    assert scanner.scan_file(dirty).signature == "Eicar-Signature"
    assert clamd.streams == [clean.read_bytes(), dirty.read_bytes()]


def test_clean_upload_is_scanned_and_served(client, founder, clamd):
    dossier_id = ready_dossier(client, founder, kinds=())
    r = upload(client, founder, dossier_id, minimal_pdf("propre"))
    assert r.status_code == 201 and r.json()["scan_status"] == "clean"
    assert clamd.streams == [minimal_pdf("propre")]
    base = f"/api/v1/dossiers/{dossier_id}/attachments/{r.json()['id']}"
    assert client.get(base + "/content", headers=founder).content == minimal_pdf("propre")
    assert client.get(base + "/link", headers=founder).status_code == 200
    listed = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
    assert [a["scan_status"] for a in listed] == ["clean"]


def test_infected_upload_is_refused_and_nothing_is_kept(client, founder, sessions, store):
    dossier_id = ready_dossier(client, founder, kinds=())
    r = upload(client, founder, dossier_id, infected_pdf())
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "attachment_scan_infected"
    assert problem["errors"][0]["loc"] == "file"
    assert "Eicar-Signature" in problem["detail"]
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_objects(store) == []


def test_unreachable_clamd_stores_an_error_that_holds_downloads_and_submission(
        client, founder, settings, app):
    app.state.dossier.settings = settings.model_copy(update={"clamd_port": closed_port()})
    dossier_id = ready_dossier(client, founder, kinds=())
    r = upload(client, founder, dossier_id, minimal_pdf())
    assert r.status_code == 201 and r.json()["scan_status"] == "error"
    base = f"/api/v1/dossiers/{dossier_id}/attachments/{r.json()['id']}"
    for path in ("/content", "/link"):
        held = client.get(base + path, headers=founder)
        assert held.status_code == 409 and held.json()["code"] == "attachment_scan_error"
        assert "kbis.pdf" in held.json()["detail"]
    for kind in ALL_KINDS[1:]:
        assert upload(client, founder, dossier_id, minimal_pdf(kind), kind).status_code == 201
    refused = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                          json={"consent": True})
    assert refused.status_code == 422
    assert refused.json()["code"] == "attachments_not_scanned"
    assert refused.json()["errors"][0]["loc"] == "attachments"


def test_downloads_wait_while_the_scan_is_pending(client, founder, clamd):
    dossier_id = ready_dossier(client, founder, kinds=())
    clamd.hold()
    answer = {}
    uploading = threading.Thread(target=lambda: answer.update(
        r=upload(client, founder, dossier_id, minimal_pdf("lent"))))
    uploading.start()
    try:
        assert clamd.wait_received()
        listed = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
        assert [a["scan_status"] for a in listed] == ["pending"]
        held = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{listed[0]['id']}/content",
                          headers=founder)
        assert held.status_code == 409 and held.json()["code"] == "attachment_scan_pending"
    finally:
        clamd.let_go()
        uploading.join(30)
    assert answer["r"].status_code == 201 and answer["r"].json()["scan_status"] == "clean"


def test_partner_and_founder_page_downloads_are_held_until_clean(client, founder, sessions):
    dossier_id = ready_dossier(client, founder, kinds=())
    ids = {kind: upload(client, founder, dossier_id, minimal_pdf(kind), kind).json()["id"]
           for kind in ALL_KINDS}
    answer = submit(client, founder, dossier_id=dossier_id)
    settle_deliveries(sessions)
    route_id = next(x["id"] for x in answer["routes"] if x["partner"] == "cepac")
    set_status(sessions, ids["kbis"], "pending")  # e.g. a rescan after new signatures

    reviewer = login(client, "cepac@demo.example")
    api = client.get(f"/api/v1/routes/{route_id}/attachments/{ids['kbis']}/content",
                     headers=reviewer)
    assert api.status_code == 409 and api.json()["code"] == "attachment_scan_pending"
    pages = TestClient(client.app)
    assert page_post(pages, "/login", {"email": "cepac@demo.example", "password": DEMO_PASSWORD},
                      follow_redirects=False).status_code == 303
    for path in (f"/reviewer/routes/{route_id}/attachments/{ids['kbis']}",
                 f"/reviewer/routes/{route_id}/attachments.zip"):
        held = pages.get(path)
        assert held.status_code == 409, (path, held.status_code)
        assert "kbis.pdf" in held.text
    founder_pages = TestClient(client.app)
    page_post(founder_pages, "/login", {"email": "founder@demo.example",
                                       "password": DEMO_PASSWORD})
    held = founder_pages.get(f"/founder/dossiers/{dossier_id}/attachments/{ids['kbis']}")
    assert held.status_code == 409

    set_status(sessions, ids["kbis"], "clean")
    assert pages.get(f"/reviewer/routes/{route_id}/attachments.zip").status_code == 200
    assert client.get(f"/api/v1/routes/{route_id}/attachments/{ids['kbis']}/content",
                      headers=reviewer).content == minimal_pdf("kbis")
