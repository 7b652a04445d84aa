"""Untouched drafts: a warning in the app and by e-mail, then a purge; touched ones stay."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from dossier.db import transaction, utcnow
from dossier.models import DeletedDossier, Dossier, Notification, User
from dossier.services import retention
from tests.helpers import full_dossier, minimal_pdf
from tests.retention.conftest import backdate, rows_left, stored_keys_of
from workflows.retention import RetentionSettings, run_once

POLICY = retention.Policy(draft_warn_days=180, draft_purge_days=30, closed_months=36)
KEY = b"test-secret"


def run(sessions, store, now, dry_run=False) -> retention.RunReport:
    """One retention run as of `now`."""
    return retention.run(sessions=sessions, store=store, now=now, policy=POLICY,
                         siren_key=KEY, dry_run=dry_run)


def draft_with_file(client, headers, name: str, data: bytes) -> str:
    """A draft naming its company, with one uploaded file."""
    body = {"schema_version": 1, "company": {**full_dossier()["company"], "legal_name": name}}
    dossier_id = client.post("/api/v1/dossiers", headers=headers, json=body).json()["id"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                    files={"file": ("kbis.pdf", data, "application/pdf")}, data={"kind": "kbis"})
    assert r.status_code == 201, r.text
    return dossier_id


def test_untouched_draft_is_warned_then_purged_with_its_files(client, make_founder, sessions,
                                                              store):
    founder = make_founder()
    dossier_id = draft_with_file(client, founder.headers, "Lumiphase", minimal_pdf("alone"))
    (key,) = stored_keys_of(sessions, dossier_id)
    start = utcnow() - timedelta(days=400)
    backdate(sessions, dossier_id, start)

    assert run(sessions, store, start + timedelta(days=179)).counts()["warned"] == 0
    warned_at = start + timedelta(days=181)
    report = run(sessions, store, warned_at)
    assert report.warned == [uuid.UUID(dossier_id)] and report.purged == []
    with sessions() as db:
        dossier = db.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.warned_at == warned_at and dossier.updated_at == start  # not a touch
        (notice,) = db.scalars(select(Notification).where(Notification.user_id == founder.id))
    assert notice.kind == "retention_warning" and "Lumiphase" in notice.subject
    assert notice.link == f"/founder/dossiers/{dossier_id}"  # its e-mail adds the site
    assert "sera supprimé définitivement" in notice.body and "(English)" not in notice.body
    assert run(sessions, store, warned_at + timedelta(days=1)).warned == []  # warned once

    assert run(sessions, store, warned_at + timedelta(days=29)).purged == []
    purged_at = warned_at + timedelta(days=31)
    report = run(sessions, store, purged_at)
    assert report.purged == [(uuid.UUID(dossier_id), retention.Reason.draft_inactive)]
    assert report.objects_deleted == 1 and not store.exists(key)
    assert set(rows_left(sessions, dossier_id).values()) == {0}
    with sessions() as db:
        stub = db.get(DeletedDossier, uuid.UUID(dossier_id))
        assert db.scalars(select(Notification).where(
            Notification.user_id == founder.id)).all() == []  # the warning went too
    assert (stub.reason, stub.created_at, stub.deleted_at) == ("draft_inactive", start, purged_at)
    siren = full_dossier()["company"]["siren"]
    assert stub.siren_hash == hmac.new(KEY, b"siren:" + siren.encode(),
                                       hashlib.sha256).hexdigest()
    assert siren not in str(stub.siren_hash)
    assert stub.pending_objects == [] and stub.objects_deleted_at == purged_at


def test_a_draft_touched_after_the_warning_is_kept(client, make_founder, sessions, store):
    founder = make_founder()
    dossier_id = draft_with_file(client, founder.headers, "Biotope", minimal_pdf("touched"))
    start = utcnow() - timedelta(days=400)
    backdate(sessions, dossier_id, start)
    warned_at = start + timedelta(days=181)
    assert run(sessions, store, warned_at).warned == [uuid.UUID(dossier_id)]

    body = {"schema_version": 1, "company": {**full_dossier()["company"],
                                             "legal_name": "Biotope Santé"}}
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder.headers, json=body)
    assert r.status_code == 200, r.text
    for later in (warned_at + timedelta(days=31), utcnow()):
        report = run(sessions, store, later)
        assert report.purged == [] and report.warned == []
    assert rows_left(sessions, dossier_id)["dossiers"] == 1
    assert all(store.exists(k) for k in stored_keys_of(sessions, dossier_id))
    # A new stretch of inactivity brings a new warning (a new notification, not the old one).
    assert run(sessions, store, utcnow() + timedelta(days=181)).warned == [uuid.UUID(dossier_id)]
    with sessions() as db:
        assert len(db.scalars(select(Notification).where(
            Notification.user_id == founder.id)).all()) == 2


def test_an_upload_counts_as_a_touch(client, make_founder, sessions, store):
    founder = make_founder()
    dossier_id = draft_with_file(client, founder.headers, "Numeria", minimal_pdf("first"))
    start = utcnow() - timedelta(days=400)
    backdate(sessions, dossier_id, start)
    assert run(sessions, store, start + timedelta(days=181)).warned == [uuid.UUID(dossier_id)]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder.headers,
                    files={"file": ("rib.pdf", minimal_pdf("rib"), "application/pdf")},
                    data={"kind": "rib"})
    assert r.status_code == 201, r.text
    assert run(sessions, store, start + timedelta(days=220)).purged == []
    assert rows_left(sessions, dossier_id)["attachments"] == 2


def test_a_shared_object_is_kept_while_another_dossier_uses_it(client, make_founder, sessions,
                                                               store):
    shared = minimal_pdf("same bytes")
    old = draft_with_file(client, make_founder().headers, "Ancienne", shared)
    recent = draft_with_file(client, make_founder().headers, "Récente", shared)
    (key,) = stored_keys_of(sessions, old)
    assert stored_keys_of(sessions, recent) == {key}
    start = utcnow() - timedelta(days=400)
    backdate(sessions, old, start)
    run(sessions, store, start + timedelta(days=181))
    report = run(sessions, store, start + timedelta(days=212))
    assert [d for d, _ in report.purged] == [uuid.UUID(old)]
    assert report.objects_deleted == 0 and store.exists(key)  # still the recent draft's

    backdate(sessions, recent, start + timedelta(days=100))
    run(sessions, store, start + timedelta(days=281))
    report = run(sessions, store, start + timedelta(days=312))
    assert [d for d, _ in report.purged] == [uuid.UUID(recent)]
    assert report.objects_deleted == 1 and not store.exists(key)


def test_dry_run_changes_nothing(client, make_founder, sessions, store):
    dossier_id = draft_with_file(client, make_founder().headers, "Sèche", minimal_pdf("dry"))
    start = utcnow() - timedelta(days=400)
    backdate(sessions, dossier_id, start)
    report = run(sessions, store, start + timedelta(days=181), dry_run=True)
    assert report.dry_run and report.warned == [uuid.UUID(dossier_id)]
    with sessions() as db:
        assert db.get(Dossier, uuid.UUID(dossier_id)).warned_at is None
        assert db.scalars(select(Notification)).all() == []



def test_the_warning_speaks_the_founders_language(client, make_founder, sessions, store):
    founder = make_founder()
    with transaction(sessions) as db:
        db.get(User, founder.id).language = "en"
    dossier_id = draft_with_file(client, founder.headers, "Lumiphase", minimal_pdf("en"))
    backdate(sessions, dossier_id, utcnow() - timedelta(days=200))
    run(sessions, store, utcnow())
    with sessions() as db:
        (notice,) = db.scalars(select(Notification).where(Notification.user_id == founder.id))
    assert notice.subject.startswith("Your draft \u201cLumiphase\u201d will be deleted on ")
    assert "deleted for good" in notice.body and "supprimé" not in notice.body

def test_the_warning_is_emailed_by_run_once(client, app, make_founder, sessions, smtp):
    founder = make_founder()
    dossier_id = draft_with_file(client, founder.headers, "Courriel", minimal_pdf("mail"))
    backdate(sessions, dossier_id, utcnow() - timedelta(days=200))
    runtime = app.state.dossier.runtime
    report = run_once(runtime, policy=RetentionSettings().policy())
    assert report.warned == [uuid.UUID(dossier_id)]
    (mail,) = smtp.wait_for(1)
    assert mail.rcpt_tos == [founder.email]
    assert "Courriel" in mail.subject and "supprimé" in mail.subject
    assert f"/founder/dossiers/{dossier_id}" in mail.text
    with transaction(sessions) as db:
        (notice,) = db.scalars(select(Notification).where(Notification.user_id == founder.id))
        assert notice.emailed_at is not None


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DRAFT_WARN_DAYS", "90")
    monkeypatch.setenv("DRAFT_PURGE_DAYS", "14")
    monkeypatch.setenv("CLOSED_RETENTION_MONTHS", "60")
    assert RetentionSettings().policy() == retention.Policy(90, 14, 60)
    monkeypatch.setenv("DRAFT_PURGE_DAYS", "0")
    with pytest.raises(ValueError, match="draft_purge_days"):
        RetentionSettings()
