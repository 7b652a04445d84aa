"""In the browser, the reviewer reads the registry's status beside the company and the computed
figures after the financial tables, on a desktop and on a phone; the PDF shows the status too
(its page drawn with pdftoppm as a test artifact)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from dossier.models import RegistryCompany
from dossier.registry import Address, CompanyFacts
from tests.e2e.conftest import ARTIFACTS, login, shot
from tests.e2e.test_accessibility import api_login, serious, sideways
from tests.helpers import full_dossier
from tests.routing.conftest import submit_delivered

SIREN, SIRET = "843152760", "84315276000016"


@pytest.fixture
def route(live_server, sessions) -> str:
    """The full dossier sent to CEPAC, the registry knowing the company under another name (a
    look-up cached on 3 December 2026): CEPAC's route id."""
    facts = CompanyFacts(siren=SIREN, siret=SIRET, legal_name="LUMIPHASE OPTIQUE",
                         legal_form="SAS", naf_code="26.70Z", creation_date=date(2021, 3, 15),
                         address=Address(postal_code="13013", city="MARSEILLE"))
    with sessions.begin() as db:
        db.merge(RegistryCompany(number=SIRET, siren=SIREN, found=True, facts=facts.as_json(),
                                 source="recherche-entreprises",
                                 fetched_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC)))
    with httpx.Client(base_url=live_server, timeout=60) as client:
        founder = api_login(client, "founder@demo.example")
        _, routes = submit_delivered(client, founder, full_dossier(partners=["cepac"]))
    return routes["cepac"]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_reviewer_reads_the_registry_status_and_the_figures(live_server, new_page, route,
                                                                 phone):
    page = new_page(phone=phone)
    login(page, live_server, "cepac@demo.example")
    page.goto(f"{live_server}/reviewer/routes/{route}")
    status = page.locator("#section-company .registry")
    expect(status).to_contain_text("Écarts avec le registre (vérifié le 3 décembre 2026)")
    expect(status).to_contain_text("Raison sociale — saisie\u00a0: Lumiphase\u00a0; "
                                   "registre\u00a0: LUMIPHASE OPTIQUE")
    figures = page.locator("#section-financials .figures")
    expect(figures).to_contain_text("Indicateurs calculés")
    expect(figures).to_contain_text("Mois de trésorerie")
    assert serious(Axe().run(page)) == []
    if phone:
        assert sideways(page) == []
    width = "phone" if phone else "desktop"
    shot(page, f"60-reviewer-registry-{width}")
    status.scroll_into_view_if_needed()
    status.locator("xpath=ancestor::section[1]").screenshot(
        path=str(ARTIFACTS / f"61-reviewer-registry-company-{width}.png"))
    figures.screenshot(path=str(ARTIFACTS / f"62-reviewer-figures-{width}.png"))


def test_the_pdf_shows_the_registry_status(live_server, new_page, route):
    page = new_page()
    login(page, live_server, "cepac@demo.example")
    answer = page.request.get(f"{live_server}/reviewer/routes/{route}/pdf")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(answer.body())).pages
    [number] = [n + 1 for n, p in enumerate(pages)
                if "Écarts avec le registre" in " ".join(p.extract_text().split())]
    flat = " ".join(pages[number - 1].extract_text().split()).replace("\u00a0", " ")
    assert "Raison sociale — saisie : Lumiphase ; registre : LUMIPHASE OPTIQUE" in flat
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "63-reviewer-registry.pdf"
    pdf.write_bytes(answer.body())
    if shutil.which("pdftoppm"):  # the page as a reviewer prints it, for people to look at
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number),
                        "-singlefile", str(pdf), str(ARTIFACTS / "63-reviewer-registry-pdf")],
                       check=True, timeout=60)
