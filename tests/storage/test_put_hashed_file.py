"""put_file with the digest already known: the file is sent as it is, not copied again."""

import hashlib
import os

import pytest

from storage import EmptyObject, ObjectTooLarge, StoredObject, key_for

MIB = 1024 * 1024


def write(path, data: bytes) -> str:
    """Write the file and return its SHA-256, as the upload receiver does."""
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_a_hashed_multipart_file_is_stored_whole_and_kept_in_place(backend, tmp_path):
    """Several parts (sent in parallel to S3) make up the exact bytes; the source stays."""
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
