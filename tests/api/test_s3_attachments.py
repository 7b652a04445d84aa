"""Attachments through the API into a real S3 server (SeaweedFS), and a store outage."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import func, select

from dossier.models import Attachment
from storage.s3 import S3Store
from tests.helpers import minimal_pdf, tiny_png


@pytest.fixture
def store(s3_server, tmp_path):
    """The app's object store is the S3 server, in a bucket of this test's own."""
    return S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key,
                   f"t-{uuid.uuid4().hex[:16]}", spool_dir=tmp_path / "spool")


def test_upload_download_and_signed_link_on_s3(client, founder, store, s3_server):
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                    files={"file": ("kbis.pdf", minimal_pdf(), "application/pdf")},
                    data={"kind": "kbis"})
    assert r.status_code == 201, r.text
    att = r.json()
    key = f"sha256/{att['sha256'][:2]}/{att['sha256'][2:4]}/{att['sha256']}"
    stored = s3_server.client().stat_object(store.bucket, key)
    assert stored.size == len(minimal_pdf())
    content = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{att['id']}/content",
                         headers=founder)
    assert hashlib.sha256(content.content).hexdigest() == att["sha256"]
    link = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{att['id']}/link",
                      headers=founder).json()
    # Served by the app from the bucket (so it can die with the attachment).
    assert link["url"].startswith("/api/v1/blobs/")
    assert client.get(link["url"]).content == minimal_pdf()


def test_store_down_during_upload_is_503_and_leaves_no_row(client, founder, sessions,
                                                           s3_server, tmp_path):
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    app_state = client.app.state.dossier
    app_state.store = S3Store("127.0.0.1:9", "k", "s", "nowhere", spool_dir=tmp_path / "sp")
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                    files={"file": ("p.png", tiny_png(), "image/png")}, data={"kind": "other"})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 0
