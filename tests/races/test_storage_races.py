"""Shared objects under concurrency: deleting, purging or erasing one dossier's copy of some
bytes while another dossier uploads the same bytes never loses the new upload, and erasing
an account while its dossier is routed leaves no PDF behind. Each race runs TRIALS times on
SQLite and PostgreSQL (the routed one ROUTED_TRIALS times: a trial runs a Prefect flow, 3 s),
its invariant asserted every time; `storage check` ends each test. `make race` runs each of
them RACE_TRIALS times.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.privacy import erase
from dossier.db import transaction, utcnow
from dossier.models import Attachment, Dossier, DossierVersion, RenderedDocument
from dossier.services import retention, users
from tests.conftest import login
from tests.helpers import assert_storage_consistent, minimal_pdf, ready_dossier, submit
from tests.races.conftest import TRIALS, trials
from tests.retention.conftest import two_partner_body

ROUTED_TRIALS = trials(8)  # 20 took 65 s per database, the longest test of `make test`
PASSWORD = "race-founder-pw"


def together(*actions: Callable[[], object], jitter: float = 0.02) -> list[object]:
    """Run the actions in threads released at once (each after a small random delay)."""
    start = threading.Barrier(len(actions), timeout=30)
    results: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        start.wait()
        time.sleep(random.uniform(0, jitter))
        try:
            results[i] = action()
        except BaseException as exc:  # handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def timed(action: Callable[[], object], took: list[float]) -> Callable[[], object]:
    """The action, recording how long it took (the window the next trial aims into)."""
    def run() -> object:
        started = time.monotonic()
        try:
            return action()
        finally:
            took.append(time.monotonic() - started)
    return run


def aimed(action: Callable[[], object], took: list[float], lasted: list[float]
          ) -> Callable[[], object]:
    """The upload, timed so that its write and its row fall around the end of the previous
    trial's deletion (`took`), where the objects go; the first trials just race."""
    lead = (took[-1] - lasted[-1]) if took and lasted else 0.0
    delay = max(0.0, random.uniform(lead - 0.01, lead + lasted[-1] / 2 if lasted else 0.02))
    return timed(later(action, delay), lasted)


def later(action: Callable[[], object], delay: float) -> Callable[[], object]:
    """The action, started after `delay` seconds."""
    def run() -> object:
        time.sleep(delay)
        return action()
    return run


def upload(client, headers, dossier_id: str, data: bytes):
    return client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                       files={"file": ("kbis.pdf", data, "application/pdf")},
                       data={"kind": "kbis"})


def download(client, headers, dossier_id: str, attachment_id: str) -> bytes:
    r = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{attachment_id}/content",
                   headers=headers)
    assert r.status_code == 200, r.text
    return r.content


def new_founder(client, sessions) -> tuple[uuid.UUID, dict[str, str]]:
    email = f"race-{uuid.uuid4().hex[:10]}@startup.example"
    with transaction(sessions) as db:
        user = users.create_user(db=db, email=email, password=PASSWORD, role="founder")
    return user.id, login(client, email, PASSWORD)


def founder_copy(client, sessions, label: str) -> tuple[uuid.UUID, str, bytes]:
    """A new founder's draft holding new bytes, the copy a race takes away: the founder's id,
    the draft's id, the bytes."""
    data = minimal_pdf(f"{label} {uuid.uuid4().hex}")
    user_id, headers = new_founder(client, sessions)
    dossier_id = ready_dossier(client, headers, kinds=())
    assert upload(client, headers, dossier_id, data).status_code == 201
    return user_id, dossier_id, data


def unreferenced(sessions, store) -> set[str]:
    """Objects in the store that no attachment or PDF row references."""
    listed = {p.relative_to(store.root).as_posix()
              for p in (store.root / "sha256").glob("*/*/*")}
    with sessions() as db:
        used = set(db.scalars(select(Attachment.storage_key)))
        used |= set(db.scalars(select(RenderedDocument.storage_key)))
    return listed - used


def store_cleanup(store, keys: set[str]) -> None:
    """Remove orphans a failed trial left, so the next trial is judged on its own."""
    for key in keys:
        store.delete(key)


def assert_kept(client, headers, dossier_id: str, answer, data: bytes) -> str:
    """The racing upload succeeded and its attachment serves exactly its bytes."""
    assert not isinstance(answer, BaseException), repr(answer)
    assert answer.status_code == 201, answer.text
    attachment_id = answer.json()["id"]
    assert download(client, headers, dossier_id, attachment_id) == data
    return attachment_id


def assert_uploads_kept(client, headers, dossier_id: str,
                        race_once: Callable[[int], tuple[object, bytes]]
                        ) -> list[tuple[str, bytes]]:
    """Run `race_once(trial)` TRIALS times: it races an upload of some bytes to the dossier
    against something else and returns (that upload's answer, the bytes). Every upload is
    kept; the kept attachments' ids with their bytes."""
    kept, lost = [], []
    for trial in range(TRIALS):
        uploaded, data = race_once(trial)
        try:
            kept.append((assert_kept(client, headers, dossier_id, uploaded, data), data))
        except AssertionError as exc:
            lost.append(f"trial {trial}: {exc}")
    assert not lost, f"{len(lost)}/{TRIALS} uploads lost: {lost}"
    return kept


def test_delete_in_one_dossier_while_another_uploads_the_same_bytes(client, founder, sessions,
                                                                   store):
    mine, theirs = (ready_dossier(client, founder, kinds=()) for _ in range(2))

    def race_once(trial: int) -> tuple[object, bytes]:
        data = minimal_pdf(f"shared {trial} {uuid.uuid4().hex}")
        first = upload(client, founder, mine, data)
        assert first.status_code == 201, first.text
        url = f"/api/v1/dossiers/{mine}/attachments/{first.json()['id']}"
        deleted, uploaded = together(lambda: client.delete(url, headers=founder),
                                     lambda: upload(client, founder, theirs, data))
        assert deleted.status_code == 204, deleted.text
        return uploaded, data

    kept = assert_uploads_kept(client, founder, theirs, race_once)
    assert_storage_consistent(sessions, store, sweep=True)
    for attachment_id, data in kept:  # the sweep took nothing that is referenced
        assert download(client, founder, theirs, attachment_id) == data


def test_delete_and_upload_racing_a_sweep_with_no_grace(client, founder, sessions, store):
    from dossier.services import objects

    def sweep():
        return objects.sweep(sessions=sessions, store=store, grace=timedelta(0))

    mine, theirs = (ready_dossier(client, founder, kinds=()) for _ in range(2))
    for trial in range(TRIALS):
        data = minimal_pdf(f"swept {trial} {uuid.uuid4().hex}")
        first = upload(client, founder, mine, data)
        url = f"/api/v1/dossiers/{mine}/attachments/{first.json()['id']}"
        deleted, uploaded, swept = together(
            lambda u=url: client.delete(u, headers=founder),
            lambda d=data: upload(client, founder, theirs, d), sweep, jitter=0.03)
        assert deleted.status_code == 204 and not isinstance(swept, BaseException), swept
        assert_kept(client, founder, theirs, uploaded, data)
    assert_storage_consistent(sessions, store, sweep=True)


def test_retention_purge_while_another_dossier_uploads_the_same_bytes(client, founder,
                                                                     sessions, store):
    theirs = ready_dossier(client, founder, kinds=())
    policy = retention.Policy(draft_warn_days=1, draft_purge_days=1)
    long_ago = utcnow() - timedelta(days=30)
    took, lasted = [], []

    def race_once(trial: int) -> tuple[object, bytes]:
        _, doomed, data = founder_copy(client, sessions, f"purged {trial}")
        with transaction(sessions) as db:  # untouched for a month, warned long ago
            db.execute(update(Dossier).where(Dossier.id == uuid.UUID(doomed))
                       .values(updated_at=long_ago, warned_at=long_ago + timedelta(days=1)))

        def purge():
            return retention.run(sessions=sessions, store=store, now=utcnow(), policy=policy,
                                 siren_key=b"k")

        report, uploaded = together(
            timed(purge, took),
            aimed(lambda: upload(client, founder, theirs, data), took, lasted))
        assert not isinstance(report, BaseException), repr(report)
        assert (uuid.UUID(doomed), retention.Reason.draft_inactive) in report.purged
        return uploaded, data

    assert_uploads_kept(client, founder, theirs, race_once)
    assert_storage_consistent(sessions, store)


def test_erasure_while_another_dossier_uploads_the_same_bytes(client, app, founder, sessions,
                                                             store):
    state = app.state.dossier
    theirs = ready_dossier(client, founder, kinds=())
    took, lasted = [], []

    def race_once(trial: int) -> tuple[object, bytes]:
        user_id, _, data = founder_copy(client, sessions, f"erased {trial}")
        erased, uploaded = together(
            timed(lambda: erase(state, user_id=user_id, password=PASSWORD), took),
            aimed(lambda: upload(client, founder, theirs, data), took, lasted))
        assert not isinstance(erased, BaseException) and len(erased) == 1, repr(erased)
        return uploaded, data

    assert_uploads_kept(client, founder, theirs, race_once)
    assert_storage_consistent(sessions, store)


@pytest.fixture
def quick_render(app) -> float:
    """How long rendering a dossier's PDF takes here: the window the erasure aims at."""
    from forms.pdf import render_dossier_pdf

    started = time.monotonic()
    render_dossier_pdf(two_partner_body("Calibrage"), attachments=[], partners={}, version=1,
                       content_hash="0" * 64, generated_at=utcnow())
    return time.monotonic() - started


def test_erasure_while_the_dossier_is_routed_leaves_no_pdf(client, app, sessions, store,
                                                          prefect_harness, quick_render):
    from workflows.routing import route_submission

    state = app.state.dossier
    outcomes: dict[str, int] = {}
    failed = []
    for trial in range(ROUTED_TRIALS):
        user_id, headers = new_founder(client, sessions)
        name = f"Racecar {trial} {uuid.uuid4().hex[:6]}"
        dossier_id = submit(client, headers, two_partner_body(name))["dossier_id"]
        with sessions() as db:
            version_id = db.scalar(select(DossierVersion.id)
                                   .where(DossierVersion.dossier_id == uuid.UUID(dossier_id)))
        delay = random.uniform(0, quick_render * 1.5)

        def erase_soon(u=user_id, wait=delay):
            time.sleep(wait)
            return erase(state, user_id=u, password=PASSWORD)

        routed, erased = together(lambda v=version_id: route_submission(str(v)), erase_soon,
                                  jitter=0)
        assert not isinstance(erased, BaseException), repr(erased)
        with sessions() as db:
            assert db.get(DossierVersion, version_id) is None
        if isinstance(routed, BaseException):
            failed.append(f"trial {trial}: the flow failed: {routed!r}")
        else:
            for outcome, count in routed.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + count
        if orphans := unreferenced(sessions, store):
            failed.append(f"trial {trial}: {len(orphans)} orphan object(s)")
            store_cleanup(store, orphans)
    assert not failed, f"{len(failed)}/{ROUTED_TRIALS} trials went wrong: {failed} ({outcomes})"
    assert_storage_consistent(sessions, store)
