"""In Chromium: Marseille Innovation's honour loans go before its committee. The reviewer
proposes the dossier, plans the session, the founder reads "Passage en comité le … à 14 h 30",
a committee member decides with the minutes. Desktop and phone, axe-core on every page."""

from __future__ import annotations

import re
from datetime import date

import httpx
from playwright.sync_api import expect

from dossier.db import transaction
from dossier.models import Partner
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import login, shot
from tests.e2e.test_accessibility import sideways
from tests.e2e.test_notifications import no_serious_violations
from tests.helpers import full_dossier
from tests.routing.conftest import submit_delivered

COMPANY = "Optique du Panier"
PARTNER = "mi-honor-loan"
YEAR = date.today().year + 1
DAY = f"{YEAR}-01-12"


def test_an_honour_loan_goes_before_the_committee(live_server, new_page, sessions):
    with transaction(sessions) as db:
        partner = db.get(Partner, PARTNER)
        saved = dict(partner.config)
        partner.config = {**saved, "committee": {"required": True, "above_eur": "0.00"}}
    try:
        journey(live_server, new_page)
    finally:
        with transaction(sessions) as db:
            db.get(Partner, PARTNER).config = saved


def journey(base: str, new_page) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/api/v1/auth/token", data={"username": "founder@demo.example",
                                                         "password": DEMO_PASSWORD})
        founder = {"Authorization": f"Bearer {token.json()['access_token']}"}
        dossier_id, routes = submit_delivered(client, founder,
                                              full_dossier(name=COMPANY, partners=[PARTNER]))
    route = f"{base}/reviewer/routes/{routes[PARTNER]}"

    # The reviewer proposes the dossier to the committee (no decision of their own).
    for phone in (False, True):
        page = new_page(phone=phone)
        login(page, base, f"{PARTNER}@demo.example")
        page.goto(route)
        expect(page.locator("#committee")).to_contain_text("décide en comité")
        expect(page.get_by_role("button", name="Accorder")).to_have_count(0)
        form = page.locator("#committee-form")
        expect(form).to_be_visible()
        expect(page.get_by_label("Montant proposé (€)")).to_have_value("50 000,00")
        page.get_by_label("Date du comité").fill(DAY)
        page.get_by_label("Votre avis pour le comité").fill(
            "Projet mûr, deux fondateurs à temps plein, premiers clients signés.")
        form.scroll_into_view_if_needed()
        shot(page, f"committee-01-recommend-{'phone' if phone else 'desktop'}")
        no_serious_violations(page, "the recommend form", only=["#review"])
        assert not sideways(page)
    page.get_by_role("button", name="Proposer au comité").click()
    expect(page.locator("p.notice")).to_have_text("Votre proposition a été transmise au comité.")
    expect(page.locator(".rv-status .badge")).to_have_text("En comité")

    # The reviewer plans the session: the founder pitches at their slot.
    for phone in (False, True):
        plan = new_page(phone=phone)
        login(plan, base, f"{PARTNER}@demo.example")
        plan.get_by_role("link", name="Comité", exact=True).click()
        expect(plan.get_by_role("heading", level=1)).to_have_text(
            "Le comité de Marseille Innovation — prêt d'honneur à l'innovation")
        expect(plan.get_by_label(re.compile(COMPANY))).to_be_checked()
        expect(plan.get_by_label(re.compile(COMPANY))).to_be_checked()
        plan.get_by_label("Jour").fill(DAY)
        plan.get_by_label("Heure (Paris)").fill("14:30")
        plan.get_by_label("Lieu").fill("Marseille Innovation, pôle Média de la Belle de Mai")
        shot(plan, f"committee-02-plan-{'phone' if phone else 'desktop'}")
        no_serious_violations(plan, "the planning page")
        assert not sideways(plan)
    plan.get_by_role("button", name="Planifier la séance et envoyer les invitations").click()
    expect(plan.locator("p.notice")).to_contain_text("Séance planifiée")
    session = plan.locator("article.cm-session").first
    expect(session).to_contain_text(f"12 janvier {YEAR} à 14 h 30")
    expect(session).to_contain_text(COMPANY)
    shot(plan, "committee-03-sessions-phone")
    assert not sideways(plan)

    # The founder sees when they go before the committee.
    for phone in (False, True):
        mine = new_page(phone=phone)
        login(mine, base, "founder@demo.example")
        mine.goto(f"{base}/founder/dossiers/{dossier_id}")
        card = mine.locator(f"#route-{routes[PARTNER]}")
        expect(card.locator(".committee-date")).to_contain_text(
            f"Passage en comité le 12 janvier {YEAR} à 14 h 30")
        expect(card.locator(".badge").first).to_have_text("Passage en comité")
        expect(card).not_to_contain_text("Projet mûr")  # the reviewer's opinion stays inside
        card.scroll_into_view_if_needed()
        shot(mine, f"committee-04-founder-date-{'phone' if phone else 'desktop'}")
        no_serious_violations(mine, "the founder's status page")
        assert not sideways(mine)

    # A committee member records the decision and its minutes.
    member = new_page()
    login(member, base, f"{PARTNER}-comite@demo.example")
    member.goto(route + "?decision=approve#decision")
    expect(member.get_by_role("heading", name="Décision du comité")).to_be_visible()
    member.get_by_label("Procès-verbal du comité").fill(
        "Présents : 6 membres. Pitch convaincant ; accord à l'unanimité.")
    shot(member, "committee-05-member-decides-desktop")
    no_serious_violations(member, "the committee's decision", only=["#review"])
    member.get_by_role("button", name="Enregistrer la décision").click()
    expect(member.locator("p.notice")).to_have_text("Décision enregistrée : financement accordé.")
    mine.reload()
    expect(mine.locator(f"#route-{routes[PARTNER]} .badge").first).to_have_text("Accordé")
