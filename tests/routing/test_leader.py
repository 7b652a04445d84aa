"""One dispatcher leads among a serve's processes; the others hand it their submissions."""

from __future__ import annotations

import secrets
import uuid

from tests.helpers import wait_until
from workflows.dispatch import Dispatcher
from workflows.leader import Leadership


def _group() -> str:
    return secrets.token_hex(8)


def test_one_process_leads_and_receives_what_the_others_hand_over():
    group = _group()
    first, second = Leadership(group), Leadership(group)
    assert first.try_lead()
    assert not second.try_lead()
    version = str(uuid.uuid4())
    assert second.hand_over(version)
    second.hand_over("not a version id")
    assert first.receive() == version
    assert first.receive() is None  # the stray message is dropped, nothing else came
    first.resign()
    assert second.try_lead()  # the address is free again: another process leads
    second.resign()


def test_a_hand_over_with_no_leader_is_refused_not_raised():
    assert not Leadership(_group()).hand_over(str(uuid.uuid4()))


def test_the_follower_hands_submissions_to_the_leader_and_takes_over_when_it_stops():
    group = _group()
    routed: dict[str, list[str]] = {"leader": [], "follower": []}

    def dispatcher(name: str) -> Dispatcher:
        return Dispatcher(runtime=None, interval=3600, launcher=None,
                          route=routed[name].append, reconcile=lambda: None,
                          leadership=Leadership(group), warm_up=lambda *_: None)

    leader = dispatcher("leader")
    leader.start()
    wait_until(lambda: leader.leadership.leading, what="the first to lead", timeout=10)
    follower = dispatcher("follower")
    follower.start()
    try:
        submitted = str(uuid.uuid4())
        follower.submitted(submitted)
        wait_until(lambda: routed["leader"], what="the leader to route it", timeout=10)
        assert routed == {"leader": [submitted], "follower": []}

        leader.stop()
        wait_until(lambda: follower.leadership.leading, what="the follower to take over",
                   timeout=15)
        later = str(uuid.uuid4())
        follower.submitted(later)
        wait_until(lambda: routed["follower"], what="the new leader to route", timeout=10)
        assert routed["follower"] == [later]
    finally:
        follower.stop()
        leader.stop()
