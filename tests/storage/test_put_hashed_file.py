"""put_file with the digest already known: the file is sent as it is, not copied again."""

import hashlib
import io
import os
import uuid

import pytest

from storage import EmptyObject, ObjectTooLarge, S3Store, StoredObject, key_for
from storage.s3 import _HashedFile

MIB = 1024 * 1024


def write(path, data: bytes) -> str:
    """Write the file and return its SHA-256, as the upload receiver does."""
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_a_hashed_multipart_file_is_stored_whole_and_kept_in_place(backend, tmp_path):
    """More than a part's worth (one PUT to S3, see below) is stored whole; the source stays."""
    data = os.urandom(12 * MIB + 123)
    path = tmp_path / "upload.bin"
    digest = write(path, data)

    stored = backend.store.put_file(path, max_bytes=len(data), sha256=digest)

    assert stored == StoredObject(key_for(digest), digest, len(data))
    assert hashlib.sha256(backend.read(stored.key)).hexdigest() == digest
    assert path.read_bytes() == data  # the caller still scans it, then removes it
    assert backend.leftovers() == []
    if backend.name == "s3":  # no second copy on disk: the store never spooled
        assert not backend.spool_dir.exists()


def test_known_bytes_are_not_sent_again(backend, tmp_path):
    """Content-addressed: the same bytes under another name give the same single object."""
    first = backend.store.put_stream([b"statuts signes"])
    path = tmp_path / "again.pdf"
    digest = write(path, b"statuts signes")

    assert backend.store.put_file(path, sha256=digest) == first
    assert backend.keys() == [first.key]


def test_a_hashed_file_too_large_or_empty_is_refused(backend, tmp_path):
    """The size cap and the empty-file refusal hold without the spool."""
    big, empty = tmp_path / "big.bin", tmp_path / "empty.bin"
    big_digest, empty_digest = write(big, b"x" * 2048), write(empty, b"")
    backend.store.check()  # the bucket exists, so it can be listed

    with pytest.raises(ObjectTooLarge):
        backend.store.put_file(big, max_bytes=1024, sha256=big_digest)
    with pytest.raises(EmptyObject):
        backend.store.put_file(empty, sha256=empty_digest)
    assert backend.keys() == []


@pytest.fixture
def s3(s3_server):
    """Make an S3 store in a bucket of its own, with options."""
    def make(**options):
        store = S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key,
                        f"t-{uuid.uuid4().hex[:16]}", **options)
        store.check()
        return store
    return make


def pending(s3_server, store) -> list[str]:
    """Keys of the multipart uploads begun and never completed nor aborted."""
    return [u.object_name for u in s3_server.client()._list_multipart_uploads(store.bucket).uploads]


@pytest.mark.s3
@pytest.mark.parametrize("single_put_max", [None, 0], ids=["one PUT", "parts"])
def test_s3_sends_a_hashed_file_in_one_put_or_in_parts(s3, s3_server, tmp_path, single_put_max):
    """Both ways give the exact bytes under the key and leave no pending upload."""
    store = s3() if single_put_max is None else s3(single_put_max=single_put_max)
    data = os.urandom(12 * MIB + 5)
    path = tmp_path / "upload.bin"
    digest = write(path, data)
    trace = io.StringIO()
    store._client.trace_on(trace)

    stored = store.put_file(path, max_bytes=len(data), sha256=digest)

    store._client.trace_off()
    response = s3_server.client().get_object(store.bucket, stored.key)
    try:
        assert hashlib.sha256(response.read()).hexdigest() == digest
    finally:
        response.close()
        response.release_conn()
    assert pending(s3_server, store) == []
    sends = trace.getvalue().count("PUT /")
    if single_put_max is None:  # one request, signed with the digest computed upstream
        assert sends == 1
        assert f"x-amz-content-sha256: {digest}" in trace.getvalue().lower()
    else:
        assert sends == 3  # three 5 MiB parts


@pytest.mark.s3
def test_one_put_frees_the_parts_of_an_earlier_dead_attempt(s3, s3_server, tmp_path):
    store = s3()
    data = os.urandom(6 * MIB)
    path = tmp_path / "upload.bin"
    digest = write(path, data)
    key = key_for(digest)
    client = store._client
    dead = client._create_multipart_upload(store.bucket, key, {})
    client._upload_part(store.bucket, key, data[: 5 * MIB], None, dead, 1)
    assert pending(s3_server, store) == [key]

    store.put_file(path, sha256=digest)

    assert pending(s3_server, store) == []
    assert store.size(key) == len(data)


def test_a_hashed_body_can_be_sent_again_and_refuses_a_short_file(tmp_path):
    """urllib3 iterates the body again on a retry; a file shorter than announced is an error."""
    path = tmp_path / "upload.bin"
    data = os.urandom(2 * MIB + 1)
    digest = write(path, data)
    body = _HashedFile(path, len(data), digest)

    assert b"".join(body) == data and b"".join(body) == data
    with pytest.raises(OSError, match="shorter"):
        b"".join(_HashedFile(path, len(data) + 1, digest))
