"""A migration that copies a table on SQLite (decisions0001 swaps the unique constraints of
routes and deliveries) keeps every row, trigger and partial index, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from app.cli import cli
from app.migrate import alembic_config
from dossier.audit import verify
from dossier.db import make_engine, make_sessionmaker
from tests.test_cli import migrated

BEFORE = "validity0001"
COUNTED = ("routes", "route_events", "deliveries", "access_records", "route_tallies",
           "messages", "notifications")


def snapshot(url: str) -> dict[str, object]:
    """Row counts, the routes' triggers and indexes with their SQL, the audit chain's state."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: S608
                      for t in COUNTED}
            extras = dict(conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('routes', "
                "'deliveries') AND type IN ('trigger', 'index') AND sql IS NOT NULL")).all())
        with make_sessionmaker(engine)() as db:
            report = verify(db)
        return {"counts": counts, "extras": extras, "broken": report.broken,
                "records": report.records}
    finally:
        engine.dispose()


def test_routes_and_deliveries_are_copied_whole_both_ways(tmp_path, monkeypatch):
    runner, url = migrated(tmp_path, monkeypatch, DEMO_SAMPLES="1")
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    at_head = snapshot(url)
    assert at_head["counts"]["routes"] >= 8 and at_head["counts"]["route_events"] > 20
    assert at_head["broken"] is None

    command.downgrade(alembic_config(url), BEFORE)
    before = snapshot(url)
    assert before["counts"] == at_head["counts"]  # no child row cascaded away
    assert before["broken"] is None and before["records"] == at_head["records"]
    assert {n for n in before["extras"] if n.startswith("routes_tally")} == {
        "routes_tally_insert", "routes_tally_update", "routes_tally_delete"}
    assert "'accepted'" not in before["extras"]["ix_routes_partner_decided"]

    command.upgrade(alembic_config(url), "head")
    again = snapshot(url)
    assert again == at_head  # rows, triggers, partial indexes and chain as they were
    assert "WHERE state IN ('accepted', 'approved', 'declined')" in \
        again["extras"]["ix_routes_partner_decided"]

    # the tallies' triggers still count
    engine = make_engine(url)
    with engine.begin() as conn:
        route = conn.execute(text("SELECT id, partner_code FROM routes WHERE state = "
                                  "'declined' LIMIT 1")).first()
        tally = ("SELECT coalesce(sum(n), 0) FROM route_tallies WHERE partner_code = :p "
                 "AND state = 'withdrawn'")
        before_update = conn.execute(text(tally), {"p": route.partner_code}).scalar()
        conn.execute(text("UPDATE routes SET state = 'withdrawn' WHERE id = :id"),
                     {"id": route.id})
        assert conn.execute(text(tally), {"p": route.partner_code}).scalar() == before_update + 1
    engine.dispose()
