"""In the browser, as a bank reviewer would use them (issue 16): the approval made conditional
on another partner, an accepted offer paid in two tranches, and a referral to the Médiation du
crédit in the Banque de France's inbox. Screenshots desktop and phone; axe on each page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.db import utcnow
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, login, shot
from tests.helpers import full_dossier
from tests.routing.conftest import submit_delivered, wait_routes

DEVICES = [pytest.param(False, id="desktop"), pytest.param(True, id="phone")]


def api_login(client: httpx.Client, email: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def serious_violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found
            if v.get("impact") in ("critical", "serious")]


def part(locator, name: str) -> None:
    """A screenshot of one part of the page (the full page is long), beside the full one."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def world(live_server):
    """A dossier sent to six partners; CEPAC's offer approved and accepted; BNP Paribas'
    refusal taken to the Médiation du crédit and delivered to the Banque de France."""
    body = full_dossier(name="Optique Calanques")
    body["requests"].append({"partner": "bnp-paribas", "instrument": "bank_loan",
                             "amount_eur": "100000.00", "duration_months": 60})
    with httpx.Client(base_url=live_server, timeout=30) as client:
        founder = api_login(client, "founder@demo.example")
        dossier_id, route_of = submit_delivered(client, founder, body)
        for email, rid, payload in (
                ("cepac@demo.example", route_of["cepac"],
                 {"type": "approved", "instrument": "bank_loan", "amount_eur": "200000"}),
                ("bnp-paribas@demo.example", route_of["bnp-paribas"],
                 {"type": "declined", "reason": "risk_profile",
                  "comment": "Fonds propres insuffisants au regard du besoin."})):
            r = client.post(f"/api/v1/routes/{rid}/events", headers=api_login(client, email),
                            json=payload)
            assert r.status_code == 201, r.text
        assert client.post(f"/api/v1/routes/{route_of['cepac']}/accept",
                           headers=founder).status_code == 200
        r = client.post(f"/api/v1/routes/{route_of['bnp-paribas']}/mediation", headers=founder,
                        json={"consent": True})
        assert r.status_code == 201, r.text
        wait_routes(client, founder, dossier_id, lambda rs: any(
            x["kind"] == "mediation" and x["state"] == "delivered" for x in rs))
    return {**route_of, "mediation": r.json()["id"]}


@pytest.mark.parametrize("phone", DEVICES)
def test_a_bank_reviewer_after_the_decision(live_server, new_page, world, phone):
    device = "phone" if phone else "desktop"
    # the honour-loan network approves, conditional on CEPAC's bank loan
    page = new_page(phone=phone)
    login(page, live_server, "mi-honor-loan@demo.example")
    page.goto(f"{live_server}/reviewer/routes/{world['mi-honor-loan']}?decision=approve")
    page.get_by_label("Partenaire", exact=True).select_option(label="Caisse d'Epargne CEPAC")
    page.get_by_label("Montant minimum accordé par ce partenaire (€)").fill("150 000")
    page.locator("#d-condition").scroll_into_view_if_needed()
    shot(page, f"i16-conditional-approval-{device}")
    part(page.locator("#decision"), f"i16-conditional-approval-form-{device}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#conditions")).to_contain_text("Condition remplie")

    # CEPAC records two tranches of its accepted offer, one refused first
    page = new_page(phone=phone)
    login(page, live_server, "cepac@demo.example")
    page.goto(f"{live_server}/reviewer/routes/{world['cepac']}")
    expect(page.locator("#tranches")).to_contain_text("Offre acceptée le")
    today = utcnow().date()
    tranches = [("120 000", today - timedelta(days=20), "Premier déblocage"),
                ("50 000,00", today - timedelta(days=2), "Deuxième déblocage")]
    for amount, day, label in tranches:
        page.get_by_label("Montant versé (€)").fill(amount)
        page.get_by_label("Date du versement").fill(day.isoformat())
        page.get_by_label("Libellé").fill(label)
        page.get_by_role("button", name="Enregistrer le versement").click()
        expect(page.locator(".notice")).to_contain_text("Versement enregistré")
    page.get_by_label("Montant versé (€)").fill("40 000")
    page.get_by_label("Date du versement").fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator("#tranche-amount_eur-error")).to_contain_text("il reste 30")
    expect(page.get_by_label("Montant versé (€)")).to_have_value("40 000")
    expect(page.locator(".rv-tranches")).to_contain_text("Deuxième déblocage")
    page.locator("#tranches").scroll_into_view_if_needed()
    shot(page, f"i16-tranches-{device}")
    part(page.locator("#review"), f"i16-tranches-review-{device}")
    assert serious_violations(page) == []

    # the Banque de France receives the referral to the Médiation du crédit
    page = new_page(phone=phone)
    login(page, live_server, "bdf@demo.example")
    expect(page).to_have_url(re.compile(r"/reviewer"))
    expect(page.locator("main")).to_contain_text("Saisine de la Médiation du crédit")
    page.goto(f"{live_server}/reviewer/routes/{world['mediation']}")
    mediation = page.locator("#mediation")
    expect(mediation).to_contain_text("BNP Paribas")
    expect(mediation).to_contain_text("Fonds propres insuffisants")
    expect(mediation.get_by_role("link", name=re.compile("saisine pré-remplie"))).to_be_visible()
    shot(page, f"i16-mediation-{device}")
    part(page.locator("#mediation"), f"i16-mediation-refusal-{device}")
    assert serious_violations(page) == []
