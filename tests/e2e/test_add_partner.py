"""After submission, a founder sends the dossier to one more partner from the pages, and after a
refusal is shown the other partners the dossier is eligible for (issue 14, point 6)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot
from tests.e2e.test_accessibility import api_login
from tests.helpers import full_dossier, wait_until
from tests.routing.conftest import submit_delivered

COMPANY = "Optique Sainte-Victoire"
FOUNDER = "founder@demo.example"
BPMED = "Banque Populaire Méditerranée"


def routes_of(client: httpx.Client, headers: dict[str, str], dossier_id: str) -> dict[str, dict]:
    r = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers)
    assert r.status_code == 200, r.text
    return {x["partner"]: x for x in r.json()["routes"]}


def test_founder_adds_a_partner_after_submission_then_sees_other_partners_after_a_refusal(
        live_server, new_page):
    client = httpx.Client(base_url=live_server, timeout=60)
    founder = api_login(client, FOUNDER)
    dossier_id, routes = submit_delivered(client, founder,
                                          full_dossier(name=COMPANY, partners=["cepac"]))
    base = f"{live_server}/founder/dossiers/{dossier_id}"
    page = new_page()
    login(page, live_server, FOUNDER)
    page.goto(base + "/partners")
    expect(page.get_by_text("Votre dossier est déjà transmis")).to_be_visible()
    expect(page.locator("#partner-cepac")).to_contain_text("Déjà transmis le")
    card = page.locator("#partner-bpmed")
    card.get_by_label(f"Solliciter {BPMED}").check()
    card.get_by_label("Instrument").select_option("bank_loan")
    card.get_by_label("Montant demandé").fill("150 000")
    send = page.get_by_role("button", name="Envoyer mon dossier aux partenaires cochés")

    # No consent: nothing is sent, the card says why
    send.click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Cochez l'accord de transmission à {BPMED} pour le déposer.")
    expect(card.get_by_label("Montant demandé")).to_have_value("150 000")
    assert set(routes_of(client, founder, dossier_id)) == {"cepac"}
    shot(page, "add-partner-01-no-consent-desktop")

    card.get_by_label(re.compile(r"^J'accepte que mon dossier .* " + BPMED)).check()
    send.click()
    expect(page).to_have_url(re.compile(rf"/founder/dossiers/{dossier_id}\?submitted=1$"))
    expect(page.get_by_role("status")).to_contain_text("transmis aux partenaires choisis")
    expect(page.locator(".route-summary")).to_contain_text(BPMED)
    routed = routes_of(client, founder, dossier_id)
    assert set(routed) == {"cepac", "bpmed"}
    version = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert version["version"] == 2  # the new request made a new version
    assert {"partner": "bpmed", "instrument": "bank_loan", "amount_eur": "150000.00"}.items() <= \
        next(r for r in version["content"]["requests"] if r["partner"] == "bpmed").items()

    # BPMED's reviewer finds it in the inbox once delivered
    reviewer = new_page()
    login(reviewer, live_server, "bpmed@demo.example")

    def inbox_shows_it() -> bool:
        reviewer.goto(f"{live_server}/reviewer?q=Sainte-Victoire")
        return COMPANY in reviewer.locator("main").inner_text()

    wait_until(inbox_shows_it, what="BPMED's inbox to list the dossier", timeout=90, every=0.5)
    reviewer.get_by_role("link", name=COMPANY).click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    shot(reviewer, "add-partner-02-bpmed-route-desktop")

    # CEPAC declines: the status page suggests the partners still possible
    cepac = api_login(client, "cepac@demo.example")
    r = client.post(f"/api/v1/routes/{routes['cepac']}/events", headers=cepac,
                    json={"type": "declined", "reason": "risk_profile"})
    assert r.status_code == 201, r.text
    page.goto(base)
    box = page.get_by_role("region", name="Autres partenaires possibles")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Aix-Marseille Provence Amorçage")
    listed = box.locator("li strong").all_inner_texts()  # a request may cite CEPAC's
    assert not any("CEPAC" in name or name == BPMED for name in listed), listed
    shot(page, "add-partner-03-suggestions-desktop")
    phone = new_page(phone=True)
    login(phone, live_server, FOUNDER)
    phone.goto(base)
    expect(phone.get_by_role("region", name="Autres partenaires possibles")).to_be_visible()
    shot(phone, "add-partner-03-suggestions-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    box.get_by_role("link", name="Envoyer mon dossier à Aix-Marseille Provence Amorçage").click()
    expect(page).to_have_url(re.compile(r"/partners\?add=ampa#partner-ampa$"))
    expect(page.locator("#p-ampa-choose")).to_be_checked()
    expect(page.locator("#p-ampa-consent")).not_to_be_checked()
    shot(page, "add-partner-04-preselected-desktop")
    phone.goto(base + "/partners?add=ampa#partner-ampa")
    shot(phone, "add-partner-04-preselected-phone")
    client.close()
