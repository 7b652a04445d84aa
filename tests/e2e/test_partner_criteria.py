"""Staff edit a partner's eligibility criteria with a form, never JSON; founders read the new
criteria at once (issue 14, point 5)."""

from __future__ import annotations

import re

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.db import transaction
from dossier.models import Partner
from tests.e2e.conftest import login, shot
from tests.e2e.test_accessibility import api_login, serious
from tests.helpers import full_dossier, ready_dossier

AMPA = "Aix-Marseille Provence Amorçage"


@pytest.fixture
def ampa_saved(sessions):
    """AMPA's catalogue entry, put back after the test (the e2e database outlives modules)."""
    with sessions() as db:
        saved = dict(db.get(Partner, "ampa").config)
    yield saved
    with transaction(sessions) as db:
        db.get(Partner, "ampa").config = saved


def ampa_config(client: httpx.Client, headers: dict[str, str]) -> dict:
    r = client.get("/api/v1/partners", headers=headers)
    assert r.status_code == 200, r.text
    return next(p for p in r.json() if p["code"] == "ampa")


def test_staff_edit_criteria_with_a_form_and_founders_read_them(live_server, new_page,
                                                                 ampa_saved):
    client = httpx.Client(base_url=live_server, timeout=60)
    founder = api_login(client, "founder@demo.example")
    draft = ready_dossier(client, founder, full_dossier(name="Critères Calanques",
                                                         partners=["ampa"]))
    before = ampa_config(client, founder)

    page = new_page()
    login(page, live_server, "staff@demo.example")
    page.goto(f"{live_server}/staff/partners/ampa")
    expect(page.get_by_role("heading", level=1)).to_contain_text(AMPA)
    assert page.locator("textarea").count() == 0  # no JSON to type
    stages = page.get_by_role("group", name="Stades financés")
    expect(stages.get_by_label("Amorçage", exact=True)).to_be_checked()
    preview = page.locator("#rules-preview")
    expect(preview).to_contain_text("Stades financés : pré-amorçage, amorçage")
    shot(page, "criteria-01-form-desktop")

    # A value the catalogue refuses: a French error naming the field, nothing stored
    page.get_by_label("Âge maximal de l'entreprise (années)").fill("huit")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Rien n'a été enregistré")
    expect(summary).to_contain_text(
        "Âge maximal de l'entreprise (années) : un nombre entier est attendu, par ex. 8.")
    field = page.get_by_label("Âge maximal de l'entreprise (années)")
    expect(field).to_have_value("huit")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert ampa_config(client, founder) == before
    shot(page, "criteria-02-error-desktop")
    assert serious(Axe().run(page)) == []  # the error state is a page too (RGAA)
    phone = new_page(phone=True)
    login(phone, live_server, "staff@demo.example")
    phone.goto(f"{live_server}/staff/partners/ampa")
    phone.get_by_label("Âge maximal de l'entreprise (années)").fill("huit")
    phone.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("Âge maximal de l'entreprise (années)")
    shot(phone, "criteria-02-error-phone")
    assert serious(Axe().run(phone)) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # A valid change: the preview follows as it is typed, then it is saved
    field.fill("6")
    stages.get_by_label("Amorçage", exact=True).uncheck()
    expect(preview).to_contain_text("Stades financés : pré-amorçage, ")
    expect(preview).not_to_contain_text("pré-amorçage, amorçage")
    expect(preview).to_contain_text("Entreprise de 6 ans au plus.")
    assert ampa_config(client, founder) == before  # the preview saved nothing
    shot(page, "criteria-03-preview-desktop")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/partners\?saved=ampa#partner-ampa$"))
    expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées.")
    expect(page.locator("#partner-ampa")).to_contain_text("Entreprise de 6 ans au plus.")
    shot(page, "criteria-04-saved-desktop")

    # The founder's partners page reads the new criteria: seed is no longer funded
    founder_page = new_page(phone=True)
    login(founder_page, live_server, "founder@demo.example")
    founder_page.goto(f"{live_server}/founder/dossiers/{draft}/partners")
    card = founder_page.locator("#partner-ampa")
    expect(card).to_contain_text("Critères non remplis")
    card.locator("summary").click()
    expect(card).to_contain_text("Stade « amorçage » : ce partenaire ne finance que les stades "
                                 "pré-amorçage, démarrage commercial.")
    shot(founder_page, "criteria-05-founder-phone")
    client.close()
