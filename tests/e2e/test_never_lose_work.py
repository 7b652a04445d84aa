"""Never lose typed work (issue 14, point 1), in Chromium, desktop and phone.

- One invalid field (a 4-digit postal code) does not discard the step: the other fields are
  saved, the invalid one is kept as typed with its error, also after leaving the step.
- An unbalanced plan is saved as a draft with a visible warning; submission is refused.
- A session ended in another tab: the autosave says so, keeps the values, and after logging
  in again puts them back and saves them.
"""

from __future__ import annotations

import re

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forms.definition import section
from tests.e2e.conftest import login, shot
from tests.e2e.wizard_filler import fill_section
from tests.helpers import full_dossier, wait_until

FOUNDER = "founder@demo.example"
DEVICES = [pytest.param(False, id="desktop"), pytest.param(True, id="phone")]


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page (ids and targets)."""
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found
            if v.get("impact") in ("critical", "serious")]


def new_draft(page, base: str) -> str:
    """Log in as the demo founder and start a dossier; the URL of its company step."""
    login(page, base, FOUNDER)
    expect(page).to_have_url(re.compile(r"/founder$"))
    page.get_by_role("button", name="Créer un nouveau dossier").click()
    expect(page).to_have_url(re.compile(r"/edit/company$"))
    return page.url


def api(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    r = client.post("/api/v1/auth/token", data={"username": FOUNDER, "password": "demo1234"})
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


def autosave_status(page):
    return page.locator("[data-autosave-status]")


@pytest.mark.parametrize("phone", DEVICES)
def test_an_invalid_postal_code_keeps_the_other_fields_and_itself(live_server, new_page, phone):
    page = new_page(phone=phone)
    url = new_draft(page, live_server)
    dossier_id = url.split("/")[-3]
    company = {"company": {**full_dossier()["company"],
                           "address": {**full_dossier()["company"]["address"],
                                       "postal_code": "1300"}}}
    fill_section(page, section("company"), company)
    status = autosave_status(page)
    expect(status).to_contain_text("sauf 1 valeur à corriger", timeout=20_000)
    error = page.locator("#e-f-company-address-postal_code")
    expect(error).to_be_visible()
    expect(error).to_contain_text("code postal")
    # Without waiting for the autosave: the "next step" button saves the rest, and stays
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/edit/company\?saved=partial"))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("1 valeur à corriger ; le reste de l'étape est enregistré")
    shot(page, f"wizard-invalid-kept-{'phone' if phone else 'desktop'}")
    assert serious_violations(page) == []
    # the stored draft: every valid field, not the invalid postal code
    stored = api(live_server).get(f"/api/v1/dossiers/{dossier_id}").json()
    assert stored["content"]["company"]["legal_name"] == company["company"]["legal_name"]
    assert stored["content"]["company"]["siren"] == company["company"]["siren"]
    assert "postal_code" not in stored["content"]["company"]["address"]
    assert stored["content"]["company"]["address"]["city"] == "Marseille"
    assert [p["loc"] for p in stored["completeness"]["pending"]] == [
        "company.address.postal_code"]
    assert stored["completeness"]["pending"][0]["typed"] == "1300"
    # leave the step, come back: the invalid value is there as typed, with its error
    summary.get_by_role("link", name=re.compile("étape suivante")).click()
    expect(page).to_have_url(re.compile(r"/edit/founders$"))
    page.goto(url)
    expect(page.locator("#f-company-address-postal_code")).to_have_value("1300")
    expect(page.locator("#f-company-address-postal_code")).to_have_attribute("aria-invalid",
                                                                             "true")
    expect(error).to_be_visible()
    expect(page.locator("#f-company-legal_name")).to_have_value(company["company"]["legal_name"])
    expect(page.locator("#f-company-siret")).to_have_value(company["company"]["siret"])
    # corrected: saved, no error left
    page.locator("#f-company-address-postal_code").fill("13002")
    page.locator("#f-company-address-postal_code").blur()
    expect(status).to_contain_text("Brouillon enregistré à", timeout=20_000)
    expect(status).not_to_contain_text("sauf")
    expect(error).to_be_hidden()
    stored = api(live_server).get(f"/api/v1/dossiers/{dossier_id}").json()
    assert stored["content"]["company"]["address"]["postal_code"] == "13002"
    assert stored["completeness"]["pending"] == []


@pytest.mark.parametrize("phone", DEVICES)
def test_an_unbalanced_plan_is_a_draft_with_a_warning_and_cannot_be_submitted(
        live_server, new_page, phone):
    page = new_page(phone=phone)
    url = new_draft(page, live_server)
    dossier_id = url.split("/")[-3]
    page.goto(url.replace("/edit/company", "/edit/funding"))
    fill_section(page, section("funding"), {"funding": {
        "total_need_eur": "1000", "uses": [{"category": "rd", "label": "Prototype",
                                            "amount_eur": "600"}]}})
    warnings = page.locator("[data-warnings]")
    expect(warnings).to_contain_text("À régler avant l'envoi", timeout=20_000)
    expect(warnings).to_contain_text("La somme des emplois")
    expect(autosave_status(page)).to_contain_text("Brouillon enregistré à")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page).to_have_url(re.compile(r"/edit/funding\?saved=1"))
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(warnings).to_contain_text("La somme des emplois")
    expect(page.locator("#f-funding-uses-0-amount_eur")).to_have_value("600,00")
    shot(page, f"wizard-unbalanced-warning-{'phone' if phone else 'desktop'}")
    assert serious_violations(page) == []
    client = api(live_server)
    stored = client.get(f"/api/v1/dossiers/{dossier_id}").json()
    assert stored["content"]["funding"]["uses"][0]["amount_eur"] == "600.00"
    assert [w["code"] for w in stored["completeness"]["warnings"]] == ["uses_unbalanced"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", json={"consent": True})
    assert r.status_code == 422
    assert "funding.uses" in [e["loc"] for e in r.json()["errors"]]



def log_in_again(page) -> None:
    """On the login page a lost session led to, the founder logs in again."""
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Adresse e-mail").fill(FOUNDER)
    page.get_by_label("Mot de passe").fill("demo1234")
    page.get_by_role("button", name="Se connecter").click()


def saved_then_logged_out(page, base: str, summary: str):
    """A new draft's project step with `summary` saved, then another tab of the same browser
    logs out: this page's session is gone. The dossier's id and the autosave status."""
    url = new_draft(page, base)
    page.goto(url.replace("/edit/company", "/edit/project"))
    page.locator("#f-project-summary").fill(summary)
    status = autosave_status(page)
    expect(status).to_contain_text("Brouillon enregistré à", timeout=20_000)
    other = page.context.new_page()
    other.goto(base + "/founder")
    with other.expect_navigation():  # closing a tab mid-navigation once hung for 40 min
        other.get_by_role("button", name=re.compile("déconnecter", re.I)).first.click()
    other.close()
    return url.split("/")[-3], status


@pytest.mark.parametrize("phone", DEVICES)
def test_a_session_ended_in_another_tab_keeps_the_typed_values(live_server, new_page, phone):
    page = new_page(phone=phone)
    dossier_id, status = saved_then_logged_out(page, live_server,
                                               "Des lasers compacts pour l'industrie.")
    innovation = "Une source laser trois fois plus petite, brevetée en 2025."
    page.locator("#f-project-innovation").fill(innovation)
    page.locator("#f-project-innovation").blur()
    expect(status).to_contain_text("Votre session a expiré : reconnectez-vous, ce que vous "
                                   "avez tapé est gardé", timeout=20_000)
    banner = page.locator("[data-session-banner]")  # also in view while typing, at the top
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Votre session a expiré")
    expect(page.locator("#f-project-innovation")).to_have_value(innovation)
    page.locator("#f-project-market").fill("Le marché des lasers industriels en Europe.")
    shot(page, f"wizard-session-expired-{'phone' if phone else 'desktop'}")
    assert serious_violations(page) == []
    # the "next step" button does not throw the text away either
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/edit/project"))
    banner.get_by_role("link", name="Se reconnecter").click()
    expect(page.locator("p.notice")).to_contain_text("Votre session a pris fin")
    log_in_again(page)
    expect(page).to_have_url(re.compile(r"/edit/project$"))
    expect(page.locator("#f-project-innovation")).to_have_value(innovation)
    expect(status).to_contain_text("Brouillon enregistré à", timeout=20_000)
    stored = api(live_server).get(f"/api/v1/dossiers/{dossier_id}").json()["content"]
    assert stored["project"] == {"summary": "Des lasers compacts pour l'industrie.",
                                 "innovation": innovation,
                                 "market": "Le marché des lasers industriels en Europe."}
    page.reload()  # from the server now, not from the browser's copy
    expect(page.locator("#f-project-innovation")).to_have_value(innovation)


def test_leaving_a_step_while_the_session_is_gone_loses_nothing(live_server, new_page):
    """The session ended in another tab, the founder types on and leaves by the step list: the
    login brings them to the other step, and what was typed is saved to its own step."""
    page = new_page()
    dossier_id, status = saved_then_logged_out(page, live_server, "Des lasers compacts.")
    page.locator("#f-project-innovation").fill("Une source laser trois fois plus petite.")
    page.locator("#f-project-innovation").blur()
    expect(status).to_contain_text("Votre session a expiré", timeout=20_000)
    page.locator("#f-project-market").fill("Le marché européen des lasers.")
    page.locator(".step-list a", has_text="Données financières").click()
    log_in_again(page)
    expect(page).to_have_url(re.compile(r"/edit/financials$"))
    client = api(live_server)

    def saved() -> dict:
        return client.get(f"/api/v1/dossiers/{dossier_id}").json()["content"].get("project", {})

    wait_until(lambda: saved().get("market"), what="the project step's typed text to be saved")
    assert saved() == {"summary": "Des lasers compacts.",
                       "innovation": "Une source laser trois fois plus petite.",
                       "market": "Le marché européen des lasers."}
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/edit/project")
    expect(page.locator("#f-project-market")).to_have_value("Le marché européen des lasers.")


def test_leaving_by_the_step_list_right_after_typing_keeps_the_text(live_server, new_page):
    """No wait for the autosave, no button: a click on another step still saves the text."""
    page = new_page()
    url = new_draft(page, live_server)
    dossier_id = url.split("/")[-3]
    page.goto(url.replace("/edit/company", "/edit/project"))
    page.locator("#f-project-summary").fill("Des lasers compacts, tapés à l'instant.")
    page.locator(".step-list a", has_text="Données financières").click()
    expect(page).to_have_url(re.compile(r"/edit/financials$"))
    client = api(live_server)
    wait_until(lambda: client.get(f"/api/v1/dossiers/{dossier_id}").json()["content"]
               .get("project", {}).get("summary"), what="the project's summary to be saved")
    page.goto(url.replace("/edit/company", "/edit/project"))
    expect(page.locator("#f-project-summary")).to_have_value(
        "Des lasers compacts, tapés à l'instant.")
