"""Closed dossiers (every route decided or withdrawn) are purged after N months; the audit
chains of everything else still verify, and the purged chain's last link is in the stub."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from app.cli import cli
from dossier.audit import verify
from dossier.db import utcnow
from dossier.models import AuditHead, DeletedDossier, Dossier
from dossier.services import retention
from tests.helpers import submit
from tests.retention.conftest import (
    backdate,
    decided_dossier,
    deliver_all,
    rows_left,
    stored_keys_of,
    two_partner_body,
)

POLICY = retention.Policy(closed_months=36)


def run(sessions, store, now, dry_run=False) -> retention.RunReport:
    """One retention run as of `now`."""
    return retention.run(sessions=sessions, store=store, now=now, policy=POLICY,
                         siren_key=b"k", dry_run=dry_run)


def months_later(months: int):
    """`months` calendar months from now."""
    return retention.months_before(utcnow(), -months)


def test_months_before_clips_to_the_end_of_the_month():
    moment = utcnow().replace(year=2027, month=3, day=31)
    assert retention.months_before(moment, 1).date().isoformat() == "2027-02-28"
    assert retention.months_before(moment, 36).date().isoformat() == "2024-03-31"
    assert retention.months_before(moment, -11).date().isoformat() == "2028-02-29"


def test_closed_dossier_is_purged_after_the_retention_period(client, app, make_founder,
                                                             sessions, store):
    founder = make_founder()
    runtime = app.state.dossier.runtime
    closed = decided_dossier(client, founder.headers, sessions, runtime)
    # (the decisions told the founder at once: notices tied to the routes, counted below)
    still_open = submit(client, founder.headers, two_partner_body("Encore ouvert"))["dossier_id"]
    deliver_all(sessions, still_open)
    left = rows_left(sessions, closed["id"])
    assert all(left[k] for k in ("versions", "attachments", "routes", "events", "messages",
                                 "pdfs", "reads", "notifications")), left
    keys = stored_keys_of(sessions, closed["id"])
    pdf_keys = keys - stored_keys_of(sessions, still_open)
    assert len(pdf_keys) == 1  # the closed dossier's PDF is its own; its attachments are shared
    with sessions() as db:
        head = db.get(AuditHead, uuid.UUID(closed["id"]))
        before = verify(db)
    assert before.broken is None and before.chains == 2 and head.seq >= 8

    assert run(sessions, store, months_later(35)).purged == []
    report = run(sessions, store, months_later(37))
    assert report.purged == [(uuid.UUID(closed["id"]), retention.Reason.closed_retention)]
    assert set(rows_left(sessions, closed["id"]).values()) == {0}
    assert rows_left(sessions, still_open)["routes"] == 2  # an open route keeps a dossier
    assert not any(store.exists(k) for k in pdf_keys)
    assert all(store.exists(k) for k in keys - pdf_keys)  # the open dossier still uses them
    with sessions() as db:
        stub = db.get(DeletedDossier, uuid.UUID(closed["id"]))
        after = verify(db)
    assert (stub.reason, stub.audit_seq, stub.audit_hash) == ("closed_retention", head.seq,
                                                              head.hash)
    assert after.broken is None and after.chains == 1


def test_a_withdrawn_everywhere_dossier_counts_as_closed(client, make_founder, sessions, store):
    founder = make_founder()
    dossier_id = submit(client, founder.headers, two_partner_body("Retiré"))["dossier_id"]
    routes = deliver_all(sessions, dossier_id)
    first = client.post(f"/api/v1/routes/{routes['cepac']}/withdraw", headers=founder.headers)
    assert first.status_code == 200, first.text
    assert run(sessions, store, months_later(40)).purged == []  # bpmed is still open
    assert client.post(f"/api/v1/routes/{routes['bpmed']}/withdraw",
                       headers=founder.headers).status_code == 200
    report = run(sessions, store, months_later(40), dry_run=True)
    assert report.purged == [(uuid.UUID(dossier_id), retention.Reason.closed_retention)]
    assert rows_left(sessions, dossier_id)["dossiers"] == 1  # a dry run
    assert run(sessions, store, months_later(40)).purged == report.purged


def test_cli_dry_run_lists_without_changing(client, make_founder, sessions, store, settings,
                                            monkeypatch, tmp_path):
    founder = make_founder()
    dossier_id = client.post("/api/v1/dossiers", headers=founder.headers,
                             json={"schema_version": 1}).json()["id"]
    backdate(sessions, dossier_id, retention.months_before(utcnow(), 12))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("STORAGE_PATH", str(tmp_path / "objects"))
    monkeypatch.setattr("workflows.runtime._current", None)
    result = CliRunner().invoke(cli, ["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert dossier_id in result.output and "warn" in result.output
    assert rows_left(sessions, dossier_id)["dossiers"] == 1
    with sessions() as db:
        assert db.get(Dossier, uuid.UUID(dossier_id)).warned_at is None
    result = CliRunner().invoke(cli, ["retention", "run"])
    assert result.exit_code == 0, result.output
    with sessions() as db:
        assert db.get(Dossier, uuid.UUID(dossier_id)).warned_at is not None
