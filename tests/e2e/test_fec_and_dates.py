"""In Chromium, desktop and phone: a FEC read into the financial history after review, a
malformed one refused with its line; a document uploaded with its date, and its validity."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forms.formatting import format_number
from tests.dossier.test_fec import encode, fec_year
from tests.e2e.conftest import login, shot
from tests.e2e.test_accessibility import api_login, serious, sideways
from tests.helpers import full_dossier, minimal_pdf, ready_dossier

FOUNDER = "founder@demo.example"


@pytest.fixture
def dossier(live_server, sessions):
    """A draft asking CEPAC, with every document CEPAC wants but the Kbis; its id and the
    founder's API headers (made for each test: `sessions` removes every row a test wrote)."""
    with httpx.Client(base_url=live_server, timeout=60) as client:
        founder = api_login(client, FOUNDER)
        body = full_dossier(name="Optique des Calanques", partners=["cepac"])
        dossier_id = ready_dossier(client, founder, body,
                                   kinds=("statuts", "business_plan", "forecast", "rib"))
    return dossier_id, founder


def _content(base: str, headers: dict, dossier_id: str) -> dict:
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json()["content"]


def _checked(page) -> list[str]:
    problems = serious(Axe().run(page))
    if page.viewport_size["width"] < 500:
        problems += sideways(page)
    return problems


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_fec_is_read_checked_and_saved(live_server, new_page, dossier, tmp_path, phone):
    dossier_id, headers = dossier
    width = "phone" if phone else "desktop"
    lines, expected = fec_year(2025, sales=300)
    good = tmp_path / "843152760FEC20251231.txt"
    good.write_bytes(b"".join(encode(lines)))
    lines[36] = lines[36].replace("1250,50", "12x0,50", 1)
    bad = tmp_path / "843152760FEC20251231-abime.txt"
    bad.write_bytes(b"".join(encode(lines)))
    before = _content(live_server, headers, dossier_id)

    page = new_page(phone=phone)
    login(page, live_server, FOUNDER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/edit/financials")
    expect(page.get_by_role("heading", name="Importer votre FEC")).to_be_visible()
    shot(page, f"fec-{width}-1-step")

    # a damaged file: the line is named, nothing is stored, the page goes on working
    page.get_by_label("Fichier FEC").set_input_files(bad)
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text("Ligne 37 : montant illisible")
    assert _checked(page) == []
    shot(page, f"fec-{width}-2-malformed")
    assert _content(live_server, headers, dossier_id) == before

    page.get_by_label("Fichier FEC").set_input_files(good)
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.get_by_role("group", name="Exercice 2025")).to_be_visible()
    revenue = page.locator("#fec-2025-revenue_eur")
    expect(revenue).to_have_value(format_number(expected["revenue_eur"], "fr"))
    replace = page.get_by_label("Remplacer les chiffres de 2025 du dossier par ceux-ci")
    expect(replace).to_be_checked()
    assert _checked(page) == []
    shot(page, f"fec-{width}-3-review")
    assert _content(live_server, headers, dossier_id) == before  # shown, not saved

    page.locator("#fec-2025-debt_eur").fill("65 000,00")  # the founder corrects a figure
    page.get_by_role("button", name="Enregistrer les exercices cochés").click()
    expect(page).to_have_url(re.compile(r"/edit/financials\?saved=1&fec=2025"))
    expect(page.get_by_role("status").filter(has_text="repris de votre FEC")).to_be_visible()
    shot(page, f"fec-{width}-4-saved")
    history = _content(live_server, headers, dossier_id)["financials"]["history"]
    assert [h["year"] for h in history] == [2023, 2024, 2025]
    assert history[2]["revenue_eur"] == f"{expected['revenue_eur']:.2f}"
    assert history[2]["debt_eur"] == "65000.00"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_document_is_uploaded_with_its_date(live_server, new_page, dossier, tmp_path, phone):
    dossier_id, headers = dossier
    width = "phone" if phone else "desktop"
    pdf = tmp_path / "kbis.pdf"
    pdf.write_bytes(minimal_pdf("Kbis"))
    page = new_page(phone=phone)
    login(page, live_server, FOUNDER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/attachments")
    page.get_by_label("Type de pièce").select_option("financial_statements")
    expect(page.locator("[data-date-hint-text]")).to_have_text(
        "Comptes annuels : date de clôture de l'exercice.")
    page.get_by_label("Type de pièce").select_option("kbis")
    expect(page.locator("[data-date-hint-text]")).to_have_text(
        "Kbis : date d'édition de l'extrait.")
    old = date.today() - timedelta(days=120)
    page.get_by_label("Date du document").fill(old.isoformat())
    page.locator("#file").set_input_files(pdf)
    page.get_by_role("button", name="Envoyer la pièce").click()
    expect(page).to_have_url(re.compile(r"\?added="))
    row = page.locator("#attachment-list tbody tr").filter(has_text="kbis.pdf")
    expect(row).to_contain_text("Expiré depuis le")
    expect(row).to_contain_text("pour Caisse d'Epargne CEPAC (moins de 3 mois demandés)")
    expect(page.locator(".checklist")).to_contain_text("expirée")
    assert _checked(page) == []
    shot(page, f"dates-{width}-1-expired")

    # the partners page says why CEPAC cannot receive it yet
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/partners")
    expect(page.locator("body")).to_contain_text("expirée le")

    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/attachments?kind=kbis")
    page.get_by_label("Date du document").fill((date.today() - timedelta(days=3)).isoformat())
    page.locator("#file").set_input_files(pdf)
    page.get_by_role("button", name="Envoyer la pièce").click()
    expect(page).to_have_url(re.compile(r"\?added="))
    expect(page.locator("#attachment-list")).to_contain_text("Valide jusqu'au")
    expect(page.locator(".checklist")).not_to_contain_text("expirée")
    assert _checked(page) == []
    shot(page, f"dates-{width}-2-recent")
    kbis = [a for a in _attachments(live_server, headers, dossier_id) if a["kind"] == "kbis"]
    assert sorted(a["issued_on"] for a in kbis) == [
        old.isoformat(), (date.today() - timedelta(days=3)).isoformat()]


def _attachments(base: str, headers: dict, dossier_id: str) -> list[dict]:
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers).json()
