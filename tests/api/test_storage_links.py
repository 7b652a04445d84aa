"""A signed link dies with its attachment: 404 once it is deleted, even while its bytes wait
for the sweep or back another dossier's attachment, and 404 (not 503) once they are gone;
on the filesystem store and on a real S3 server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from dossier.services import objects
from storage.signing import sign_link
from tests.helpers import assert_storage_consistent, filesystem_or_s3, minimal_pdf

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    """The app's object store: a folder, or a bucket of this test's own on the S3 server."""
    return filesystem_or_s3(request, tmp_path)


def attach(client, founder, dossier_id: str, data: bytes) -> dict:
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                    files={"file": ("kbis.pdf", data, "application/pdf")}, data={"kind": "kbis"})
    assert r.status_code == 201, r.text
    return r.json()


def link_of(client, founder, dossier_id: str, attachment_id: str) -> str:
    r = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{attachment_id}/link",
                   headers=founder)
    assert r.status_code == 200, r.text
    return r.json()["url"]


def test_link_to_a_deleted_attachment_is_404(client, founder, sessions, store):
    data = minimal_pdf(f"link {uuid.uuid4().hex}")
    mine = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    theirs = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    deleted, shared = attach(client, founder, mine, data), attach(client, founder, theirs, data)
    gone_link = link_of(client, founder, mine, deleted["id"])
    kept_link = link_of(client, founder, theirs, shared["id"])
    assert client.get(gone_link).content == data
    r = client.delete(f"/api/v1/dossiers/{mine}/attachments/{deleted['id']}", headers=founder)
    assert r.status_code == 204
    # The bytes are still stored (the other attachment uses them): the link is dead anyway.
    r = client.get(gone_link)
    assert r.status_code == 404 and r.json()["code"] == "link_invalid"
    assert client.get(kept_link).content == data
    client.delete(f"/api/v1/dossiers/{theirs}/attachments/{shared['id']}", headers=founder)
    assert client.get(kept_link).status_code == 404
    assert_storage_consistent(sessions, store, sweep=True)


def test_link_to_bytes_no_longer_stored_is_404_not_503(client, founder, sessions, store):
    data = minimal_pdf(f"vanished {uuid.uuid4().hex}")
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    item = attach(client, founder, dossier_id, data)
    url = link_of(client, founder, dossier_id, item["id"])
    key = f"sha256/{item['sha256'][:2]}/{item['sha256'][2:4]}/{item['sha256']}"
    store.delete(key)  # lost behind the app's back
    r = client.get(url)
    assert r.status_code == 404 and r.json()["code"] == "link_invalid"
    # A link naming no row (as the store signs for partners) needs a row using its key.
    secret = client.app.state.dossier.secret
    token = sign_link(secret, key, datetime.now(UTC) + timedelta(minutes=5))
    assert client.get(f"/api/v1/blobs/{token}").status_code == 404
    with sessions() as db:
        assert objects.is_referenced(db=db, key=key)
    client.delete(f"/api/v1/dossiers/{dossier_id}/attachments/{item['id']}", headers=founder)
    assert client.get(f"/api/v1/blobs/{token}").status_code == 404
    assert_storage_consistent(sessions, store, sweep=True)
