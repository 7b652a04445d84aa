"""What only the S3 backend does: bucket creation, presigned headers, failures."""

import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from storage import S3Store, StorageUnavailable
from tests.s3server import free_ports

pytestmark = pytest.mark.s3
DATA = b"%PDF-1.7 statuts signes\n" * 100


def make(server, **overrides) -> S3Store:
    options = {
        "endpoint": server.endpoint,
        "access_key": server.access_key,
        "secret_key": server.secret_key,
        "bucket": f"t-{uuid.uuid4().hex[:16]}",
    }
    return S3Store(**(options | overrides))


def test_bucket_is_created_on_first_use_not_before(s3_server):
    store = make(s3_server)
    assert not s3_server.client().bucket_exists(store.bucket)

    store.check()

    assert s3_server.client().bucket_exists(store.bucket)


def test_presigned_url_sets_name_and_type(s3_server):
    store = make(s3_server)
    stored = store.put_stream([DATA])

    url = store.signed_url(
        stored.key, filename="Statuts signés.pdf", content_type="application/pdf"
    )
    response = httpx.get(url)

    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Statuts signes.pdf\"; filename*=UTF-8''Statuts%20sign%C3%A9s.pdf"
    )


def test_objects_are_not_public(s3_server):
    store = make(s3_server)
    stored = store.put_stream([DATA])

    response = httpx.get(f"http://{s3_server.endpoint}/{store.bucket}/{stored.key}")

    assert response.status_code == 403


def every_call(store, key: str) -> list[Callable[[], object]]:
    """Each operation of the store that reaches the server, on this object (or a new one)."""
    return [store.check, lambda: store.put_stream([b"new"]), lambda: store.open(key),
            lambda: store.exists(key), lambda: store.delete(key)]


@pytest.mark.parametrize(
    "keys", [("dossier-test", "wrong-secret"), ("nobody", "dossier-test-secret-0123456789")]
)
def test_wrong_credentials_are_reported_as_unavailable(s3_server, keys):
    good = make(s3_server)
    stored = good.put_stream([DATA])
    bad = make(s3_server, access_key=keys[0], secret_key=keys[1], bucket=good.bucket)

    for call in every_call(bad, stored.key):
        with pytest.raises(StorageUnavailable, match="credentials"):
            call()
    assert good.exists(stored.key)


def test_no_server_listening_is_unavailable_quickly(s3_server):
    (port,) = free_ports(1)
    store = make(s3_server, endpoint=f"127.0.0.1:{port}")

    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        store.check()
    assert time.monotonic() - started < 3


def test_an_http_server_that_is_not_s3_is_unavailable(s3_server):
    # The master's HTTP port answers, but not in S3.
    store = make(s3_server, endpoint=f"127.0.0.1:{s3_server.ports['master']}")

    with pytest.raises(StorageUnavailable):
        store.check()


def test_stopped_server_is_unavailable_quickly_then_recovers(s3_server, tmp_path):
    store = make(s3_server, spool_dir=tmp_path)
    stored = store.put_stream([DATA])

    s3_server.stop()
    try:
        for call in every_call(store, stored.key):
            started = time.monotonic()
            with pytest.raises(StorageUnavailable):
                call()
            assert time.monotonic() - started < 3
        assert list(tmp_path.iterdir()) == []
    finally:
        s3_server.start()

    store.check()
    assert b"".join(store.open(stored.key)) == DATA
