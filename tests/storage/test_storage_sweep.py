"""The storage sweep: released objects wait for the grace period, an upload whose bytes a
sweep took between the write and the row puts them again, the dispatcher sweeps on its own."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest

from dossier.services import objects
from storage.filesystem import FilesystemStore
from tests.helpers import assert_storage_consistent, minimal_pdf, wait_until
from workflows.dispatch import Dispatcher

HOUR = timedelta(hours=1)


class SweptBetweenWriteAndRow(FilesystemStore):
    """A store whose first hashed write is taken away at once, as a sweep could."""

    swept = 0

    def put_file(self, path, *, max_bytes=None, sha256=None):
        stored = super().put_file(path, max_bytes=max_bytes, sha256=sha256)
        if not self.swept:
            self.swept += 1
            self.delete(stored.key)
        return stored


@pytest.fixture
def store(tmp_path):
    return SweptBetweenWriteAndRow(tmp_path / "objects", secret=b"test-secret")


def attach(client, founder, dossier_id: str, data: bytes) -> dict:
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                    files={"file": ("kbis.pdf", data, "application/pdf")}, data={"kind": "kbis"})
    assert r.status_code == 201, r.text
    return r.json()


def test_an_upload_whose_bytes_went_before_its_row_puts_them_again(client, founder, sessions,
                                                                   store):
    data = minimal_pdf(f"again {uuid.uuid4().hex}")
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    item = attach(client, founder, dossier_id, data)
    assert store.swept == 1
    r = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{item['id']}/content",
                   headers=founder)
    assert r.content == data
    assert_storage_consistent(sessions, store)


def test_a_released_object_waits_for_the_grace_period(client, founder, sessions, store):
    store.swept = 1  # no trick here
    data = minimal_pdf(f"released {uuid.uuid4().hex}")
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    item = attach(client, founder, dossier_id, data)
    key = f"sha256/{item['sha256'][:2]}/{item['sha256'][2:4]}/{item['sha256']}"
    assert client.delete(f"/api/v1/dossiers/{dossier_id}/attachments/{item['id']}",
                         headers=founder).status_code == 204
    assert store.exists(key)  # never deleted inline
    waiting = objects.check(sessions=sessions, store=store, grace=HOUR)
    assert waiting.ok and waiting.released == 1
    assert objects.check(sessions=sessions, store=store).orphans == [key]
    assert objects.sweep(sessions=sessions, store=store, grace=HOUR).keys == []
    assert objects.sweep(sessions=sessions, store=store, grace=timedelta(0),
                         dry_run=True).keys == [key]
    assert store.exists(key)
    assert objects.sweep(sessions=sessions, store=store, grace=timedelta(0)).keys == [key]
    assert not store.exists(key)
    assert_storage_consistent(sessions, store)


def test_the_dispatcher_sweeps_the_store_periodically(app, sessions, store, monkeypatch):
    monkeypatch.setenv("STORAGE_GC_GRACE", "0")
    orphan = store.put_stream([b"written by a process that died before its row"]).key
    stale, live = store.spool_dir / "spool-killed", store.spool_dir / "spool-live"
    for path in (stale, live):
        path.write_bytes(b"half an upload")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    dispatcher = Dispatcher(app.state.dossier.runtime, interval=0.05, reminder_interval=0,
                            gc_interval=0.1, launcher=None)
    dispatcher.start()
    try:
        wait_until(lambda: not store.exists(orphan), what="the periodic sweep to take the orphan",
                   timeout=10, every=0.05)
    finally:
        dispatcher.stop()
    assert not stale.exists() and live.exists()  # spool files go after an hour, not sooner
    assert_storage_consistent(sessions, store)
