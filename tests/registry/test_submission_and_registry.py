"""The registry reaches submission: a closed company stops, an unchecked one is watched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dossier.models import RegistryCheck, RegistryCompany
from dossier.registry import Address, CompanyFacts
from dossier.services import registry
from tests.helpers import full_dossier, ready_dossier

SIREN, SIRET = "843152760", "84315276000016"


@pytest.fixture
def clean_registry(sessions):
    yield
    with sessions.begin() as db:
        db.query(RegistryCheck).delete()
        db.query(RegistryCompany).delete()


def _known(sessions, *, active: bool, postal_code: str = "13013") -> None:
    facts = CompanyFacts(siren=SIREN, siret=SIRET, legal_name="Lumiphase", legal_form="SAS",
                         naf_code="26.70Z", address=Address(postal_code=postal_code),
                         active=active)
    with sessions.begin() as db:
        db.add(RegistryCompany(number=SIRET, siren=SIREN, found=True, facts=facts.as_json(),
                               source="test", fetched_at=datetime(2026, 12, 1, tzinfo=UTC)))


def test_a_company_the_registry_reports_closed_cannot_be_submitted(client, founder, sessions,
                                                                   clean_registry):
    _known(sessions, active=False)
    dossier_id = ready_dossier(client, founder, full_dossier(partners=["cepac"]))
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit",
                    headers={**founder, "Accept-Language": "fr"}, json={"consent": True})
    assert r.status_code == 422, r.text
    [error] = [e for e in r.json()["errors"] if e["loc"] == "company.siren"]
    assert "fermée" in error["msg"] and "1 décembre 2026" in error["msg"]


def test_a_submitted_company_never_verified_is_checked_later(client, founder, sessions,
                                                             clean_registry):
    dossier_id = ready_dossier(client, founder, full_dossier(partners=["cepac"]))
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 202, r.text
    with sessions() as db:
        assert registry.due_checks(db) == [SIRET]


def test_the_registry_record_says_verified_mismatch_or_pending(sessions, clean_registry):
    typed = full_dossier()["company"]
    with sessions() as db:
        assert registry.record_for(db, typed)["status"] == "pending"
    _known(sessions, active=True, postal_code=typed["address"]["postal_code"])
    with sessions() as db:
        record = registry.record_for(db, typed)
    assert record["status"] in {"verified", "mismatch"}
    assert {d["field"] for d in record["differences"]} <= {"company.legal_name",
                                                            "company.naf_code",
                                                            "company.address.city"}
