"""Reviewer pages after a decision (issue 16): a conditional approval, revising within and after
the window, tranches of an accepted offer, and a referral to the Médiation du crédit."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

from dossier.db import utcnow
from dossier.models import Route
from tests.conftest import login
from tests.helpers import settle_deliveries
from tests.helpers.pages import browser


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def text(page: str) -> str:
    """The page's text without tags, entities read, spaces folded (narrow ones too)."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", plain.replace("\u202f", " ").replace("\xa0", " "))


def post(who, url: str, data: dict):
    page = who.get(url.rsplit("/", 1)[0]).text
    return who.post(url, data={"csrf": csrf_of(page), **data}, follow_redirects=False)


def approve(client, email, rid, instrument, amount, **more):
    r = client.post(f"/api/v1/routes/{rid}/events", headers=login(client, email),
                    json={"type": "approved", "instrument": instrument, "amount_eur": amount,
                          **more})
    assert r.status_code == 201, r.text


def test_an_approval_made_conditional_on_another_partner(client, routed):
    mi = browser(client, "mi-honor-loan@demo.example")
    base = f"/reviewer/routes/{routed['mi-honor-loan']}"
    form = mi.get(base, params={"decision": "approve"}).text
    assert "Sous condition de l&#39;accord de" in form
    assert '<option value="cepac">' in form and '<option value="mi-honor-loan">' not in form

    bad = mi.post(base + "/decision", data={
        "csrf": csrf_of(form), "outcome": "approve", "instrument": "honor_loan",
        "amount_eur": "50 000", "condition_partner": "cepac", "condition_min_eur": "beaucoup"})
    assert bad.status_code == 422
    assert 'id="decision-condition_min_eur-error"' in bad.text
    assert 'value="beaucoup"' in bad.text and 'value="50 000"' in bad.text
    assert '<option value="cepac" selected>' in bad.text
    forced = mi.post(base + "/decision", data={
        "csrf": csrf_of(form), "outcome": "approve", "instrument": "honor_loan",
        "amount_eur": "50 000", "condition_partner": "cic"})
    assert forced.status_code == 422 and "decision-condition_partner-error" in forced.text

    ok = mi.post(base + "/decision", data={
        "csrf": csrf_of(form), "outcome": "approve", "instrument": "honor_loan",
        "amount_eur": "50 000", "condition_partner": "cepac",
        "condition_min_eur": "150 000,00"}, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    page = text(mi.get(base).text)
    assert "Accord de Caisse d'Epargne CEPAC (au moins 150 000,00 €)" in page, page
    assert "Condition en attente" in page
    approve(client, "cepac@demo.example", routed["cepac"], "bank_loan", "200000")
    assert "Condition remplie" in text(mi.get(base).text)


def test_revise_within_the_window_then_not_after(client, routed, sessions):
    cepac = browser(client, "cepac@demo.example")
    base = f"/reviewer/routes/{routed['cepac']}"
    r = post(cepac, base + "/decision", {"outcome": "decline", "reason": "incomplete"})
    assert r.status_code == 303, r.text
    page = cepac.get(base).text
    assert "Réviser la décision" in page and "Révisable jusqu&#39;au" in page

    missing = post(cepac, base + "/revision", {"outcome": "approve", "instrument": "bank_loan",
                                               "amount_eur": "180 000", "motive": ""})
    assert missing.status_code == 422 and 'id="revise-motive-error"' in missing.text
    assert 'value="180 000"' in missing.text

    ok = post(cepac, base + "/revision", {"outcome": "approve", "instrument": "bank_loan",
                                          "amount_eur": "180 000",
                                          "motive": "Pièces reçues par courrier"})
    assert ok.status_code == 303, ok.text
    page = text(cepac.get(base).text)
    assert "Décision révisée le" in page and ": Pièces reçues par courrier ;" in page
    assert "décision précédente : Refusé" in page or "décision précédente : Refusée" in page, page
    assert "180 000,00 €" in page

    with sessions() as db, db.begin():
        db.get(Route, uuid.UUID(routed["cepac"])).decided_at = utcnow() - timedelta(days=16)
    page = cepac.get(base).text
    assert 'action="' + base + '/revision"' not in page
    assert "ne peut plus être révisée" in page
    forced = post(cepac, base + "/revision", {"outcome": "decline", "decline_reason": "other",
                                              "motive": "Erreur"})
    assert forced.status_code == 409
    assert "ne peut plus être révisée" in forced.text and "15 jours" in forced.text


def test_tranches_of_an_accepted_offer(client, founder, routed):
    approve(client, "cepac@demo.example", routed["cepac"], "bank_loan", "200000")
    r = client.post(f"/api/v1/routes/{routed['cepac']}/accept", headers=founder)
    assert r.status_code == 200, r.text
    cepac = browser(client, "cepac@demo.example")
    base = f"/reviewer/routes/{routed['cepac']}"
    page = text(cepac.get(base).text)
    assert "Offre acceptée le" in page and "Enregistrer un versement" in page
    day = (utcnow() - timedelta(days=3)).date().isoformat()
    ok = post(cepac, base + "/disbursements", {"amount_eur": "120 000", "date": day,
                                              "label": "Première tranche"})
    assert ok.status_code == 303, ok.text

    too_much = post(cepac, base + "/disbursements", {"amount_eur": "90 000,50", "date": day,
                                                    "label": "Solde"})
    assert too_much.status_code == 409
    assert 'id="tranche-amount_eur-error"' in too_much.text
    assert "80 000,00" in text(too_much.text) and 'value="90 000,50"' in too_much.text
    future = (utcnow() + timedelta(days=5)).date().isoformat()
    later = post(cepac, base + "/disbursements", {"amount_eur": "80 000", "date": future,
                                                 "label": "Solde"})
    assert later.status_code == 422 and 'id="tranche-date-error"' in later.text
    assert f'value="{future}"' in later.text and 'value="Solde"' in later.text

    post(cepac, base + "/disbursements", {"amount_eur": "80 000", "date": day, "label": "Solde"})
    page = text(cepac.get(base).text)
    assert "Première tranche" in page and "Solde" in page
    assert "Total versé 200 000,00 €" in page and "Reste à verser 0,00 €" in page
    assert 'action="' + base + '/disbursements"' not in cepac.get(base).text  # all paid


def test_a_mediation_referral_in_the_bdf_inbox_and_page(client, founder, routed, sessions):
    bnp = login(client, "bnp-paribas@demo.example")
    r = client.post(f"/api/v1/routes/{routed['bnp-paribas']}/events", headers=bnp,
                    json={"type": "declined", "reason": "risk_profile",
                          "comment": "Fonds propres insuffisants"})
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/routes/{routed['bnp-paribas']}/mediation", headers=founder,
                    json={"consent": True})
    assert r.status_code == 201, r.text
    settle_deliveries(sessions)
    bdf = browser(client, "bdf@demo.example")
    inbox = bdf.get("/reviewer").text
    assert inbox.count("Saisine de la Médiation du crédit") == 1
    page = bdf.get(f"/reviewer/routes/{r.json()['id']}").text
    plain = text(page)
    assert "Saisine de la Médiation du crédit" in plain
    assert "BNP Paribas" in plain and "100 000,00 €" in plain
    assert "Fonds propres insuffisants" in plain
    assert f'href="/reviewer/routes/{r.json()["id"]}/pdf"' in page
    assert page.index('id="mediation"') < page.index('id="dossier"')
