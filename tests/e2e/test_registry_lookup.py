"""Company look-up in the wizard (issue 15, point 1), in Chromium, desktop and phone.

- A SIRET typed in the wizard fills the company step from the registry (the local fake
  registry of tests/registry_server.py): the empty fields are filled and saved by the
  autosave; a name typed differently stays, with the registry's value one click away.
- The registry down: the founder is told, goes on typing and to the next step; nothing blocks.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.e2e.test_never_lose_work import (
    DEVICES,
    api,
    autosave_status,
    new_draft,
    serious_violations,
)
from tests.registry_server import company, head_siret, valid_siren

SIREN = valid_siren("55544433")
SIRET = head_siret(SIREN)


@pytest.fixture
def registry(registry_live):
    """The live app's base URL and its fake registry, knowing OPTIMAGE SAS, well behaved."""
    base, fake = registry_live
    fake.companies[SIREN] = company(SIREN)
    fake.misbehave()
    fake.queries.clear()
    yield base, fake
    fake.misbehave()


def type_siret(page, number: str) -> None:
    """Type the number as a founder does, grouped by spaces, then leave the field."""
    siret = page.get_by_label("SIRET du siège")
    siret.click()
    siret.press_sequentially(f"{number[:3]} {number[3:6]} {number[6:9]} {number[9:]}", delay=5)
    siret.press("Tab")


@pytest.mark.parametrize("phone", DEVICES)
def test_a_siret_typed_in_the_wizard_fills_the_company_step(registry, new_page, phone):
    base, fake = registry
    device = "phone" if phone else "desktop"
    page = new_page(phone=phone)
    url = new_draft(page, base)
    dossier_id = url.split("/")[-3]
    page.get_by_label("Raison sociale").fill("Optimage")  # typed before, not as registered
    type_siret(page, SIRET)
    status = page.locator("[data-registry-message]")
    expect(status).to_contain_text("Trouvée au registre : OPTIMAGE SAS, vérifiée le")
    expect(status).to_contain_text("8 champs remplis depuis le registre.")
    expect(status).to_contain_text("1 valeur saisie diffère du registre")
    expect(page.locator("#f-company-siren")).to_have_value(SIREN)
    expect(page.locator("#f-company-legal_form")).to_have_value("SAS")
    expect(page.locator("#f-company-creation_date")).to_have_value("2019-06-03")
    expect(page.locator("#f-company-naf_code")).to_have_value("26.70Z")
    expect(page.locator("#f-company-address-line1")).to_have_value("12 RUE DE LA REPUBLIQUE")
    expect(page.locator("#f-company-address-postal_code")).to_have_value("13013")
    expect(page.locator("#f-company-address-city")).to_have_value("MARSEILLE")
    expect(page.locator("#f-company-headcount")).to_have_value("")  # a band is not a number
    expect(page.locator("#rh-f-company-headcount")).to_have_text(
        "Au registre : 10 à 19 salariés (tranche INSEE, pour information).")
    # the name typed is kept; the registry's is offered under it
    name = page.locator("#f-company-legal_name")
    expect(name).to_have_value("Optimage")
    offer = page.locator("#ro-f-company-legal_name")
    expect(offer).to_contain_text("Au registre : OPTIMAGE SAS")
    use = offer.get_by_role("button", name="Utiliser la valeur du registre (Raison sociale)")
    expect(use).to_be_visible()
    expect(autosave_status(page)).to_contain_text("Brouillon enregistré à")
    shot(page, f"wizard-registry-filled-{device}")
    assert serious_violations(page) == []
    assert fake.queries == [SIRET]  # typed digit by digit, then left: asked once
    # one click takes the registry's name; focus stays on the field
    use.click()
    expect(name).to_have_value("OPTIMAGE SAS")
    expect(name).to_be_focused()
    expect(offer).to_have_count(0)
    expect(status).to_contain_text("Valeur du registre reprise pour « Raison sociale ».")
    # saved by the autosave, as if typed
    stored = {}
    for _ in range(60):
        stored = api(base).get(f"/api/v1/dossiers/{dossier_id}").json()["content"]["company"]
        if stored.get("legal_name") == "OPTIMAGE SAS":
            break
        page.wait_for_timeout(250)
    assert stored["legal_name"] == "OPTIMAGE SAS"
    assert stored["siren"] == SIREN and stored["siret"] == SIRET
    assert stored["legal_form"] == "SAS" and stored["naf_code"] == "26.70Z"
    assert stored["creation_date"] == "2019-06-03"
    assert stored["address"] == {"line1": "12 RUE DE LA REPUBLIQUE", "postal_code": "13013",
                                 "city": "MARSEILLE", "country": "FR"}
    # back on the step later, the status says what the registry said
    page.reload()
    expect(status).to_contain_text("Trouvée au registre : OPTIMAGE SAS, vérifiée le")


@pytest.mark.parametrize("phone", DEVICES)
def test_the_registry_down_tells_the_founder_and_blocks_nothing(registry, new_page, phone):
    base, fake = registry
    device = "phone" if phone else "desktop"
    fake.misbehave(status=503)
    page = new_page(phone=phone)
    url = new_draft(page, base)
    dossier_id = url.split("/")[-3]
    type_siret(page, SIRET)
    status = page.locator("[data-registry-message]")
    expect(status).to_have_text("Registre indisponible pour l'instant : continuez, nous "
                                "vérifierons plus tard.")
    expect(page.locator("#registry-status")).to_have_class(re.compile(r"\bis-pending\b"))
    # the founder goes on: types the name, the draft is saved, the next step opens
    page.get_by_label("Raison sociale").fill("Optimage")
    page.get_by_label("SIREN", exact=True).fill(SIREN)
    expect(autosave_status(page)).to_contain_text("Brouillon enregistré à")
    expect(page.locator("#f-company-legal_form")).to_have_value("")  # nothing filled
    shot(page, f"wizard-registry-pending-{device}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/edit/founders$"))
    stored = api(base).get(f"/api/v1/dossiers/{dossier_id}").json()["content"]["company"]
    assert stored["legal_name"] == "Optimage" and stored["siret"] == SIRET
