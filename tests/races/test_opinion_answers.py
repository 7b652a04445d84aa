"""An expert's opinion raced: two answers, or an answer and the partner's revocation, at the
same moment; exactly one wins, the other is a 409, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from functools import partial

from sqlalchemy import func, select

from dossier.db import transaction
from dossier.errors import Conflict
from dossier.models import Notification, Opinion, Route, User
from dossier.opinions import today
from dossier.services import opinions
from tests.races.conftest import TRIALS, race


def invited(sessions, partner: str, route_id: str) -> str:
    """An open invitation on the route, by the partner's demo reviewer; its id."""
    with transaction(sessions) as db:
        route = db.get(Route, uuid.UUID(route_id))
        user = db.scalar(select(User).where(User.email == f"{partner}@demo.example"))
        row = opinions.invite(db=db, route=route, user=user, body={
            "email": "expert@course.example", "question": "Votre avis ?",
            "expires_on": (today() + timedelta(days=3)).isoformat()})
        return str(row.id)


def answer(sessions, opinion_id: str, text: str, loaded: threading.Barrier) -> str:
    """The expert answers in its own session, once the other side has loaded too."""
    with sessions() as db, db.begin():
        expert = opinions.caller(db=db, row=db.get(Opinion, uuid.UUID(opinion_id)))
        route = db.get(Route, expert.route_id)
        loaded.wait()
        return opinions.answer(db=db, route=route, expert=expert, body={"answer": text}).answer


def revoke(sessions, partner: str, opinion_id: str, loaded: threading.Barrier) -> str:
    """The partner revokes in its own session, once the other side has loaded too."""
    with sessions() as db, db.begin():
        row = db.get(Opinion, uuid.UUID(opinion_id))
        route = db.get(Route, row.route_id)
        user = db.scalar(select(User).where(User.email == f"{partner}@demo.example"))
        loaded.wait()
        opinions.revoke(db=db, route=route, user=user, opinion_id=opinion_id)
        return "revoked"


def told(sessions, opinion_id: str) -> int:
    """The notices of the opinion (the reviewer who asked is told once)."""
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "opinion",
            Notification.dedupe_key.like(f"opinion:{opinion_id}:%")))


def test_of_two_answers_at_once_one_is_kept(delivered_routes, sessions):
    for _ in range(TRIALS):
        partner, route_id = delivered_routes()
        opinion_id = invited(sessions, partner, route_id)
        loaded = threading.Barrier(2, timeout=30)
        outcomes = race(partial(answer, sessions, opinion_id, "first", loaded),
                        partial(answer, sessions, opinion_id, "second", loaded))
        assert all(isinstance(o, str | Conflict) for o in outcomes), outcomes
        winners = [o for o in outcomes if isinstance(o, str)]
        assert len(winners) == 1, outcomes
        with sessions() as db:
            assert db.get(Opinion, uuid.UUID(opinion_id)).answer == winners[0]
        assert told(sessions, opinion_id) == 1


def test_an_answer_racing_its_revocation_never_lands_after_it(delivered_routes, sessions):
    """Revoked first: the answer is refused. Answered first: the revocation still ends the
    expert's access, and the opinion stays."""
    for _ in range(TRIALS):
        partner, route_id = delivered_routes()
        opinion_id = invited(sessions, partner, route_id)
        loaded = threading.Barrier(2, timeout=30)
        given, revoked = race(partial(answer, sessions, opinion_id, "avis", loaded),
                              partial(revoke, sessions, partner, opinion_id, loaded))
        assert revoked == "revoked", revoked
        assert given == "avis" or isinstance(given, Conflict), given
        with sessions() as db:
            row = db.get(Opinion, uuid.UUID(opinion_id))
        assert row.revoked_at is not None
        if given == "avis":
            assert row.answer == "avis" and row.answered_at <= row.revoked_at
        else:
            assert row.answer is None and given.code == "opinion_revoked"
        assert told(sessions, opinion_id) == (1 if given == "avis" else 0)
