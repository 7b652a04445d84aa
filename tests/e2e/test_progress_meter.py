"""An honest progress meter (issue 14, point 7), in Chromium, desktop and phone: 0 % for an
empty dossier, partway after a step, never 100 % without the documents the chosen partners
require, 100 % exactly when the dossier can be submitted; the same figure on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from forms.definition import section
from tests.e2e.conftest import shot
from tests.e2e.test_never_lose_work import DEVICES, api, new_draft, serious_violations
from tests.e2e.wizard_filler import fill_section
from tests.helpers import ALL_KINDS, full_dossier, upload_pdf


def percent_shown(page) -> int:
    text = page.locator("[data-percent-text]").inner_text()
    return int(re.search(r"(\d+)\s*%", text).group(1))


def same_percent_on_every_page(page, base: str, dossier_id: str, percent: int) -> None:
    """The dashboard's and the status page's meters say what the wizard says."""
    page.goto(f"{base}/founder")
    expect(page.locator(f"a[href$='{dossier_id}'], li:has(a[href*='{dossier_id}'])").first
           ).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Dossier rempli à {percent} %")
    page.goto(f"{base}/founder/dossiers/{dossier_id}")
    expect(page.locator("main")).to_contain_text(f"Dossier rempli à {percent} %")


@pytest.mark.parametrize("phone", DEVICES)
def test_the_meter_reaches_100_only_when_the_dossier_can_be_submitted(live_server, new_page,
                                                                      phone):
    device = "phone" if phone else "desktop"
    page = new_page(phone=phone)
    url = new_draft(page, live_server)
    dossier_id = url.split("/")[-3]
    assert percent_shown(page) == 0
    steps = page.locator(".step-list")
    expect(steps).to_contain_text("14 champs obligatoires à remplir")
    expect(steps).not_to_contain_text("0 sur")
    # one step typed in: partway, far from half of the dossier
    fill_section(page, section("company"), full_dossier())
    expect(page.locator("[data-step-count='company']")).to_have_text("Complet", timeout=20_000)
    partway = percent_shown(page)
    assert 0 < partway < 40, partway
    expect(page.locator("[data-step-count='founders']")).to_have_text(
        "7 champs obligatoires à remplir")
    shot(page, f"wizard-meter-partway-{device}")
    # every field typed in (and partners chosen), no document yet: not 100 %
    client = api(live_server)
    assert client.put(f"/api/v1/dossiers/{dossier_id}", json=full_dossier()).status_code == 200
    page.goto(url.replace("/edit/company", "/edit/requests"))
    almost = percent_shown(page)
    assert partway < almost < 100, almost
    attachments_step = page.locator(".step-list li").filter(has_text="Pièces justificatives")
    expect(attachments_step).to_contain_text(re.compile(r"\d+ pièces à fournir"))
    expect(page.locator(".ready-line")).to_have_count(0)
    shot(page, f"wizard-meter-no-documents-{device}")
    assert serious_violations(page) == []
    # the documents: 100 %, and the dossier can indeed be submitted
    for kind in ALL_KINDS:
        upload_pdf(client, {}, dossier_id, kind)
    page.reload()
    assert percent_shown(page) == 100
    expect(page.locator(".ready-line")).to_contain_text("Tout y est")
    expect(attachments_step).to_contain_text("Complet")
    shot(page, f"wizard-meter-complete-{device}")
    same_percent_on_every_page(page, live_server, dossier_id, 100)
    shot(page, f"wizard-meter-status-{device}")
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", json={"consent": True})
    assert r.status_code == 202, r.text
