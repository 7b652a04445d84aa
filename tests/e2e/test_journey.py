"""The whole journey in Chromium: a founder files, a reviewer asks and approves, staff watch."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from forms.definition import SECTIONS
from tests.e2e.conftest import login, shot
from tests.e2e.wizard_filler import fill_section
from tests.helpers import full_dossier, minimal_pdf, wait_until

COMPANY = "Photonique des Calanques"
FOUNDER_EMAIL = "camille@calanques.example"
PASSWORD = "un mot de passe solide"
# partner → (instrument, amount, duration); the plan's sources name the same three
CHOSEN = {"cepac": ("bank_loan", "200 000", "84"), "bpmed": ("bank_loan", "150 000", "84"),
          "mi-honor-loan": ("honor_loan", "50 000", "60")}
DOCUMENTS = {"kbis": "Extrait Kbis", "statuts": "Statuts", "business_plan": "Plan d'affaires",
             "forecast": "Prévisionnel", "rib": "RIB", "id_founder": "Pièce d'identité"}
INFO_REQUEST = "Merci de nous transmettre le carnet de commandes signé pour 2026."
ANSWER = "Voici le carnet de commandes : 3 lettres d'intention signées pour 380 000 €."


def journey_dossier() -> dict:
    """A complete dossier, lighter than the fixture, whose plan asks the three partners."""
    body = full_dossier()
    body["company"]["legal_name"] = COMPANY
    body["founders"] = body["founders"][:2]
    body["financials"]["forecast"] = body["financials"]["forecast"][:3]
    body["funding"] = {
        "total_need_eur": "600000.00",
        "uses": [{"category": "rd", "label": "Industrialisation du module laser",
                  "amount_eur": "350000.00"},
                 {"category": "hiring", "label": "Recrutement de 4 ingénieurs",
                  "amount_eur": "250000.00"}],
        "sources": [
            {"type": "equity_founders", "label": "Apport des fondateurs",
             "amount_eur": "100000.00", "status": "obtained"},
            {"type": "bank_loan", "label": "Prêt CEPAC", "amount_eur": "200000.00",
             "status": "requested", "partner": "cepac"},
            {"type": "bank_loan", "label": "Prêt Banque Populaire Méditerranée",
             "amount_eur": "150000.00", "status": "requested", "partner": "bpmed"},
            {"type": "honor_loan", "label": "Prêt d'honneur Marseille Innovation",
             "amount_eur": "50000.00", "status": "requested", "partner": "mi-honor-loan"},
            {"type": "public_grant", "label": "Région Sud — Parcours Innovation",
             "amount_eur": "100000.00", "status": "requested"}]}
    del body["requests"]  # chosen on the partners page
    return body


def sign_up(page, base: str, smtp) -> None:
    """Sign up, then confirm through the link the e-mail brings."""
    page.goto(base + "/signup")
    page.get_by_label("Nom et prénom").fill("Camille Roux")
    page.get_by_label("Adresse e-mail").fill(FOUNDER_EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    shot(page, "01-signup")
    page.get_by_role("button", name="Créer un compte").click()
    expect(page.get_by_role("status")).to_contain_text("Vérifiez votre boîte e-mail")
    mail = next(m for m in smtp.messages if m.rcpt_tos == [FOUNDER_EMAIL])
    page.goto(re.search(r"(http\S+/signup/confirm\?token=\S+)", mail.text).group(1))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page).to_have_url(re.compile(r"/founder$"))


def fill_wizard(page) -> str:
    """Create the dossier and walk every section; returns the dossier's status URL."""
    page.get_by_role("button", name="Créer un nouveau dossier").click()
    data = journey_dossier()
    for number, section in enumerate(SECTIONS, start=2):
        if section.uploaded:
            break
        expect(page).to_have_url(re.compile(rf"/edit/{section.key}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title.fr)
        fill_section(page, section, data)
        shot(page, f"{number:02d}-wizard-{section.key}")
        page.get_by_role("button", name="Étape suivante").click()
        expect(page.locator(".error-summary")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/attachments$"))
    return page.url.rsplit("/", 1)[0]


def upload_documents(page, tmp_path) -> None:
    """Upload one PDF per document kind the three partners need, with the progress bar."""
    for kind, title in DOCUMENTS.items():
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(minimal_pdf(title))
        page.get_by_label("Type de pièce").select_option(kind)
        page.locator("#file").set_input_files(path)
        page.get_by_role("button", name="Envoyer la pièce").click()
        expect(page.locator("#attachment-list")).to_contain_text(f"{kind}.pdf")
    expect(page.get_by_role("heading", name=re.compile(r"\(6\)"))).to_be_visible()
    shot(page, "10-attachments")


def choose_partners_and_submit(page, status_url: str) -> None:
    page.goto(status_url + "/partners")
    for code, (instrument, amount, duration) in CHOSEN.items():
        card = page.locator(f"#partner-{code}")
        card.locator(f"#p-{code}-choose").check()
        card.locator(f"#p-{code}-instrument").select_option(instrument)
        card.locator(f"#p-{code}-amount").fill(amount)
        card.locator(f"#p-{code}-duration").fill(duration)
        card.locator(f"#p-{code}-consent").check()
        expect(card.locator(".badges")).to_contain_text("Critères remplis")
    shot(page, "11-partners")
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + r"(\?.*)?$"))


def reload_until(page, condition, timeout: float = 90.0) -> None:
    """Reload until the condition holds (routing runs in the background)."""
    def holds() -> bool:
        if condition():
            return True
        page.reload()
        return False

    wait_until(holds, what=f"the page {page.url} to reach the expected state", timeout=timeout,
               every=0.5)


def widest(page) -> list[str]:
    """The elements that reach past the screen's right edge (deepest last)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(-4).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' +
                     (e.textContent || '').trim().slice(0, 40))""")


def test_founder_files_reviewer_asks_and_approves_staff_see_it(live_server, new_page, tmp_path,
                                                               smtp):
    founder = new_page()
    sign_up(founder, live_server, smtp)
    shot(founder, "02-founder-dashboard-empty")
    status_url = fill_wizard(founder)
    upload_documents(founder, tmp_path)
    choose_partners_and_submit(founder, status_url)
    summary = founder.locator(".route-summary")
    for name in ("CEPAC", "Banque Populaire", "Marseille Innovation"):
        expect(summary).to_contain_text(name)
    reload_until(founder, lambda: summary.locator(".badge.delivered").count() == 3)
    shot(founder, "12-status-submitted")

    reviewer = new_page()
    login(reviewer, live_server, "cepac@demo.example")
    expect(reviewer).to_have_url(re.compile(r"/reviewer"))
    row = reviewer.get_by_role("link", name=COMPANY)
    expect(row).to_be_visible()
    shot(reviewer, "20-reviewer-inbox")
    row.click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    shot(reviewer, "21-reviewer-dossier")
    reviewer.get_by_label("Type de demande").select_option(index=1)
    reviewer.get_by_label("Votre demande au porteur de projet").fill(INFO_REQUEST)
    reviewer.get_by_role("button", name="Demander des informations").click()
    expect(reviewer.locator("main")).to_contain_text(INFO_REQUEST)
    shot(reviewer, "22-reviewer-info-requested")

    founder.goto(status_url)
    expect(founder.locator("main")).to_contain_text(INFO_REQUEST)
    shot(founder, "13-status-info-requested")
    cepac_card = founder.locator(".route-card", has_text="Caisse d'Epargne CEPAC")
    answer_box = cepac_card.get_by_label("Votre réponse à la demande de Caisse d'Epargne CEPAC")
    expect(answer_box).to_be_visible()  # the open request unfolds the answer form
    answer_box.fill(ANSWER)
    cepac_card.get_by_label("Prévisionnel — forecast.pdf").check()
    cepac_card.get_by_role("button", name="Envoyer", exact=True).click()
    expect(founder.locator("main")).to_contain_text(ANSWER)
    shot(founder, "14-status-answered")

    reviewer.reload()
    expect(reviewer.locator("main")).to_contain_text(ANSWER)
    reviewer.get_by_role("button", name="Accorder").click()
    reviewer.get_by_label("Montant accordé (€)", exact=True).fill("200 000")
    shot(reviewer, "23-reviewer-decision-form")
    reviewer.get_by_role("button", name="Enregistrer la décision").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Décision enregistrée")
    expect(reviewer.locator("main")).to_contain_text("Accordé")
    shot(reviewer, "24-reviewer-approved")

    founder.reload()
    expect(founder.locator("main")).to_contain_text("Accordé")
    terms = founder.locator(".route-card", has_text="Caisse d'Epargne CEPAC")
    expect(terms).to_contain_text("Montant accordé")
    expect(terms).to_contain_text("200\u202f000,00\u00a0€")
    shot(founder, "15-status-approved")

    staff = new_page()
    login(staff, live_server, "staff@demo.example")
    expect(staff).to_have_url(re.compile(r"/staff"))
    cepac_row = staff.locator("tr", has_text="cepac").first
    expect(cepac_row).to_contain_text("1")
    funnel = staff.get_by_role("img", name=re.compile("Déposés|déposés"))
    expect(funnel).to_be_visible()
    staff.wait_for_load_state("load")
    assert staff.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    shot(staff, "30-staff-dashboard")

    for who, url, name in ((FOUNDER_EMAIL, status_url, "16-phone-founder-status"),
                           ("cepac@demo.example", reviewer.url, "25-phone-reviewer-route"),
                           ("staff@demo.example", live_server + "/staff", "31-phone-staff")):
        phone = new_page(phone=True)
        login(phone, live_server, who, PASSWORD if who == FOUNDER_EMAIL else "demo1234")
        phone.goto(url)
        shot(phone, name)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} scrolls sideways on a phone ({width}px): {widest(phone)}"
