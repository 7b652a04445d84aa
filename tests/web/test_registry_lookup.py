"""The wizard's company look-up (issue 15, point 1): found, pending, unknown, closed, invalid —
each told in French or English, never a 5xx, never blocking the draft; and the meter counts a
company the registry reports closed as a blocker."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest

from dossier.models import RegistryCompany
from dossier.registry import Address, CompanyFacts, headcount_words, street
from tests.conftest import login
from tests.helpers import browser, full_dossier, ready_dossier
from tests.registry_server import KNOWN_SIREN, company, head_siret, valid_siren

SIREN = KNOWN_SIREN  # the company the `reg` fixture's registry knows (tests/conftest.py)
SIRET = head_siret(SIREN)
FOUNDER = "founder@demo.example"


@pytest.fixture
def client(registry_api):
    """The app asking the fake registry."""
    return registry_api


@pytest.fixture
def founder_page(client):
    """The demo founder's browser on the company step of a new draft: (client, url, csrf)."""
    web = browser(client, FOUNDER)
    home = web.get("/founder").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', home).group(1)
    r = web.post("/founder/dossiers/new", data={"csrf": csrf}, follow_redirects=False)
    step = r.headers["location"]
    return web, step.replace("/edit/company", "/registry"), csrf, step


def look_up(founder_page, lang: str = "fr", **typed: str):
    web, url, csrf, _step = founder_page
    field = "company.siren" if "company.siren" in typed and "company.siret" not in typed \
        else "company.siret"
    return web.post(url, data={"csrf": csrf, "_lookup": field, **typed},
                    headers={"Accept": "application/json", "Accept-Language": lang,
                             "X-CSRF-Token": csrf})


def by_name(items):
    return {item["name"]: item for item in items}


def test_a_siret_fills_the_empty_fields_and_offers_the_registry_value_for_typed_ones(
        founder_page, reg):
    r = look_up(founder_page, **{"company.siret": SIRET, "company.legal_name": "Optimage",
                                 "company.naf_code": "26.70z", "company.address.city": ""})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "found"
    assert body["message"].startswith("Trouvée au registre : OPTIMAGE SAS, vérifiée le ")
    fill = by_name(body["fill"])
    assert fill["company.legal_form"]["value"] == "SAS"
    assert fill["company.creation_date"]["value"] == "2019-06-03"
    assert fill["company.siren"]["value"] == SIREN
    assert fill["company.address.line1"]["value"] == "12 RUE DE LA REPUBLIQUE"
    assert fill["company.address.postal_code"]["value"] == "13013"
    assert fill["company.address.city"]["value"] == "MARSEILLE"
    assert fill["company.address.line1"]["id"] == "f-company-address-line1"
    # typed differently: kept, the registry's value offered; the same code in lower case: same
    differ = by_name(body["differ"])
    assert set(differ) == {"company.legal_name"}
    assert differ["company.legal_name"] == {
        "name": "company.legal_name", "id": "f-company-legal_name", "value": "OPTIMAGE SAS",
        "text": "OPTIMAGE SAS", "label": "Raison sociale"}
    assert "company.naf_code" not in fill and "company.siret" not in fill
    assert "7 champs remplis depuis le registre." in body["detail"]
    assert "1 valeur saisie diffère du registre" in body["detail"]
    assert body["hints"] == [{"id": "f-company-headcount",
                              "text": "Au registre : 10 à 19 salariés (tranche INSEE, pour "
                                      "information)."}]


def test_a_siren_alone_fills_the_head_office_siret_and_a_spaced_number_is_the_same(
        founder_page):
    spaced = f"{SIREN[:3]} {SIREN[3:6]} {SIREN[6:]}"
    body = look_up(founder_page, **{"company.siren": spaced}).json()
    assert body["status"] == "found"
    assert by_name(body["fill"])["company.siret"]["value"] == SIRET
    assert "company.siren" not in by_name(body["differ"])


def test_the_answer_speaks_english_and_words_a_differing_form_and_date(founder_page):
    r = look_up(founder_page, lang="en", **{"company.siret": SIRET,
                                            "company.legal_form": "SARL",
                                            "company.creation_date": "2020-01-01"})
    body = r.json()
    assert body["message"].startswith("Found in the registry: OPTIMAGE SAS, checked on ")
    differ = by_name(body["differ"])
    assert differ["company.legal_form"]["text"] == "SAS (simplified joint-stock company)"
    assert differ["company.creation_date"]["text"] == "3 June 2019"
    assert "2 values you typed differ from the registry" in body["detail"]


@pytest.mark.parametrize("misbehaviour", [{"delay": 2.0}, {"status": 503},
                                          {"status": 429, "headers": {"Retry-After": "30"}}])
def test_a_registry_out_of_service_is_pending_and_never_blocks(founder_page, reg, misbehaviour):
    reg.misbehave(**misbehaviour)
    start = time.monotonic()
    r = look_up(founder_page, **{"company.siret": SIRET})
    assert time.monotonic() - start < 1.5
    assert r.status_code == 202
    assert r.json()["status"] == "pending" and r.json()["fill"] == []
    assert r.json()["message"] == ("Registre indisponible pour l'instant : continuez, nous "
                                   "vérifierons plus tard.")


def test_an_unknown_number_is_a_warning_and_a_closed_company_fills_nothing(founder_page, reg):
    other = valid_siren("98765432")
    r = look_up(founder_page, **{"company.siren": other})
    assert r.status_code == 404
    assert r.json()["status"] == "not_found"
    assert r.json()["message"] == "Aucune entreprise à ce numéro au registre."
    closed = valid_siren("11122233")
    reg.companies[closed] = company(closed, name="ANCIENNE SARL", state="C")
    r = look_up(founder_page, **{"company.siren": closed})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "closed" and body["fill"] == [] and body["differ"] == []
    assert body["message"].startswith("Entreprise fermée au registre (constaté le ")
    assert body["message"].endswith(") : le dossier ne pourra pas être envoyé.")


@pytest.mark.parametrize(("typed", "loc"), [
    ({"company.siret": "12345678901234"}, "company.siret"),
    ({"company.siren": "123456789"}, "company.siren"),
    ({"company.siret": "x" * 500}, "company.siret"),
    ({}, "company.siret"),
])
def test_an_invalid_number_is_a_422_naming_the_field(founder_page, reg, typed, loc):
    r = look_up(founder_page, **typed)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == "invalid"
    assert [e["loc"] for e in body["errors"]] == [loc]
    assert ("SIRET" if loc.endswith("siret") else "SIREN") in body["message"]
    assert reg.queries == []  # the registry is not asked


def test_the_look_up_needs_the_csrf_token(founder_page, reg):
    """(Who may call it is the access matrix's: other founders 404, reviewers 403.)"""
    web, url, _csrf, _step = founder_page
    assert web.post(url, data={"company.siret": SIRET}).status_code == 403
    assert reg.queries == []


def test_the_company_step_shows_what_the_registry_last_said(founder_page, client):
    web, _url, csrf, step = founder_page
    assert 'id="registry-status"' in web.get(step).text
    look_up(founder_page, **{"company.siret": SIRET})
    r = web.post(step.replace("/edit/", "/autosave/"), data={"company.siret": SIRET},
                 headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    html = web.get(step).text
    status = re.search(r'data-registry-message>(.*?)</p>', html, re.S).group(1)
    assert "Trouvée au registre : OPTIMAGE SAS, vérifiée le" in status
    assert "/static/founder-registry.js" in html
    founders = web.get(step.replace("/edit/company", "/edit/founders")).text
    assert "registry-status" not in founders and "founder-registry.js" not in founders


def test_the_company_step_of_a_closed_company_says_so_without_script(founder_page, reg):
    web, _url, csrf, step = founder_page
    closed = valid_siren("11122233")
    reg.companies[closed] = company(closed, name="ANCIENNE SARL", state="C")
    assert look_up(founder_page, **{"company.siren": closed}).json()["status"] == "closed"
    web.post(step.replace("/edit/", "/autosave/"), data={"company.siren": closed},
             headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    html = web.get(step, headers={"Accept-Language": "fr"}).text
    assert 'class="registry-status is-closed"' in html
    assert "Entreprise fermée au registre (constaté le" in html


def _known_closed(sessions) -> None:
    company_of = full_dossier()["company"]
    facts = CompanyFacts(siren=company_of["siren"], siret=company_of["siret"],
                         legal_name="Lumiphase", legal_form="SAS", naf_code="26.70Z",
                         active=False)
    with sessions.begin() as db:
        db.add(RegistryCompany(number=company_of["siret"], siren=company_of["siren"],
                               found=True, facts=facts.as_json(), source="test",
                               fetched_at=datetime(2026, 12, 1, tzinfo=UTC)))


def test_the_meter_counts_a_closed_company_as_a_blocker_with_its_reason(client, sessions):
    founder = login(client, FOUNDER)
    dossier_id = ready_dossier(client, founder, full_dossier(partners=["cepac"]))
    before = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert before["completeness"]["ready"] is True
    _known_closed(sessions)
    after = client.get(f"/api/v1/dossiers/{dossier_id}",
                       headers={**founder, "Accept-Language": "fr"}).json()["completeness"]
    assert after["ready"] is False and after["percent"] < 100
    [blocker] = [b for b in after["blockers"] if b["code"] == "company_closed"]
    assert blocker["loc"] == "company.siren"
    assert "fermée" in blocker["message"] and "1 décembre 2026" in blocker["message"]


def test_the_head_office_street_drops_the_postcode_and_city_the_registry_appends():
    assert street(Address("12 RUE DE LA REPUBLIQUE 13013 MARSEILLE", "13013",
                          "MARSEILLE")) == "12 RUE DE LA REPUBLIQUE"
    assert street(Address("ZA DU PONT", "13013", "MARSEILLE")) == "ZA DU PONT"
    assert headcount_words("53", "fr") == "10\u202f000 salariés ou plus"
    assert headcount_words("01", "en") == "1 or 2 employees"
    assert headcount_words("NN", "fr") is None
