"""Route tallies: the triggers keep exact per-partner counts through every kind of write."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import timedelta

from sqlalchemy import delete, func, insert, select, update

from dossier.db import transaction, utcnow
from dossier.models import Dossier, Route, RouteTally, User
from dossier.routing.machine import State
from dossier.services import inbox, tallies

PARTNERS = ("cepac", "bpmed", "cic")
STATES = [s.value for s in State]


def _counted(db, partner: str) -> dict[str, int]:
    rows = db.execute(select(Route.state, func.count()).where(Route.partner_code == partner)
                      .group_by(Route.state)).all()
    return dict(rows)


def _assert_exact(sessions) -> None:
    with transaction(sessions) as db:
        for partner in PARTNERS:
            assert tallies.counts(db=db, partner=partner) == _counted(db, partner)


def _make_routes(sessions, dossiers: int, rng: random.Random) -> list[uuid.UUID]:
    now = utcnow()
    with transaction(sessions) as db:
        owner = db.scalar(select(User.id).where(User.email == "founder@demo.example"))
        ids = []
        for i in range(dossiers):
            dossier = Dossier(owner_id=owner, company_name=f"Société {i}", sector="health")
            db.add(dossier)
            db.flush()
            for partner in PARTNERS:
                route = Route(dossier_id=dossier.id, partner_code=partner,
                              state=rng.choice(STATES), amount_cents=100_000 * (i + 1),
                              consent_version=1, consent_at=now,
                              delivered_at=now - timedelta(days=i))
                db.add(route)
                db.flush()
                ids.append(route.id)
        return ids


def test_counts_follow_inserts_updates_bulk_writes_and_deletes(sessions):
    rng = random.Random(1)
    ids = _make_routes(sessions, 12, rng)
    _assert_exact(sessions)
    with transaction(sessions) as db:  # ORM updates, one row at a time
        for route in db.scalars(select(Route).where(Route.id.in_(ids[:10]))):
            route.state = rng.choice(STATES)
    _assert_exact(sessions)
    with transaction(sessions) as db:  # one statement over many rows, and a no-op update
        db.execute(update(Route).where(Route.partner_code == "cepac").values(state="declined"))
        db.execute(update(Route).values(seen_version=2))
    _assert_exact(sessions)
    with transaction(sessions) as db:  # bulk delete, as retention does
        doomed = db.scalar(select(Route.dossier_id).where(Route.id == ids[0]))
        db.execute(delete(Route).where(Route.dossier_id == doomed))
    _assert_exact(sessions)
    with transaction(sessions) as db:  # routes removed by the dossier's ON DELETE CASCADE
        doomed = db.scalar(select(Route.dossier_id).where(Route.id == ids[3]))
        db.execute(delete(Dossier).where(Dossier.id == doomed))
    _assert_exact(sessions)
    with transaction(sessions) as db:  # a rolled-back change leaves no delta
        db.execute(update(Route).values(state="approved"))
        db.rollback()
    _assert_exact(sessions)


def test_compaction_keeps_the_sums_and_bounds_the_rows(sessions, monkeypatch):
    rng = random.Random(2)
    ids = _make_routes(sessions, 5, rng)
    for _ in range(30):
        with transaction(sessions) as db:
            db.execute(update(Route).where(Route.id == rng.choice(ids))
                       .values(state=rng.choice(STATES)))
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 3)
    _assert_exact(sessions)  # reads, and compacts, then reads again
    _assert_exact(sessions)
    with transaction(sessions) as db:
        rows = db.scalar(select(func.count()).select_from(RouteTally)
                         .where(RouteTally.partner_code == "cepac"))
        assert rows <= len(STATES)


def test_inbox_total_from_tallies_equals_a_real_count(sessions):
    rng = random.Random(3)
    _make_routes(sessions, 20, rng)
    with transaction(sessions) as db:
        for partner in PARTNERS:
            for state in (None, "in_review", "approved"):
                visible = inbox.inbox(db=db, partner=partner, state=state, page_size=5)
                # an always-true filter forces the counting path
                counted = inbox.inbox(db=db, partner=partner, state=state, page_size=5,
                                      amount_min_cents=0)
                assert visible["total"] == counted["total"]
                assert visible["items"] == counted["items"]


def test_concurrent_writers_and_compactions_lose_nothing(sessions, monkeypatch):
    ids = _make_routes(sessions, 10, random.Random(4))
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 5)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(25):
                with transaction(sessions) as db:
                    # several partners per transaction, rows in one order (no row deadlock)
                    for route_id in sorted(rng.sample(ids, 3)):
                        db.execute(update(Route).where(Route.id == route_id)
                                   .values(state=rng.choice(STATES)))
                    tallies.counts(db=db, partner=rng.choice(PARTNERS))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    _assert_exact(sessions)


def test_recount_rebuilds_tallies_after_writes_made_without_triggers(sessions):
    _make_routes(sessions, 6, random.Random(5))
    with transaction(sessions) as db:  # as if routes had been bulk-loaded with triggers off
        db.execute(delete(RouteTally))
        db.execute(insert(RouteTally).values(partner_code="cepac", state="approved", n=999))
    with transaction(sessions) as db:
        assert tallies.counts(db=db, partner="cepac") != _counted(db, "cepac")
        tallies.recount(db=db)
    _assert_exact(sessions)
