"""In Chromium: Paris times, French amounts and labels on every audience's pages, desktop and
phone; the receipt and the dossier PDF rendered to images."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.formatting import format_datetime
from tests.e2e.conftest import ARTIFACTS, login, shot
from tests.helpers import full_dossier, submit, wait_until
from tests.web.test_french_everywhere import problems, visible

COMPANY = "Photonique d'Aubagne"


def token(http: httpx.Client, email: str) -> dict[str, str]:
    r = http.post("/api/v1/auth/token", data={"username": email, "password": "demo1234"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def event(http: httpx.Client, partner: str, route_id: str, body: dict) -> None:
    r = http.post(f"/api/v1/routes/{route_id}/events", json=body,
                  headers=token(http, f"{partner}@demo.example"))
    assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def decided(live_server) -> dict:
    """A dossier submitted through the API: AMPA asks, CEPAC approves, BPMED declines."""
    with httpx.Client(base_url=live_server, timeout=60) as http:
        founder = token(http, "founder@demo.example")
        answer = submit(http, founder, full_dossier(name=COMPANY))
        dossier_id = answer["dossier_id"]

        def routes():
            return http.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]

        delivered = wait_until(routes, lambda rs: rs and all(r["state"] == "delivered"
                                                            for r in rs),
                               what="every partner to receive the dossier", timeout=120,
                               every=0.3)
        route_of = {r["partner"]: r["id"] for r in delivered}
        event(http, "ampa", route_of["ampa"], {
            "type": "info_requested", "request_kind": "missing_document",
            "message": "Merci de joindre la table de capitalisation à jour."})
        event(http, "cepac", route_of["cepac"], {"type": "in_review"})
        event(http, "cepac", route_of["cepac"], {
            "type": "approved", "instrument": "bank_loan", "amount_eur": "200000",
            "rate_pct": "3.45", "duration_months": 84})
        event(http, "bpmed", route_of["bpmed"], {
            "type": "declined", "reason": "risk_profile", "comment": "Endettement trop élevé."})
        detail = http.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    return {"id": dossier_id, "routes": route_of, "detail": detail}


def read_as_french(page, where: str) -> str:
    """The page's visible text, checked for codes, ISO dates, UTC, '(s)' and floats."""
    text = visible(page.content())
    found = problems(where, text)
    assert not found, "\n".join(found)
    return text


def no_serious_violations(page) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("critical", "serious")]
    assert not serious, [(v["id"], [(n["target"], n["failureSummary"][-160:])
                                    for n in v["nodes"][:5]]) for v in serious]


def test_founder_reviewer_and_staff_read_paris_times_and_french_amounts(live_server, new_page,
                                                                        decided):
    updated = decided["detail"]["updated_at"]
    for phone in (False, True):
        size = "phone" if phone else "desktop"
        founder = new_page(phone=phone)
        login(founder, live_server, "founder@demo.example")
        founder.goto(live_server + "/founder")
        card = founder.locator("li, article, .card", has_text=COMPANY).first
        expect(card).to_contain_text(re.compile(r"\d{1,2} \S+ \d{4} à \d{2}:\d{2}"))
        read_as_french(founder, "founder list")
        shot(founder, f"french-founder-list-{size}")

        founder.goto(f"{live_server}/founder/dossiers/{decided['id']}")
        main = founder.locator("main")
        expect(main).to_contain_text("200\u202f000,00\u00a0€")
        expect(main).to_contain_text("Retirer mon dossier d'Aix-Marseille Provence Amorçage")
        plan = founder.locator(".plan-table")
        expect(plan.locator("tr", has_text="Prêt Banque Populaire Méditerranée")).to_contain_text(
            "Refusé")
        text = read_as_french(founder, "founder status")
        assert format_datetime(updated) in text  # the Paris clock, from the API's UTC moment
        no_serious_violations(founder)
        shot(founder, f"french-founder-status-{size}")

        reviewer = new_page(phone=phone)
        login(reviewer, live_server, "cepac@demo.example")
        reviewer.goto(live_server + "/reviewer")
        expect(reviewer.locator("main")).to_contain_text("200\u202f000,00\u00a0€")
        read_as_french(reviewer, "reviewer inbox")
        shot(reviewer, f"french-reviewer-inbox-{size}")
        reviewer.goto(f"{live_server}/reviewer/routes/{decided['routes']['cepac']}")
        history = reviewer.locator("#history, section", has_text="Historique").last
        expect(history).to_contain_text("Financement accordé")
        read_as_french(reviewer, "reviewer route")
        shot(reviewer, f"french-reviewer-route-{size}")

        honor = new_page(phone=phone)
        login(honor, live_server, "mi-honor-loan@demo.example")
        honor.goto(f"{live_server}/reviewer/routes/{decided['routes']['mi-honor-loan']}"
                   "?decision=approve")
        expect(honor.locator("#d-amount")).to_have_value("50 000,00")
        expect(honor.get_by_role("button", name="Enregistrer la décision")).to_be_visible()
        shot(honor, f"french-reviewer-approve-form-{size}")

        staff = new_page(phone=phone)
        login(staff, live_server, "staff@demo.example")
        staff.goto(live_server + "/staff")
        expect(staff.locator("main")).to_contain_text(re.compile(r"à \d{2}:\d{2}"))
        read_as_french(staff, "staff dashboard")
        shot(staff, f"french-staff-dashboard-{size}")


def pdf_pages(content: bytes, name: str) -> list[Path]:
    """The PDF rendered to PNG pages (pdftoppm) as test artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / name)],
                   check=True, timeout=120)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_the_receipt_and_the_dossier_pdf_render_in_french(live_server, new_page, decided):
    founder = new_page()
    login(founder, live_server, "founder@demo.example")
    expect(founder).to_have_url(re.compile(r"/founder"))
    base = f"{live_server}/founder/dossiers/{decided['id']}"
    receipt = founder.request.get(base + "/receipt.pdf")
    dossier = founder.request.get(base + "/pdf")
    assert receipt.status == 200 and dossier.status == 200
    for png in ARTIFACTS.glob("french-receipt-*.png"):
        png.unlink()
    assert len(pdf_pages(receipt.body(), "french-receipt")) == 1  # a usual receipt: one page
    assert len(pdf_pages(dossier.body(), "french-dossier")) >= 3
