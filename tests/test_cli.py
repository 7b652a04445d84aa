"""The `dossier` command: migrate, seed, add users."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli import cli
from banks.catalogue import DEFAULT_CATALOGUE
from dossier.db import make_engine, make_sessionmaker
from dossier.services import users


def migrated(tmp_path, monkeypatch, **environment: str) -> tuple[CliRunner, str]:
    """A CLI runner on a new SQLite database, `dossier db upgrade` done; the database URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    defaults = {"DATABASE_URL": url, "SECRET_KEY": "cli-test",
                "STORAGE_PATH": str(tmp_path / "objects")}
    for name, value in {**defaults, **environment}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    return runner, url


def default_catalogue() -> dict:
    """The default partner catalogue, as a file would hold it."""
    return json.loads(DEFAULT_CATALOGUE.read_text("utf-8"))


def test_upgrade_demo_and_users_add(tmp_path, monkeypatch):
    runner, url = migrated(tmp_path, monkeypatch, DEMO_PASSWORD="autre-mot-de-passe")
    seeded = runner.invoke(cli, ["demo"])
    assert seeded.exit_code == 0, seeded.output
    assert "cepac@demo.example" in seeded.output
    added = runner.invoke(cli, ["users", "add", "analyste@cic.example", "--role", "reviewer",
                                "--partner", "cic", "--password", "s3cret-pass"])
    assert added.exit_code == 0, added.output
    refused = runner.invoke(cli, ["users", "add", "x@y.example", "--role", "reviewer",
                                  "--password", "s3cret-pass"])
    assert refused.exit_code == 1 and "partner" in refused.output
    with make_sessionmaker(make_engine(url))() as db:
        users.authenticate(db=db, email="founder@demo.example", password="autre-mot-de-passe")
        reviewer = users.authenticate(db=db, email="analyste@cic.example", password="s3cret-pass")
        assert reviewer.partner_code == "cic"
    recounted = runner.invoke(cli, ["db", "recount"])
    assert recounted.exit_code == 0 and "Route tallies rebuilt" in recounted.output


def test_partners_load_validates_the_file(tmp_path, monkeypatch):
    runner, _ = migrated(tmp_path, monkeypatch)
    data = default_catalogue()
    data["partners"][1]["sla_days"] = 9
    good = tmp_path / "catalogue.json"
    good.write_text(json.dumps(data), "utf-8")
    assert runner.invoke(cli, ["partners", "load", str(good)]).exit_code == 0
    shown = runner.invoke(cli, ["partners", "show"])
    assert "cepac" in shown.output and " 9 " in shown.output
    data["partners"][1]["sla_days"] = -1
    good.write_text(json.dumps(data), "utf-8")
    refused = runner.invoke(cli, ["partners", "load", str(good)])
    assert refused.exit_code == 1 and "sla_days" in refused.output


def test_demo_never_reverts_a_loaded_catalogue(tmp_path, monkeypatch):
    from dossier.models import Partner

    runner, url = migrated(tmp_path, monkeypatch)
    data = default_catalogue()
    edited = next(p for p in data["partners"] if p["code"] == "cepac")
    edited["sla_days"], edited["name"] = 21, "Caisse d'Epargne CEPAC (edited)"
    missing = data["partners"].pop()["code"]
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps(data), "utf-8")
    assert runner.invoke(cli, ["partners", "load", str(catalogue)]).exit_code == 0

    seeded = runner.invoke(cli, ["demo"])

    assert seeded.exit_code == 0, seeded.output
    with make_sessionmaker(make_engine(url))() as db:
        cepac = db.get(Partner, "cepac")
        assert (cepac.name, cepac.config["sla_days"]) == (edited["name"], 21)
        assert db.get(Partner, missing) is not None  # what was missing is seeded
    assert runner.invoke(cli, ["partners", "load"]).exit_code == 0  # reload on purpose
    with make_sessionmaker(make_engine(url))() as db:
        assert db.get(Partner, "cepac").config["sla_days"] != 21


def test_storage_check_and_gc(tmp_path, monkeypatch):
    from dossier.db import transaction
    from dossier.models import Attachment, Dossier
    from storage.filesystem import FilesystemStore

    monkeypatch.setattr("workflows.runtime._current", None)  # built from this environment
    runner, url = migrated(tmp_path, monkeypatch, SECRET_KEY="cli-secret",
                           STORAGE_PATH=str(tmp_path / "objects"))
    store = FilesystemStore(tmp_path / "objects", secret=b"cli-secret")
    orphan = store.put_stream([b"written, never referenced"]).key
    kept = store.put_stream([b"an attachment's bytes"])
    lost_key = "sha256/00/00/" + "0" * 64
    sessions = make_sessionmaker(make_engine(url))
    with transaction(sessions) as db:
        owner = users.create_user(db=db, email="f@x.example", password="pw-123456",
                                  role="founder")
        dossier = Dossier(owner_id=owner.id)
        db.add(dossier)
        db.flush()
        for key in (kept.key, lost_key):
            db.add(Attachment(dossier_id=dossier.id, kind="kbis", filename="k.pdf",
                              content_type="application/pdf", size=1, sha256=key[-64:],
                              storage_key=key, uploaded_by=owner.id))
    checked = runner.invoke(cli, ["storage", "check"])
    assert checked.exit_code == 1, checked.output
    assert orphan in checked.output and lost_key in checked.output
    assert kept.key not in checked.output

    fresh = runner.invoke(cli, ["storage", "gc"])  # the default grace: a day
    assert fresh.exit_code == 0 and "0 object(s) deleted" in fresh.output
    dry = runner.invoke(cli, ["storage", "gc", "--grace", "0", "--dry-run"])
    assert dry.exit_code == 0 and f"would delete {orphan}" in dry.output
    assert store.exists(orphan)
    swept = runner.invoke(cli, ["storage", "gc", "--grace", "0"])
    assert swept.exit_code == 0 and f"deleted {orphan}" in swept.output, swept.output
    assert not store.exists(orphan) and store.exists(kept.key)

    with transaction(sessions) as db:
        db.query(Attachment).filter(Attachment.storage_key == lost_key).delete()
    clean = runner.invoke(cli, ["storage", "check"])
    assert clean.exit_code == 0, clean.output
    assert "0 orphan(s), 0 missing" in clean.output
