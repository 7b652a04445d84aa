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
