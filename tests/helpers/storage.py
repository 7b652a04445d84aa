"""The object store agrees with the database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path


def assert_storage_consistent(sessions, store, *, sweep: bool = False) -> None:
    """`dossier storage check` finds no orphan and no missing object (after a sweep with grace
    0 if asked: then no released object may remain either)."""
    from dossier.services import objects

    if sweep:
        objects.sweep(sessions=sessions, store=store, grace=timedelta(0))
    report = objects.check(sessions=sessions, store=store)
    assert report.ok, f"orphans {report.orphans}, missing {report.missing}"
    if sweep:
        assert report.released == 0


def filesystem_or_s3(request, tmp_path: Path):
    """The store a fixture parametrised with "filesystem" and "s3" asks for: a folder, or a
    bucket of this test's own on the session's S3 server."""
    from storage.filesystem import FilesystemStore
    from storage.s3 import S3Store

    if request.param == "filesystem":
        return FilesystemStore(tmp_path / "objects", secret=b"test-secret")
    server = request.getfixturevalue("s3_server")
    return S3Store(server.endpoint, server.access_key, server.secret_key,
                   f"t-{uuid.uuid4().hex[:16]}", spool_dir=tmp_path / "spool")
