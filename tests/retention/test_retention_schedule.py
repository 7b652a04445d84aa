"""The retention flow's steps, its cheap "anything due?" check, and the dispatcher's schedule."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update

from dossier.db import transaction, utcnow
from dossier.models import DeletedDossier, Dossier
from tests.helpers import ready_dossier, upload_pdf, wait_until
from tests.retention.conftest import backdate, stored_keys_of
from workflows.dispatch import Dispatcher
from workflows.retention import delete_objects, purge_dossiers, retention_due, warn_drafts


def test_flow_steps_warn_purge_and_delete(client, app, make_founder, sessions, store):
    runtime = app.state.dossier.runtime
    founder = make_founder()
    dossier_id = ready_dossier(client, founder.headers, {"schema_version": 1}, kinds=())
    upload_pdf(client, founder.headers, dossier_id, "other", "flow", "a.pdf")
    (key,) = stored_keys_of(sessions, dossier_id)
    assert not retention_due(runtime)

    backdate(sessions, dossier_id, utcnow() - timedelta(days=250))
    assert retention_due(runtime)
    assert warn_drafts.fn() == 1 and purge_dossiers.fn() == []
    assert not retention_due(runtime)  # warned, and the purge delay has not passed

    with transaction(sessions) as db:  # the warning was sent 31 days ago
        db.execute(update(Dossier).where(Dossier.id == uuid.UUID(dossier_id)).values(
            warned_at=utcnow() - timedelta(days=31), updated_at=Dossier.updated_at))
    assert retention_due(runtime)
    assert purge_dossiers.fn() == [dossier_id]
    assert retention_due(runtime) and store.exists(key)  # the object is still to delete
    assert delete_objects.fn() == 1 and not store.exists(key)
    assert not retention_due(runtime)
    with sessions() as db:
        assert db.get(DeletedDossier, uuid.UUID(dossier_id)).objects_deleted_at is not None


def test_the_dispatcher_runs_retention_periodically(app):
    runs: list[float] = []
    dispatcher = Dispatcher(app.state.dossier.runtime, interval=0.05, reminder_interval=0,
                            retention_interval=0.2, retain=lambda _rt: runs.append(1),
                            launcher=None)
    dispatcher.start()
    try:
        wait_until(lambda: runs, lambda seen: len(seen) >= 2, what="two retention runs",
                   timeout=5, every=0.02)
    finally:
        dispatcher.stop()
    ticks: list[int] = []  # a 0.05 s periodic job: proof the dispatcher's loop has moved on
    off = Dispatcher(app.state.dossier.runtime, interval=0.05, reminder_interval=0.05,
                     reminders_due=lambda _rt: ticks.append(1), retain=lambda _rt: runs.append(1),
                     launcher=None)
    count = len(runs)
    off.start()
    try:  # past twice the 0.2 s interval that ran retention above
        wait_until(lambda: ticks, lambda seen: len(seen) >= 8, what="eight dispatcher ticks",
                   timeout=5, every=0.02)
    finally:
        off.stop()
    assert len(runs) == count  # retention_interval defaults to 0: never
