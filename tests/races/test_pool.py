"""A busy pool: one connection per request at most, and a fast 503 when none is free."""

from __future__ import annotations

import time
from functools import partial

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.main import create_app
from dossier.db import make_engine
from dossier.models import DossierVersion
from tests.conftest import login
from tests.helpers import assert_storage_consistent, full_dossier, minimal_pdf, submit
from tests.races.conftest import TRIALS, race

POOL = 2  # connections: fewer than the concurrent requests, as on a busy day


@pytest.fixture
def small_pool(settings, database_url, sessions, store):
    """The app on an engine of two connections, waiting at most 5 s for one."""
    engine = make_engine(database_url, pool_size=POOL, max_overflow=0, pool_timeout=5)
    app = create_app(settings, engine=engine, store=store)
    with TestClient(app) as client:
        yield client, engine
    engine.dispose()


def test_thirty_concurrent_puts_on_two_connections_all_succeed(small_pool, sessions):
    """Each PUT held the auth session's connection while asking for a second: with 30 at
    once every connection was held and they all timed out (500s after 30 s)."""
    client, _ = small_pool
    founder = login(client, "founder@demo.example")
    draft = client.post("/api/v1/dossiers", headers=founder, json=full_dossier()).json()["id"]
    answers = race(*[partial(client.put, f"/api/v1/dossiers/{draft}", headers=founder,
                             json=full_dossier(name=f"Photonis Sud {i}")) for i in range(30)])
    assert [r.status_code for r in answers] == [200] * 30, {r.text for r in answers}
    final = client.get(f"/api/v1/dossiers/{draft}", headers=founder).json()
    assert final["content"]["company"]["legal_name"] in {f"Photonis Sud {i}" for i in range(30)}


def test_puts_racing_uploads_many_times(small_pool, sessions, store):
    """Twenty rounds of PUTs and uploads of one draft at once: no 5xx, every upload kept."""
    client, _ = small_pool
    founder = login(client, "founder@demo.example")
    draft = client.post("/api/v1/dossiers", headers=founder, json=full_dossier()).json()["id"]
    url = f"/api/v1/dossiers/{draft}"
    for trial in range(TRIALS):
        answers = race(*[partial(client.put, url, headers=founder,
                                 json=full_dossier(name=f"Photonis Sud {i}")) for i in range(3)],
                       *[partial(client.post, f"{url}/attachments", headers=founder,
                                 data={"kind": "kbis"},
                                 files={"file": ("k.pdf", minimal_pdf(f"T{trial}-{n}"),
                                                 "application/pdf")}) for n in range(2)])
        assert [r.status_code for r in answers] == [200] * 3 + [201] * 2, {
            r.text for r in answers}
    assert len(client.get(url, headers=founder).json()["attachments"]) == 2 * TRIALS
    assert_storage_consistent(sessions, store, sweep=True)


def test_concurrent_amendments_number_versions_without_gaps(small_pool, sessions):
    client, _ = small_pool
    founder = login(client, "founder@demo.example")
    dossier_id = submit(client, founder)["dossier_id"]
    answers = race(*[partial(client.put, f"/api/v1/dossiers/{dossier_id}", headers=founder,
                             json=full_dossier(name=f"Photonis Sud {i}")) for i in range(20)])
    assert [r.status_code for r in answers] == [200] * 20, {r.text for r in answers}
    with sessions() as db:
        numbers = sorted(db.scalars(select(DossierVersion.number)))
    assert numbers == list(range(1, 22))


def test_concurrent_uploads_and_deletes_on_two_connections(small_pool, sessions, store):
    client, _ = small_pool
    founder = login(client, "founder@demo.example")
    draft = client.post("/api/v1/dossiers", headers=founder, json=full_dossier()).json()["id"]
    url = f"/api/v1/dossiers/{draft}/attachments"
    uploads = race(*[partial(client.post, url, headers=founder, data={"kind": "kbis"},
                             files={"file": (f"k{i}.pdf", minimal_pdf(f"K{i}"),
                                             "application/pdf")}) for i in range(12)])
    assert [r.status_code for r in uploads] == [201] * 12, {r.text for r in uploads}
    deletes = race(*[partial(client.delete, f"{url}/{r.json()['id']}", headers=founder)
                     for r in uploads[:6]])
    assert [r.status_code for r in deletes] == [204] * 6, {r.text for r in deletes}
    listed = client.get(f"/api/v1/dossiers/{draft}", headers=founder).json()["attachments"]
    assert len(listed) == 6
    assert_storage_consistent(sessions, store, sweep=True)


def test_exhausted_pool_answers_503_with_retry_after_quickly(settings, database_url, sessions,
                                                             store):
    engine = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.5)
    app = create_app(settings, engine=engine, store=store)
    with TestClient(app) as client:
        founder = login(client, "founder@demo.example")
        with engine.connect():  # someone else holds the only connection
            started = time.monotonic()
            r = client.get("/api/v1/dossiers", headers=founder)
            waited = time.monotonic() - started
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "database_busy"
        assert r.headers["Retry-After"] == "2"
        assert waited < 5  # the pool's timeout, not a 30 s stall
        assert client.get("/api/v1/dossiers", headers=founder).status_code == 200
    engine.dispose()


def test_the_request_session_counts_one_connection(small_pool, sessions):
    """After a burst, every connection is back in the pool."""
    client, engine = small_pool
    founder = login(client, "founder@demo.example")
    race(*[partial(client.get, "/api/v1/dossiers", headers=founder) for _ in range(10)])
    assert engine.pool.checkedout() == 0
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(DossierVersion)) == 0
