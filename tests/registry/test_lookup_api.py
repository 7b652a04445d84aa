"""GET /registry/companies/{n}: verified, pending within the limit, unknown, invalid — never 5xx."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from dossier.models import RegistryCheck
from dossier.services import registry
from registry.recherche import RechercheEntreprises
from tests.conftest import login
from tests.helpers import wait_until
from tests.registry_server import KNOWN_SIREN, head_siret, valid_siren
from workflows.dispatch import Dispatcher
from workflows.registry import registry_checks, registry_checks_due

SIREN = KNOWN_SIREN  # the company the `reg` fixture's registry knows (tests/conftest.py)
URL = "/api/v1/registry/companies/{}"


@pytest.fixture
def founder(registry_api):
    return login(registry_api, "founder@demo.example")


def test_a_known_siret_is_verified_and_then_served_from_the_cache(registry_api, founder, reg):
    r = registry_api.get(URL.format(head_siret(SIREN)), headers=founder)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "verified" and body["legal_form"] == "SAS"
    assert body["address"]["postal_code"] == "13013" and body["fetched_at"]
    assert registry_api.get(URL.format(head_siret(SIREN)), headers=founder).status_code == 200
    assert len(reg.queries) == 1


def test_spaces_are_allowed_in_the_typed_number(registry_api, founder):
    spaced = " ".join([SIREN[:3], SIREN[3:6], SIREN[6:]])
    assert registry_api.get(URL.format(spaced), headers=founder).status_code == 200


def test_an_unknown_company_is_404_and_an_invalid_number_422_naming_the_field(
        registry_api, founder):
    r = registry_api.get(URL.format(valid_siren("98765432")), headers=founder)
    assert r.status_code == 404
    bad = registry_api.get(URL.format("123456789"), headers={**founder, "Accept-Language": "fr"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == "siren_or_siret"
    assert "SIREN" in bad.json()["errors"][0]["msg"]


@pytest.mark.parametrize("misbehaviour", [
    {"delay": 8.0}, {"status": 429, "headers": {"Retry-After": "42"}}, {"status": 502},
    {"body": b"<html>oops</html>"}])
def test_an_unavailable_registry_answers_pending_within_the_limit(registry_api, founder, reg,
                                                                  sessions, misbehaviour):
    reg.misbehave(**misbehaviour)
    start = time.monotonic()
    r = registry_api.get(URL.format(SIREN), headers=founder)
    # the 0.5 s deadline, far from the registry's 8 s (wide enough for a loaded machine)
    assert time.monotonic() - start < 5
    assert r.status_code == 202 and r.json()["status"] == "pending"
    assert r.json()["retry_after_s"] > 0
    if "headers" in misbehaviour:
        assert r.json()["retry_after_s"] == 42
    with sessions() as db:
        assert db.get(RegistryCheck, SIREN).done_at is None


def test_a_pending_company_is_verified_later_by_the_check(registry_api, founder, reg, sessions):
    reg.misbehave(status=503)
    assert registry_api.get(URL.format(SIREN), headers=founder).status_code == 202
    reg.misbehave()
    with sessions() as db:
        later = db.get(RegistryCheck, SIREN).next_attempt_at
        client = RechercheEntreprises(reg.url, timeout=0.5)
        assert registry.verify_due(db, client, now=later) == {
            "verified": 1, "not_found": 0, "pending": 0}
        db.commit()
        assert db.get(RegistryCheck, SIREN).done_at is not None
    assert registry_api.get(URL.format(SIREN), headers=founder).json()["status"] == "verified"


def test_a_check_still_failing_waits_longer_each_time(registry_api, founder, reg, sessions):
    reg.misbehave(status=503)
    registry_api.get(URL.format(SIREN), headers=founder)
    client = RechercheEntreprises(reg.url, timeout=0.5)
    waits = []
    with sessions() as db:
        for _ in range(3):
            check = db.get(RegistryCheck, SIREN)
            due = check.next_attempt_at
            registry.verify_due(db, client, now=due)
            db.commit()
            db.refresh(check)
            waits.append(check.next_attempt_at - due)
    assert waits[0] < waits[1] < waits[2]


def test_reviewers_may_not_look_up_and_anonymous_callers_must_log_in(registry_api):
    assert registry_api.get(URL.format(SIREN)).status_code == 401
    reviewer = login(registry_api, "cepac@demo.example")
    assert registry_api.get(URL.format(SIREN), headers=reviewer).status_code == 403


def test_the_registry_checks_flow_verifies_what_was_pending(registry_api, founder, reg, sessions,
                                                            prefect_harness):
    reg.misbehave(status=429, headers={"Retry-After": "0"})
    assert registry_api.get(URL.format(SIREN), headers=founder).status_code == 202
    runtime = registry_api.app.state.dossier.runtime
    with sessions.begin() as db:  # due now
        db.get(RegistryCheck, SIREN).next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
    assert registry_checks_due(runtime)
    reg.misbehave()
    assert registry_checks() == {"verified": 1, "not_found": 0, "pending": 0}
    assert not registry_checks_due(runtime)
    assert registry_api.get(URL.format(SIREN), headers=founder).json()["status"] == "verified"


def test_the_dispatcher_runs_the_registry_checks_periodically(app):
    runs: list[float] = []
    dispatcher = Dispatcher(app.state.dossier.runtime, interval=0.05, reminder_interval=0,
                            registry_interval=0.1, check_registry=lambda _rt: runs.append(1))
    dispatcher.start()
    try:
        wait_until(lambda: len(runs) >= 2, what="two registry check rounds", timeout=5,
                   every=0.02)
    finally:
        dispatcher.stop()
