"""In Chromium, desktop and phone: a founder's status page through the decisions of issue 16 —
an honour loan conditional on a bank's loan, accepted once the bank said yes and paid in two
tranches, the plan's approved/accepted/paid-out columns and leverage; after a bank's refusal,
the other partners (sent in two clicks) and the Médiation du crédit."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.db import utcnow
from tests.e2e.conftest import login, shot
from tests.e2e.test_accessibility import api_login, empty_labels, serious, sideways
from tests.helpers import full_dossier
from tests.routing.conftest import submit_delivered

COMPANY = "Optique des Goudes"
FOUNDER = "founder@demo.example"
CEPAC = "Caisse d'Epargne CEPAC"
MI = "Marseille Innovation — prêt d'honneur à l'innovation"


def checked(page) -> None:
    """No serious axe violation; on a phone, no sideways scrolling nor empty cell label."""
    problems = serious(Axe().run(page))
    if page.viewport_size["width"] < 500:
        problems += sideways(page) + empty_labels(page)
    assert problems == [], problems


def event(client, email: str, route_id: str, body: dict) -> None:
    r = client.post(f"/api/v1/routes/{route_id}/events", headers=api_login(client, email),
                    json=body)
    assert r.status_code == 201, r.text


def visit(page, url: str) -> None:
    """Load `url` afresh (a link to another part of the same page would not reload it)."""
    page.goto("about:blank")
    page.goto(url)


def both(pages, url: str, name: str) -> None:
    """Show `url` on the desktop and the phone, check and photograph both."""
    for width, page in pages.items():
        visit(page, url)
        shot(page, f"offers-{name}-{width}")
        checked(page)


def test_offer_conditions_tranches_plan_alternatives_and_mediation(live_server, new_page):
    client = httpx.Client(base_url=live_server, timeout=60)
    founder = api_login(client, FOUNDER)
    body = full_dossier(name=COMPANY, partners=["cepac", "mi-honor-loan", "ampa"])
    body["requests"].append({"partner": "bnp-paribas", "instrument": "bank_loan",
                             "amount_eur": "100000.00", "duration_months": 60})
    dossier_id, routes = submit_delivered(client, founder, body)
    base = f"{live_server}/founder/dossiers/{dossier_id}"
    pages = {"desktop": new_page(), "phone": new_page(phone=True)}
    for page in pages.values():
        login(page, live_server, FOUNDER)
        expect(page).not_to_have_url(re.compile(r"/login"))
    desk = pages["desktop"]

    # 1. An honour loan conditional on the bank's loan: shown, not acceptable yet
    event(client, "mi-honor-loan@demo.example", routes["mi-honor-loan"], {
        "type": "approved", "instrument": "honor_loan", "amount_eur": "50000",
        "duration_months": 60, "conditional_on": [{"partner": "cepac",
                                                   "min_amount_eur": "150000"}]})
    both(pages, base + f"#route-{routes['mi-honor-loan']}", "1-pending-condition")
    mi_card = desk.locator(f"#route-{routes['mi-honor-loan']}")
    expect(mi_card).to_contain_text(
        f"Sous condition de l'accord de {CEPAC} (au moins 150\u202f000,00\u00a0€) — en attente")
    expect(mi_card).to_contain_text("vous pourrez l'accepter quand la condition ci-dessus")
    expect(mi_card.get_by_role("button", name=re.compile("Accepter l'offre"))).to_have_count(0)

    # 2. The bank approves: the condition is met, the founder accepts (confirmation first)
    event(client, "cepac@demo.example", routes["cepac"], {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000",
        "rate_pct": "3.45", "duration_months": 84})
    visit(desk, base + f"#route-{routes['mi-honor-loan']}")
    expect(mi_card).to_contain_text("— remplie")
    accept = mi_card.get_by_role("button", name=re.compile("Accepter l'offre"))
    accept.click()
    expect(desk.get_by_role("alert")).to_contain_text("Cochez la case pour confirmer")
    checked(desk)
    mi_card.get_by_label(re.compile(f"J'accepte l'offre de {MI} au nom d'{COMPANY}")).check()
    mi_card.get_by_role("button", name=re.compile("Accepter l'offre")).click()
    expect(desk.get_by_role("status")).to_contain_text(f"Vous avez accepté l'offre de {MI}")
    cepac_card = desk.locator(f"#route-{routes['cepac']}")
    cepac_card.get_by_label(re.compile(f"J'accepte l'offre de {CEPAC}")).check()
    cepac_card.get_by_role("button", name=re.compile("Accepter l'offre")).click()
    expect(desk.get_by_role("status")).to_contain_text("Vous avez accepté l'offre de")

    # 3. Two tranches paid: the offer, the plan's columns and the leverage
    mi = api_login(client, "mi-honor-loan@demo.example")
    for amount, days, label in (("30000", 20, "Première tranche — signature du prêt"),
                                ("15000", 3, "Deuxième tranche — recrutement")):
        r = client.post(f"/api/v1/routes/{routes['mi-honor-loan']}/disbursements", headers=mi,
                        json={"amount_eur": amount, "label": label,
                              "date": (utcnow() - timedelta(days=days)).date().isoformat()})
        assert r.status_code == 201, r.text
    both(pages, base + f"#route-{routes['mi-honor-loan']}", "2-accepted-tranches-and-plan")
    expect(mi_card).to_contain_text("Offre acceptée le")
    expect(mi_card).to_contain_text("Deuxième tranche — recrutement")
    expect(mi_card).to_contain_text("Reste à verser\u00a0: 5\u202f000,00\u00a0€")
    plan = desk.locator(".plan")
    expect(plan).to_contain_text("Effet de levier\u00a0: 4,00\u00a0€ de prêts bancaires et de "
                                 "fonds propres par euro de prêt d'honneur ou de subvention")
    footer = plan.locator("tfoot")
    expect(footer).to_contain_text("250\u202f000,00\u00a0€")  # approved: 200 000 + 50 000
    expect(footer).to_contain_text("45\u202f000,00\u00a0€")  # paid out

    # 4. The other bank declines: other partners and the Médiation du crédit
    event(client, "bnp-paribas@demo.example", routes["bnp-paribas"], {
        "type": "declined", "reason": "risk_profile",
        "comment": "Endettement jugé trop élevé au regard des fonds propres."})
    both(pages, base + "#alternatives", "3-after-refusal")
    box = desk.get_by_role("region", name="Autres partenaires possibles")
    expect(box).to_contain_text("Prêt bancaire de 100\u202f000,00\u00a0€ sur 60 mois, comme "
                                "demandé à BNP Paribas")
    mediation = desk.get_by_role("region", name="Saisir la Médiation du crédit")
    expect(mediation).to_contain_text("gratuite et confidentielle")

    # the mediation from the phone: refused without consent, then opened
    phone = pages["phone"]
    phone_box = phone.get_by_role("region", name="Saisir la Médiation du crédit")
    phone_box.get_by_role("button", name="Saisir la Médiation du crédit").click()
    expect(phone.get_by_role("alert")).to_contain_text("Cochez la case pour accepter")
    consent = phone.get_by_label(re.compile("J'accepte que mon dossier, ses pièces et le refus "
                                            "de BNP Paribas"))
    expect(consent).to_have_attribute("aria-invalid", "true")
    consent.check()
    phone.get_by_role("region", name="Saisir la Médiation du crédit").get_by_role(
        "button", name="Saisir la Médiation du crédit").click()
    expect(phone.get_by_role("status")).to_contain_text("La Médiation du crédit est saisie")
    referral = next(x for x in client.get(f"/api/v1/dossiers/{dossier_id}",
                                          headers=founder).json()["routes"]
                    if x["kind"] == "mediation")
    both(pages, base + f"#route-{referral['id']}", "4-mediation-opened")
    card = desk.locator(f"#route-{referral['id']}")
    expect(card).to_contain_text("Médiation du crédit — Banque de France")
    expect(card).to_contain_text("Endettement jugé trop élevé")
    expect(desk.get_by_role("region", name="Saisir la Médiation du crédit")).to_have_count(0)

    # two clicks: tick CIC, send
    visit(desk, base + "#alternatives")
    desk.get_by_label("CIC", exact=True).check()
    desk.get_by_role("button", name="Envoyer mon dossier aux partenaires cochés").click()
    expect(desk).to_have_url(re.compile(rf"/founder/dossiers/{dossier_id}\?submitted=1$"))
    expect(desk.locator(".route-summary")).to_contain_text("CIC")
    shot(desk, "offers-5-sent-to-cic-desktop")
    client.close()


def test_a_failed_condition_is_flagged_on_the_offer_and_in_the_plan(live_server, new_page):
    client = httpx.Client(base_url=live_server, timeout=60)
    founder = api_login(client, FOUNDER)
    body = full_dossier(name="Optique de Sormiou", partners=["cepac", "mi-honor-loan"])
    dossier_id, routes = submit_delivered(client, founder, body)
    event(client, "mi-honor-loan@demo.example", routes["mi-honor-loan"], {
        "type": "approved", "instrument": "honor_loan", "amount_eur": "40000",
        "conditional_on": [{"partner": "cepac"}]})
    event(client, "cepac@demo.example", routes["cepac"], {
        "type": "declined", "reason": "insufficient_equity"})
    pages = {"desktop": new_page(), "phone": new_page(phone=True)}
    for page in pages.values():
        login(page, live_server, FOUNDER)
    both(pages, f"{live_server}/founder/dossiers/{dossier_id}", "6-failed-condition")
    desk = pages["desktop"]
    expect(desk.locator(".condition-failed")).to_contain_text(
        f"L'accord de {MI} était sous condition de celui de {CEPAC}")
    card = desk.locator(f"#route-{routes['mi-honor-loan']}")
    expect(card).to_contain_text("— non remplie")
    expect(card).to_contain_text("ne peut pas être acceptée en l'état")
    expect(card.get_by_role("button", name=re.compile("Accepter l'offre"))).to_have_count(0)
    client.close()
