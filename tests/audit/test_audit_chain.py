"""The audit chain links every route event and access record; edits and deletions show."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import Uuid, bindparam, func, select, text
from typer.testing import CliRunner

from app.cli import cli
from dossier.audit import chain_records, record_hash, verify
from dossier.db import JSONType, UTCDateTime, transaction
from dossier.models import AccessRecord, AuditHead, Route, RouteEvent, User
from dossier.services.access import AccessKind, record_access
from tests.conftest import login

DELETE = {"route_events": "DELETE FROM route_events WHERE id = :id",
          "access_records": "DELETE FROM access_records WHERE id = :id"}


def run_verify(database_url: str, monkeypatch, *args: str):
    """`dossier audit verify` on the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(cli, ["audit", "verify", *args])


def verify_breaks_at(database_url: str, monkeypatch, table: str, record_id) -> str:
    """`dossier audit verify` fails, naming this record as the first broken link; its output."""
    result = run_verify(database_url, monkeypatch)
    assert result.exit_code == 1
    assert result.output.startswith(f"broken link in {table} {record_id} "), result.output
    return result.output


def live_history(client, founder, delivered) -> None:
    """Reviewers read and act, the founder answers: events and readings interleave."""
    cepac, rid = login(client, "cepac@demo.example"), delivered.routes["cepac"]
    assert client.get(f"/api/v1/routes/{rid}", headers=cepac).status_code == 200
    for body in ({"type": "opened"}, {"type": "in_review"},
                 {"type": "info_requested", "request_kind": "question",
                  "message": "Quel est le délai de livraison du premier client ?"}):
        r = client.post(f"/api/v1/routes/{rid}/events", headers=cepac, json=body)
        assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/routes/{rid}/messages", headers=founder,
                    json={"body": "Six semaines après la commande."})
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/routes/{rid}/pdf", headers=cepac).status_code == 200
    bpmed = login(client, "bpmed@demo.example")
    assert client.get(f"/api/v1/routes/{delivered.routes['bpmed']}",
                      headers=bpmed).status_code == 200


def chain(sessions, dossier_id: str) -> list:
    with sessions() as db:
        return chain_records(db, uuid.UUID(dossier_id))


@pytest.fixture
def records(client, founder, delivered, sessions) -> list:
    """The delivered dossier's chain after its live history, first record first."""
    live_history(client, founder, delivered)
    return chain(sessions, delivered.dossier_id)


def tamper(sessions, sql: str, **params) -> None:
    """Change the database behind the application's back, with plain SQL."""
    types = {"id": Uuid(), "payload": JSONType, "at": UTCDateTime()}
    with transaction(sessions) as db:
        stmt = text(sql).bindparams(*[bindparam(k, type_=types[k]) for k in params])
        assert db.execute(stmt, params).rowcount == 1


def test_a_normal_history_is_one_intact_chain_per_dossier(
        records, delivered, sessions, database_url, monkeypatch):
    tables = [r.__tablename__ for r in records]
    assert {"route_events", "access_records"} == set(tables)
    assert tables.index("access_records") < len(tables) - tables[::-1].index("route_events") - 1
    assert [r.chain_seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_hash is None
    for before, after in pairwise(records):
        assert after.prev_hash == before.hash
    with sessions() as db:
        stored = (db.scalar(select(func.count()).select_from(RouteEvent))
                  + db.scalar(select(func.count()).select_from(AccessRecord)))
        head = db.get(AuditHead, uuid.UUID(delivered.dossier_id))
    assert len(records) == stored  # every record of the database is on this dossier's chain
    assert (head.seq, head.hash) == (records[-1].chain_seq, records[-1].hash)
    # The hash is SHA-256 over the sorted-key JSON of the fields and the previous hash.
    event = next(r for r in records if getattr(r, "type", None) == "info_requested")
    fields = {"id": event.id, "route_id": event.route_id, "type": event.type,
              "from_state": "in_review", "to_state": "info_requested",
              "actor_id": event.actor_id, "actor_role": "reviewer", "payload": event.payload,
              "created_at": event.created_at, "chain_seq": event.chain_seq}
    assert event.hash == record_hash("route_events", fields, event.prev_hash)

    result = run_verify(database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"chain intact: {stored} records (1 chains)"
    one = run_verify(database_url, monkeypatch, "--dossier", delivered.dossier_id)
    assert one.exit_code == 0 and f"chain intact: {stored} records" in one.output


def test_an_edited_event_payload_is_the_first_broken_link(
        records, delivered, sessions, database_url, monkeypatch):
    target = next(r for r in records if r.__tablename__ == "route_events"
                  and r.type == "info_requested")
    assert 1 < target.chain_seq < len(records)
    tamper(sessions, "UPDATE route_events SET payload = :payload WHERE id = :id",
           payload={**target.payload, "message": "Rien à signaler."}, id=target.id)

    with sessions() as db:
        broken = verify(db).broken
    assert (broken.table, broken.id, broken.field) == ("route_events", str(target.id), "hash")
    assert broken.found == target.hash and broken.expected != target.hash
    assert broken.seq == target.chain_seq and broken.dossier_id == delivered.dossier_id
    output = verify_breaks_at(database_url, monkeypatch, "route_events", target.id)
    assert f"expected {broken.expected}, found {target.hash}" in output


def test_an_edited_access_time_is_the_first_broken_link(
        records, sessions, database_url, monkeypatch):
    target = next(r for r in records if r.__tablename__ == "access_records")
    assert target.chain_seq < len(records)
    tamper(sessions, "UPDATE access_records SET created_at = :at WHERE id = :id",
           at=target.created_at - timedelta(days=3), id=target.id)

    output = verify_breaks_at(database_url, monkeypatch, "access_records", target.id)
    assert f"#{target.chain_seq}): hash expected" in output


def test_a_record_deleted_in_the_middle_is_caught(records, sessions, database_url, monkeypatch):
    middle = len(records) // 2
    gone, following = records[middle], records[middle + 1]
    tamper(sessions, DELETE[gone.__tablename__], id=gone.id)

    with sessions() as db:
        broken = verify(db).broken
    assert (broken.table, broken.id) == (following.__tablename__, str(following.id))
    assert (broken.field, broken.expected, broken.found) == (
        "chain_seq", str(gone.chain_seq), str(following.chain_seq))
    result = run_verify(database_url, monkeypatch)
    assert result.exit_code == 1 and str(following.id) in result.output


def test_a_record_cut_off_the_end_is_caught(records, delivered, sessions):
    last = records[-1]
    tamper(sessions, DELETE[last.__tablename__], id=last.id)
    with sessions() as db:
        broken = verify(db).broken
    assert (broken.table, broken.id, broken.field) == (
        "audit_heads", delivered.dossier_id, "head")
    assert broken.expected == f"#{last.chain_seq} {last.hash}"


def test_the_application_cannot_rewrite_a_record(client, founder, delivered, sessions):
    live_history(client, founder, delivered)
    with pytest.raises(ValueError, match="append-only"), transaction(sessions) as db:
        db.scalars(select(AccessRecord)).first().kind = "pdf"
    with pytest.raises(ValueError, match="append-only"), transaction(sessions) as db:
        db.delete(db.scalars(select(AccessRecord)).first())


def test_concurrent_appends_never_fork_the_chain(delivered, sessions):
    threads, per_thread = 6, 8
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with transaction(sessions) as db:
                    route = db.get(Route, uuid.UUID(delivered.routes["cepac"]))
                    user = db.scalar(select(User).where(User.email == "cepac@demo.example"))
                    record_access(db=db, route=route, user=user, kind=AccessKind.dossier,
                                  via="api")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=reader) for _ in range(threads)]
    before = len(chain(sessions, delivered.dossier_id))
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    records = chain(sessions, delivered.dossier_id)
    assert len(records) == before + threads * per_thread
    assert [r.chain_seq for r in records] == list(range(1, len(records) + 1))
    with sessions() as db:
        report = verify(db)
    assert report.broken is None and report.records == len(records)
