"""Conflicting transitions on one route: exactly one wins, the others get 409, never a 5xx."""

from __future__ import annotations

import threading
import uuid
from functools import partial

import pytest
from sqlalchemy import delete, func, select, text

from dossier.errors import Conflict, NotFound
from dossier.models import Dossier, Route, RouteEvent, User
from dossier.services import routes
from dossier.services.access import AccessKind, record_access
from tests.helpers import wait_until
from tests.races.conftest import TRIALS, race

APPROVE = {"type": "approved", "instrument": "bank_loan", "amount_eur": "100000.00"}
DECLINE = {"type": "declined", "reason": "risk_profile"}


def decisions(sessions, route_id: str) -> list[str]:
    """The decision and withdrawal events recorded on a route."""
    with sessions() as db:
        return list(db.scalars(select(RouteEvent.type).where(
            RouteEvent.route_id == uuid.UUID(route_id),
            RouteEvent.type.in_(("approved", "declined", "withdrawn")))))


def act_in_own_session(sessions, route_id: str, email: str, event: str,
                       loaded: threading.Barrier) -> str:
    """Load the route, wait until the other side has loaded it too, then act."""
    with sessions() as db, db.begin():
        route = db.get(Route, uuid.UUID(route_id))
        user = db.scalar(select(User).where(User.email == email))
        assert route.state == "delivered"
        loaded.wait()
        if event == "withdrawn":
            return routes.withdraw(db=db, route=route, user=user).type
        body = APPROVE if event == "approved" else DECLINE
        return routes.reviewer_event(db=db, route=route, user=user, body=body).type


@pytest.mark.parametrize("second", ["declined", "withdrawn"])
def test_two_sessions_that_both_read_the_route_then_act_one_wins(
        delivered_routes, sessions, second):
    """Both transactions load the route before either writes: the lock makes the second wait,
    re-read and fail; without it both events were recorded."""
    for _ in range(TRIALS):
        partner, route_id = delivered_routes()
        second_email = ("founder@demo.example" if second == "withdrawn"
                        else f"{partner}@demo.example")
        loaded = threading.Barrier(2, timeout=30)
        outcomes = race(
            partial(act_in_own_session, sessions, route_id, f"{partner}@demo.example",
                    "approved", loaded),
            partial(act_in_own_session, sessions, route_id, second_email, second, loaded))
        assert all(isinstance(o, str | Conflict) for o in outcomes), outcomes
        winners = [o for o in outcomes if isinstance(o, str)]
        assert len(winners) == 1, outcomes
        assert decisions(sessions, route_id) == winners
        with sessions() as db:
            assert db.get(Route, uuid.UUID(route_id)).state == winners[0]


def test_approve_and_decline_over_http(client, delivered_routes, reviewers, sessions):
    """The same reviewer clicks both buttons at once: one 201, one 409, one decision."""
    for _ in range(TRIALS):
        partner, route_id = delivered_routes()
        headers = reviewers(partner)
        url = f"/api/v1/routes/{route_id}/events"
        answers = race(partial(client.post, url, headers=headers, json=APPROVE),
                       partial(client.post, url, headers=headers, json=DECLINE))
        codes = sorted(r.status_code for r in answers)
        assert codes == [201, 409], [r.text for r in answers]
        won = next(r for r in answers if r.status_code == 201).json()["type"]
        assert decisions(sessions, route_id) == [won]


def test_approve_racing_withdraw_over_http(client, founder, delivered_routes, reviewers,
                                           sessions):
    """A withdrawal that answered 200 is final: the route never ends approved after it, and
    the partner's reviewer can no longer read the dossier."""
    for _ in range(TRIALS):
        partner, route_id = delivered_routes()
        headers = reviewers(partner)
        approve, withdraw = race(
            partial(client.post, f"/api/v1/routes/{route_id}/events", headers=headers,
                    json=APPROVE),
            partial(client.post, f"/api/v1/routes/{route_id}/withdraw", headers=founder))
        # The reviewer who comes after the withdrawal no longer sees the route at all (404).
        assert (approve.status_code, withdraw.status_code) in (
            (201, 409), (409, 200), (404, 200)), (approve.text, withdraw.text)
        with sessions() as db:
            state = db.get(Route, uuid.UUID(route_id)).state
        if withdraw.status_code == 200:
            assert state == "withdrawn"
            assert decisions(sessions, route_id) == ["withdrawn"]
            seen = client.get(f"/api/v1/routes/{route_id}", headers=headers)
            assert seen.status_code == 404
        else:
            assert state == "approved"
            assert decisions(sessions, route_id) == ["approved"]


def test_many_messages_at_once_all_land(client, founder, delivered_routes, reviewers, sessions):
    """Events that do not change the state do not conflict with each other."""
    partner, route_id = delivered_routes()
    headers = reviewers(partner)
    url = f"/api/v1/routes/{route_id}/messages"
    answers = race(*[partial(client.post, url, headers=headers if i % 2 else founder,
                             json={"body": f"message {i}"}) for i in range(8)])
    assert [r.status_code for r in answers] == [201] * 8, [r.text for r in answers]
    with sessions() as db:
        count = db.scalar(select(func.count()).select_from(RouteEvent).where(
            RouteEvent.route_id == uuid.UUID(route_id), RouteEvent.type == "message"))
    assert count == 8


def read_then_act_after_the_dossier_is_deleted(sessions, route_id: str, email: str, act):
    """Load the route, let another transaction delete its dossier (an erasure), then act."""
    with sessions() as db, db.begin():
        route = db.get(Route, uuid.UUID(route_id))
        user = db.scalar(select(User).where(User.email == email))
        with sessions() as other, other.begin():
            other.execute(delete(Dossier).where(Dossier.id == route.dossier_id))
        act(db, route, user)


@pytest.mark.parametrize("action", ["read", "approve", "withdraw"])
def test_a_route_erased_under_a_request_is_404_not_500(delivered_routes, sessions, action):
    """GET /routes/{id} marked the route read after an erasure had deleted it: the flush's
    UPDATE matched no row and the API answered 500 (seen in the soak)."""
    partner, route_id = delivered_routes()
    email = "founder@demo.example" if action == "withdraw" else f"{partner}@demo.example"
    acts = {"read": lambda db, route, user: routes.open_route(db=db, route=route, user=user,
                                                             via="api"),
            "approve": lambda db, route, user: routes.reviewer_event(
                db=db, route=route, user=user, body=APPROVE),
            "withdraw": lambda db, route, user: routes.withdraw(db=db, route=route, user=user)}
    with pytest.raises(NotFound):
        read_then_act_after_the_dossier_is_deleted(sessions, route_id, email, acts[action])


def test_a_read_racing_an_erasure_waits_instead_of_deadlocking(delivered_routes, sessions,
                                                                database_url):
    """An erasure holds the routes, then asks for the dossier; a partner's read logged its
    access by checking the dossier first, then waiting for the route: PostgreSQL killed one
    of the two (deadlock, a 503 twice in the soak). The read now takes the route first."""
    partner, route_id = delivered_routes()  # the interleaving is forced: once is enough
    outcome: list[BaseException | None] = []
    if not database_url.startswith("postgresql"):
        # One writer at a time: the erasure commits between the read's load and its log.
        with pytest.raises(NotFound):
            read_then_act_after_the_dossier_is_deleted(
                sessions, route_id, f"{partner}@demo.example",
                lambda db, route, user: record_access(db=db, user=user, kind=AccessKind.pdf,
                                                      via="api", route=route))
        return
    with sessions() as erasure, erasure.begin():
        dossier_id = erasure.get(Route, uuid.UUID(route_id)).dossier_id
        erasure.execute(select(Route.id).where(Route.dossier_id == dossier_id)
                        .with_for_update()).all()
        reader = threading.Thread(target=log_a_read, args=(sessions, route_id, partner,
                                                           outcome))
        reader.start()
        wait_until_a_backend_waits_for_a_lock(sessions)
        # NOWAIT: the reader must not hold anything on the dossier while it waits.
        erasure.execute(select(Dossier.id).where(Dossier.id == dossier_id)
                        .with_for_update(nowait=True)).one()
        erasure.execute(delete(Dossier).where(Dossier.id == dossier_id))
    reader.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], NotFound), outcome


def log_a_read(sessions, route_id: str, partner: str, outcome: list) -> None:
    """A partner's reviewer reads the route's PDF: the access is logged."""
    with sessions() as db, db.begin():
        route = db.get(Route, uuid.UUID(route_id))
        user = db.scalar(select(User).where(User.email == f"{partner}@demo.example"))
        try:
            record_access(db=db, user=user, kind=AccessKind.pdf, via="api", route=route)
            outcome.append(None)
        except NotFound as exc:
            outcome.append(exc)


def wait_until_a_backend_waits_for_a_lock(sessions, timeout: float = 10.0) -> None:
    """Poll pg_stat_activity until some session of this database waits on a row lock."""
    def lock_waits() -> int:
        with sessions() as db:
            return db.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                  "current_database() AND wait_event_type = 'Lock'"))

    wait_until(lock_waits, what="the reader to wait for the erasure's lock", timeout=timeout,
               every=0.02)
