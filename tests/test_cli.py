"""The `dossier` command: migrate, seed, add users."""

from __future__ import annotations

from typer.testing import CliRunner

from app.cli import cli
from dossier.db import make_engine, make_sessionmaker
from dossier.services import users


def test_upgrade_demo_and_users_add(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEMO_PASSWORD", "autre-mot-de-passe")
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
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
    import json

    from banks.catalogue import DEFAULT_CATALOGUE

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    data = json.loads(DEFAULT_CATALOGUE.read_text("utf-8"))
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
    import json

    from banks.catalogue import DEFAULT_CATALOGUE
    from dossier.models import Partner

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    data = json.loads(DEFAULT_CATALOGUE.read_text("utf-8"))
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
