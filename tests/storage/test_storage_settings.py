"""Choosing the backend is configuration only."""

from pathlib import Path

import pytest

from storage import FilesystemStore, S3Store, StorageSettings, make_store

SECRET = b"0123456789abcdef0123456789abcdef"


def test_defaults(monkeypatch):
    for name in ("STORAGE_BACKEND", "STORAGE_PATH", "S3_BUCKET"):
        monkeypatch.delenv(name, raising=False)

    settings = StorageSettings()

    assert (settings.storage_backend, settings.storage_path, settings.s3_bucket) == (
        "filesystem",
        Path("./var/objects"),
        "dossiers",
    )
    assert isinstance(make_store(settings, secret=SECRET), FilesystemStore)


def test_filesystem_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STORAGE_PATH", str(tmp_path))
    store = make_store(StorageSettings(), secret=SECRET)

    stored = store.put_stream([b"bytes"])

    assert (tmp_path / stored.key).read_bytes() == b"bytes"


def test_dedicated_signing_secret_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("STORAGE_SIGNING_SECRET", "a dedicated secret for links")
    store = make_store(StorageSettings(storage_path=tmp_path), secret=SECRET)

    assert store._secret == b"a dedicated secret for links"


@pytest.mark.s3
@pytest.mark.parametrize("scheme", ["", "http://"])
def test_s3_from_environment(monkeypatch, s3_server, scheme):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("S3_ENDPOINT", scheme + s3_server.endpoint)
    monkeypatch.setenv("S3_ACCESS_KEY", s3_server.access_key)
    monkeypatch.setenv("S3_SECRET_KEY", s3_server.secret_key)
    monkeypatch.setenv("S3_BUCKET", "from-env")

    store = make_store(StorageSettings(), secret=SECRET)
    stored = store.put_stream([b"bytes"])

    assert isinstance(store, S3Store)
    assert s3_server.client().stat_object("from-env", stored.key).size == 5


def test_s3_needs_endpoint_and_keys(monkeypatch):
    for name in ("S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(ValueError, match="S3_ENDPOINT"):
        make_store(StorageSettings(storage_backend="s3"), secret=SECRET)


def test_empty_secret_is_refused(tmp_path):
    with pytest.raises(ValueError):
        FilesystemStore(tmp_path, b"")
