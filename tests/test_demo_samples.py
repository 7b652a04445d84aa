"""`dossier demo` seeds sample dossiers at every stage, marked as examples, once."""

from __future__ import annotations

from sqlalchemy import select

from app.cli import cli
from app.demo import SAMPLE_PREFIX, SAMPLES
from dossier.db import make_engine, make_sessionmaker
from dossier.models import Dossier, Route
from dossier.services import decisions, inbox
from tests.test_cli import migrated


def states(url: str) -> dict[str, dict[str, str]]:
    """Each dossier's status and its routes' states, by company name."""
    with make_sessionmaker(make_engine(url))() as db:
        found: dict[str, dict[str, str]] = {}
        for dossier in db.scalars(select(Dossier)):
            assert dossier.sample and dossier.company_name.startswith(SAMPLE_PREFIX)
            found[dossier.company_name] = {"status": dossier.status} | {
                r.partner_code: r.state
                for r in db.scalars(select(Route).where(Route.dossier_id == dossier.id))}
        return found


def test_demo_seeds_samples_at_every_stage_once(tmp_path, monkeypatch):
    runner, url = migrated(tmp_path, monkeypatch)
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "6 sample dossier(s) added" in first.output
    seeded = states(url)
    assert set(seeded) == {SAMPLE_PREFIX + s.name for s in SAMPLES}
    assert seeded[SAMPLE_PREFIX + "Atelier Lumière"] == {"status": "draft"}
    assert seeded[SAMPLE_PREFIX + "Calanques Robotique"] == {
        "status": "submitted", "cepac": "delivered", "bpmed": "delivered"}
    assert seeded[SAMPLE_PREFIX + "Provence BioSolutions"]["cepac"] == "info_requested"
    assert seeded[SAMPLE_PREFIX + "Mistral Énergie"]["cepac"] == "in_review"  # answered
    assert seeded[SAMPLE_PREFIX + "Sainte-Victoire Data"]["cepac"] == "accepted"  # paid too
    assert seeded[SAMPLE_PREFIX + "Vieux-Port Mobilité"]["bpmed"] == "declined"
    with make_sessionmaker(make_engine(url))() as db:
        accepted = db.scalar(select(Route).where(Route.state == "accepted"))
        assert accepted.decision["amount_eur"] == "180000.00"
        assert [t.amount_cents for t in decisions.tranches(db=db, route=accepted)] == [10_000_000]
        # The partners' inboxes are not empty on a fresh install.
        assert inbox.inbox(db=db, partner="cepac")["total"] == 4
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert "0 sample dossier(s) added" in again.output
    assert states(url) == seeded


def test_demo_samples_off(tmp_path, monkeypatch):
    runner, url = migrated(tmp_path, monkeypatch, DEMO_SAMPLES="0")
    seeded = runner.invoke(cli, ["demo"])
    assert seeded.exit_code == 0, seeded.output
    assert "No sample dossiers (DEMO_SAMPLES=0)" in seeded.output
    assert states(url) == {}
