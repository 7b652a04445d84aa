"""The registry client against a local server speaking the API's documented format."""

from __future__ import annotations

import time
from datetime import date

import pytest

from dossier.registry import CompanyFacts, RegistryUnavailable, differences, registry_record
from registry.recherche import RechercheEntreprises, retry_after
from tests.registry_server import RegistryServer, company, head_siret, valid_siren

SIREN = valid_siren("12345678")


@pytest.fixture
def reg():
    with RegistryServer() as server:
        server.companies[SIREN] = company(SIREN)
        yield server


def client(reg: RegistryServer, timeout: float = 1.0) -> RechercheEntreprises:
    return RechercheEntreprises(reg.url, timeout=timeout)


def test_a_siren_found_gives_the_company_facts(reg):
    facts = client(reg).find(SIREN)
    assert facts == CompanyFacts(
        siren=SIREN, siret=head_siret(SIREN), legal_name="OPTIMAGE SAS", legal_form="SAS",
        naf_code="26.70Z", address=facts.address, creation_date=date(2019, 6, 3),
        headcount_range="11", active=True)
    assert (facts.address.postal_code, facts.address.city) == ("13013", "MARSEILLE")
    assert reg.queries == [SIREN]


def test_a_siret_is_matched_against_the_establishments(reg):
    assert client(reg).find(SIREN, head_siret(SIREN)).siret == head_siret(SIREN)
    assert client(reg).find(SIREN, head_siret(SIREN, "0002")) is None


def test_an_unknown_number_is_none(reg):
    assert client(reg).find(valid_siren("98765432")) is None


def test_a_closed_company_is_not_active(reg):
    reg.companies[SIREN] = company(SIREN, state="C")
    assert client(reg).find(SIREN).active is False


def test_an_unknown_legal_category_leaves_the_choice_to_the_founder(reg):
    reg.companies[SIREN] = company(SIREN, nature="6540")
    assert client(reg).find(SIREN).legal_form == "other"


def test_a_slow_registry_is_unavailable_within_the_timeout(reg):
    reg.misbehave(delay=3.0)
    start = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        client(reg, timeout=0.5).find(SIREN)
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize(("status", "headers", "wait"), [
    (429, {"Retry-After": "30"}, 30.0), (503, {}, None), (500, {}, None)])
def test_rate_limits_and_server_errors_are_unavailable_with_their_retry_after(
        reg, status, headers, wait):
    reg.misbehave(status=status, headers=headers)
    with pytest.raises(RegistryUnavailable) as caught:
        client(reg).find(SIREN)
    assert caught.value.retry_after_s == wait


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b'{"results": "x"}',
                                  b'{"results": [{"siren": "%s"}]}' % SIREN.encode(),
                                  b"[]", b"", b'{"results": [{"siren": "%s", "siege": 3}]}'
                                  % SIREN.encode()])
def test_a_malformed_answer_is_unavailable_not_a_crash(reg, body):
    reg.misbehave(body=body)
    with pytest.raises(RegistryUnavailable) as caught:
        client(reg).find(SIREN)
    assert "malformed" in caught.value.reason


def test_a_refused_connection_is_unavailable():
    with pytest.raises(RegistryUnavailable):
        RechercheEntreprises("http://127.0.0.1:9", timeout=0.5).find(SIREN)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_typed_values_that_disagree_are_listed_and_a_closed_company_is_closed(reg):
    facts = client(reg).find(SIREN)
    typed = {"legal_name": "Optimage  sas", "siren": SIREN, "legal_form": "SARL",
             "address": {"postal_code": "13001", "city": "Marseille"},
             "creation_date": "2019-06-03"}
    assert differences(typed, facts) == [
        {"field": "company.legal_form", "typed": "SARL", "registry": "SAS"},
        {"field": "company.address.postal_code", "typed": "13001", "registry": "13013"}]
    assert registry_record(facts, typed, None)["status"] == "mismatch"
    reg.companies[SIREN] = company(SIREN, state="C")
    closed = client(reg).find(SIREN)
    assert registry_record(closed, {}, None)["status"] == "closed"
    assert registry_record(None, typed, None)["status"] == "pending"
