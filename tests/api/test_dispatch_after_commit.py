"""Submit and amend hand their version to the dispatcher after commit, through the one hook."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from dossier.models import DossierVersion, RouteEvent
from dossier.routing.machine import IllegalTransition, State, check
from tests.helpers import full_dossier, ready_dossier


def queued(app) -> list[str]:
    """The versions handed to the dispatcher so far (its thread is not started here)."""
    return app.state.dossier.dispatcher._take_queued()


def versions(sessions, dossier_id: str) -> dict[int, str]:
    with sessions() as db:
        rows = db.scalars(select(DossierVersion).where(
            DossierVersion.dossier_id == uuid.UUID(dossier_id)))
        return {v.number: str(v.id) for v in rows}


def test_submit_and_amendment_are_dispatched_after_commit_refusals_are_not(
        app, client, founder, sessions):
    dossier_id = ready_dossier(client, founder, full_dossier())
    refused = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                          json={"consent": False})
    assert refused.status_code == 422, refused.text
    assert queued(app) == []
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 202, r.text
    assert queued(app) == [versions(sessions, dossier_id)[1]]
    again = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                        json={"consent": True})
    assert again.json()["routing"] == "already_routed" and queued(app) == []
    amended = full_dossier()
    amended["company"]["headcount"] = 13
    assert client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder,
                      json=amended).status_code == 200
    assert queued(app) == [versions(sessions, dossier_id)[2]]


def test_submitted_is_the_machine_event_that_creates_a_route(client, founder, sessions):
    assert check("submitted", None, "founder") == State.queued
    with pytest.raises(IllegalTransition):
        check("submitted", State.queued, "founder")  # a route is submitted once
    dossier_id = ready_dossier(client, founder, full_dossier())
    client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                json={"consent": True})
    with sessions() as db:
        events = db.scalars(select(RouteEvent).where(RouteEvent.type == "submitted")).all()
    assert events and all(e.from_state is None and e.to_state == State.queued
                          and e.actor_role == "founder" for e in events)
