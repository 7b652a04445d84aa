"""The one post-commit hook: noted versions reach the dispatcher after commit, never after a
rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from dossier.outbox import dispatch_after_commit, route_after_commit


@pytest.fixture
def routed(sessions) -> list[str]:
    """What the hook handed on, with the hook installed on the test's session factory."""
    handed: list[str] = []
    dispatch_after_commit(sessions, handed.append)
    return handed


def test_a_noted_version_is_handed_on_once_after_commit(sessions, routed):
    with sessions() as db, db.begin():
        db.execute(text("SELECT 1"))
        route_after_commit(db, "v1")
        route_after_commit(db, "v1")
        assert routed == []  # not before the commit
    assert routed == ["v1"]
    with sessions() as db, db.begin():
        db.execute(text("SELECT 1"))
    assert routed == ["v1"]


def test_nothing_is_handed_on_when_the_transaction_rolls_back(sessions, routed):
    with pytest.raises(RuntimeError), sessions() as db, db.begin():
        db.execute(text("SELECT 1"))
        route_after_commit(db, "v1")
        raise RuntimeError("the request failed")
    with sessions() as db:
        db.execute(text("SELECT 1"))
        route_after_commit(db, "v2")
        db.rollback()
        db.execute(text("SELECT 1"))
        db.commit()  # a later commit of the same session does not revive it
    with sessions() as db:
        db.execute(text("SELECT 1"))
        route_after_commit(db, "v3")  # closed without a commit
    assert routed == []


def test_a_failing_hand_on_does_not_undo_the_commit(sessions):
    def broken(_version_id: str) -> None:
        raise OSError("dispatcher gone")

    dispatch_after_commit(sessions, broken)
    with sessions() as db, db.begin():
        db.execute(text("SELECT 1"))
        route_after_commit(db, "v1")  # the outbox row stays; reconciliation routes it
