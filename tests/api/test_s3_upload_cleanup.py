"""Large uploads into S3 (SeaweedFS): a refused file leaves nothing in the bucket, not even a
pending multipart upload; an accepted one leaves exactly its content-addressed object, once.

Each case runs with the store sending objects in one streamed PUT (the default) and in
parallel parts (`single_put_max=0`).
"""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from sqlalchemy import select

from dossier.models import Attachment
from storage.base import key_for
from storage.s3 import S3Store
from tests.faults.test_store_outage import big_pdf, upload

MIB = 1024 * 1024
SIZE = 7 * MIB  # above the 5 MiB part size

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def settings(settings, tmp_path):
    """Room for multi-part objects; request bodies spooled where the test can look."""
    (tmp_path / "uploads").mkdir()
    return settings.model_copy(update={"max_upload_bytes": 16 * MIB,
                                       "upload_spool_dir": tmp_path / "uploads"})


@pytest.fixture(params=["one PUT", "parts"])
def store(request, s3_server, tmp_path) -> S3Store:
    """The app's store, in a bucket of this test's own, made before the upload."""
    options = {"single_put_max": 0} if request.param == "parts" else {}
    made = S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key,
                   f"t-{uuid.uuid4().hex[:16]}", spool_dir=tmp_path / "spool", **options)
    made.check()
    return made


@pytest.fixture
def dossier_id(client, founder) -> str:
    return client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]


def bucket_state(s3_server, store: S3Store) -> tuple[list[str], list[str]]:
    """(every object key, every pending multipart upload's key) in the store's bucket."""
    client = s3_server.client()
    keys = sorted(o.object_name for o in client.list_objects(store.bucket, recursive=True))
    pending = sorted(u.object_name for u in client._list_multipart_uploads(store.bucket).uploads)
    return keys, pending


def assert_no_temp_file(tmp_path) -> None:
    for folder in (tmp_path / "uploads", tmp_path / "spool"):
        assert not folder.exists() or list(folder.iterdir()) == []


def encrypted_big_pdf() -> bytes:
    data = os.urandom(SIZE)
    return (b"%PDF-1.4\n1 0 obj\n" + b"<< /Length %d >>\nstream\n" % SIZE + data
            + b"\nendstream\nendobj\ntrailer\n<< /Encrypt 4 0 R >>\n%%EOF\n")


REFUSED = [
    ("encrypted PDF", encrypted_big_pdf, 415, "pdf_encrypted"),
    ("program", lambda: b"MZ\x90\x00\x03\x00" + os.urandom(SIZE), 415, "unsupported_type"),
    ("too large", lambda: big_pdf(17 * MIB), 413, "upload_too_large"),
]


@pytest.mark.parametrize(("build", "status", "code"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_a_refused_file_leaves_no_object_no_pending_upload_no_temp_file(
        app, founder, dossier_id, store, s3_server, sessions, tmp_path, build, status, code):
    r = upload(app, founder, dossier_id, build())  # streamed: no Content-Length to trust

    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert bucket_state(s3_server, store) == ([], [])
    assert_no_temp_file(tmp_path)
    with sessions() as db:
        assert db.scalars(select(Attachment)).all() == []


def test_an_accepted_file_leaves_only_its_content_object(
        app, founder, dossier_id, store, s3_server, tmp_path):
    body = big_pdf(SIZE)
    digest = hashlib.sha256(body).hexdigest()

    r = upload(app, founder, dossier_id, body)

    assert r.status_code == 201, r.text
    assert r.json()["sha256"] == digest
    assert bucket_state(s3_server, store) == ([key_for(digest)], [])
    with store.open(key_for(digest)) as chunks:
        assert hashlib.sha256(b"".join(chunks)).hexdigest() == digest
    assert_no_temp_file(tmp_path)


def test_the_same_bytes_sent_twice_are_stored_once(
        app, client, founder, dossier_id, store, s3_server, sessions, tmp_path):
    body = big_pdf(SIZE)
    other = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]

    first = upload(app, founder, dossier_id, body)
    second = upload(app, founder, other, body)

    assert (first.status_code, second.status_code) == (201, 201), second.text
    key = key_for(hashlib.sha256(body).hexdigest())
    assert bucket_state(s3_server, store) == ([key], [])
    with sessions() as db:
        assert [a.storage_key for a in db.scalars(select(Attachment))] == [key, key]
    assert_no_temp_file(tmp_path)
