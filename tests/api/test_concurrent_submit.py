"""Two submits of one dossier at the same moment: one routes, the other routes nothing; no 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from dossier import access
from dossier.access import Action
from dossier.models import DossierVersion, Route, RoutingRequest
from dossier.services import submission, users
from tests.helpers import full_dossier, ready_dossier


def count(sessions, model) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_two_sessions_that_both_read_before_writing_version_once(client, founder, sessions):
    """Both load the dossier, then submit together: the race that raised IntegrityError."""
    dossier_id = ready_dossier(client, founder, full_dossier())
    both_loaded = threading.Barrier(2, timeout=30)

    def submit_in_own_session() -> bool:
        with sessions() as db, db.begin():
            user = users.get_by_email(db=db, email="founder@demo.example")
            dossier = access.load_dossier(db=db, dossier_id=dossier_id, user=user,
                                          action=Action.submit_dossier)
            assert dossier.current_version is None
            both_loaded.wait()
            version, request = submission.submit(db=db, dossier=dossier, user=user,
                                                 consent=True, channels={})
            assert version.number == 1
            return request is not None

    with ThreadPoolExecutor(2) as pool:
        routed = [f.result() for f in [pool.submit(submit_in_own_session) for _ in range(2)]]
    assert sorted(routed) == [False, True]
    assert count(sessions, DossierVersion) == 1
    assert count(sessions, RoutingRequest) == 1
    assert count(sessions, Route) == len(full_dossier()["requests"])


def test_two_concurrent_http_submits_answer_202_and_route_once(client, founder, sessions):
    dossier_id = ready_dossier(client, founder, full_dossier())
    start = threading.Barrier(2, timeout=30)

    def post():
        start.wait()
        return client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                           json={"consent": True})

    with ThreadPoolExecutor(2) as pool:
        answers = [f.result() for f in [pool.submit(post) for _ in range(2)]]
    assert [r.status_code for r in answers] == [202, 202], [r.text for r in answers]
    assert sorted(r.json()["routing"] for r in answers) == ["already_routed", "started"]
    assert {r.json()["version"] for r in answers} == {1}
    assert count(sessions, DossierVersion) == 1
    assert count(sessions, RoutingRequest) == 1


def test_idempotency_key_replays_the_first_answer(client, founder, sessions):
    dossier_id = ready_dossier(client, founder, full_dossier())
    url = f"/api/v1/dossiers/{dossier_id}/submit"
    key = {**founder, "Idempotency-Key": "submit-7f3a"}
    first = client.post(url, headers=key, json={"consent": True})
    assert first.status_code == 202 and first.json()["routing"] == "started"
    amended = full_dossier()
    amended["company"]["headcount"] = 12
    assert client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder,
                      json=amended).json()["version"] == 2

    replay = client.post(url, headers=key, json={"consent": True})
    assert replay.status_code == 202
    assert (replay.json()["version"], replay.json()["routing"]) == (1, "already_routed")
    fresh = client.post(url, headers={**founder, "Idempotency-Key": "another"},
                        json={"consent": True})
    assert (fresh.json()["version"], fresh.json()["routing"]) == (2, "already_routed")
    assert count(sessions, DossierVersion) == 2
    assert count(sessions, RoutingRequest) == 2  # the submit, then the amendment's update
