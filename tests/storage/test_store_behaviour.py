"""The behaviour every backend shares, run against each of them."""

import hashlib
import io
from datetime import timedelta

import pytest

from storage import (
    EmptyObject,
    InvalidKey,
    ObjectMissing,
    ObjectTooLarge,
    StoredObject,
    key_for,
)
from tests.helpers import wait_until

DATA = b"Plan de financement 2025\n" * 1000


def test_put_and_open_roundtrip(backend):
    stored = backend.store.put_stream(iter([DATA[:100], DATA[100:]]))

    digest = hashlib.sha256(DATA).hexdigest()
    assert stored == StoredObject(f"sha256/{digest[:2]}/{digest[2:4]}/{digest}", digest, len(DATA))
    assert b"".join(backend.store.open(stored.key)) == DATA
    assert backend.store.exists(stored.key)
    assert backend.store.size(stored.key) == len(DATA)
    assert backend.read(stored.key) == DATA
    assert backend.leftovers() == []


def test_put_fileobj_and_put_file_give_the_same_key(backend, tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(DATA)

    from_fileobj = backend.store.put_fileobj(io.BytesIO(DATA), chunk_size=4096)
    from_file = backend.store.put_file(path)

    assert from_fileobj == from_file
    assert backend.keys() == [from_file.key]


def test_same_bytes_are_stored_once(backend):
    first = backend.store.put_stream([DATA])
    # Swap what the backend holds: a second upload would put DATA back.
    backend.overwrite(first.key, b"sentinel")

    second = backend.store.put_stream([DATA[:10], DATA[10:]])

    assert second == first
    assert backend.read(first.key) == b"sentinel"


def test_too_large_stops_reading_and_leaves_nothing(backend):
    pulled = []

    def chunks():
        for i in range(1000):
            pulled.append(i)
            yield bytes([i % 256]) * 1024

    with pytest.raises(ObjectTooLarge) as raised:
        backend.store.put_stream(chunks(), max_bytes=10 * 1024)

    assert raised.value.limit == 10 * 1024
    assert len(pulled) == 11
    assert backend.leftovers() == []
    backend.store.put_stream([b"x"])  # makes sure the bucket exists before listing it
    assert backend.keys() == [key_for(hashlib.sha256(b"x").hexdigest())]


def test_exactly_the_limit_is_accepted(backend):
    assert backend.store.put_stream([DATA], max_bytes=len(DATA)).size == len(DATA)


@pytest.mark.parametrize("chunks", [[], [b""], [b"", b""]])
def test_empty_object_is_refused(backend, chunks):
    with pytest.raises(EmptyObject):
        backend.store.put_stream(chunks)
    assert backend.leftovers() == []


def test_missing_object(backend):
    key = key_for(hashlib.sha256(b"never stored").hexdigest())

    assert not backend.store.exists(key)
    with pytest.raises(ObjectMissing) as raised:
        backend.store.open(key)
    assert raised.value.key == key
    with pytest.raises(ObjectMissing):
        backend.store.size(key)
    backend.store.delete(key)


def test_delete_erases_the_object(backend):
    stored = backend.store.put_stream([DATA])

    backend.store.delete(stored.key)

    assert not backend.store.exists(stored.key)
    assert backend.read(stored.key) is None
    backend.store.delete(stored.key)  # idempotent


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "sha256/../../../etc/passwd",
        "sha256/ab/cd/" + "ab" + "0" * 62,  # fan-out does not match the digest
        "sha256/AB/CD/" + "ABCD" + "0" * 60,
        "sha256/ab/cd/abcd" + "0" * 60 + "/x",
        "",
    ],
)
def test_keys_outside_the_layout_are_refused(backend, key):
    for call in (backend.store.open, backend.store.exists, backend.store.delete):
        with pytest.raises(InvalidKey):
            call(key)
    with pytest.raises(InvalidKey):
        backend.store.signed_url(key)


def test_signed_url_serves_the_object(backend):
    stored = backend.store.put_stream([DATA])

    url = backend.store.signed_url(
        stored.key, filename="Budget prévisionnel.xlsx", content_type="application/pdf"
    )

    assert backend.fetch(url) == (200, DATA)


def test_signed_url_is_refused_when_tampered_or_for_another_key(backend):
    one = backend.store.put_stream([DATA])
    other = backend.store.put_stream([b"another attachment"])
    url = backend.store.signed_url(one.key)

    assert backend.fetch(backend.tamper(url))[0] == 403
    assert backend.fetch(backend.retarget(url, other.key))[0] == 403


def test_signed_url_expires(backend):
    stored = backend.store.put_stream([DATA])
    url = backend.store.signed_url(stored.key, expires=timedelta(seconds=1))

    # refused once its second has passed (polled: no fixed sleep that a slow machine outlasts)
    wait_until(lambda: backend.fetch(url)[0], lambda status: status == 403,
               what="the expired link to be refused", timeout=10, every=0.2)


@pytest.mark.parametrize(
    "expires", [timedelta(minutes=15, seconds=1), timedelta(hours=1), timedelta(0)]
)
def test_link_lifetime_is_at_most_fifteen_minutes(backend, expires):
    stored = backend.store.put_stream([DATA])

    with pytest.raises(ValueError, match="lifetime"):
        backend.store.signed_url(stored.key, expires=expires)
    assert backend.store.signed_url(stored.key, expires=timedelta(minutes=15))


def test_content_type_cannot_inject_headers(backend):
    stored = backend.store.put_stream([DATA])

    with pytest.raises(ValueError):
        backend.store.signed_url(stored.key, content_type="text/html\r\nSet-Cookie: a=b")


def test_open_stream_can_be_closed_early(backend):
    stored = backend.store.put_stream([DATA * 600])  # ~15 MB, many chunks

    for _ in range(15):  # more than the connection pool holds
        with backend.store.open(stored.key) as stream:
            assert next(stream)

    assert b"".join(backend.store.open(stored.key)) == DATA * 600


def test_check_passes(backend):
    backend.store.check()
