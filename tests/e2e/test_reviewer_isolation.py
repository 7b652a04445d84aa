"""In the browser, a reviewer's pages never show a route sent to another partner."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import login, shot
from tests.helpers import full_dossier
from tests.routing.conftest import submit_delivered

SECRET_NOTE = "Note interne CEPAC : garanties à revoir"
CEPAC_ONLY = "Optique Frioul"


def api_login(client: httpx.Client, email: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def world(live_server, new_page):
    """One dossier sent to CEPAC and BPMED, another sent to CEPAC only, with a CEPAC note."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        founder = api_login(client, "founder@demo.example")
        _, shared = submit_delivered(client, founder, full_dossier(partners=["cepac", "bpmed"]))
        _, only_cepac = submit_delivered(client, founder,
                                         full_dossier(name=CEPAC_ONLY, partners=["cepac"]))
    cepac = new_page()
    login(cepac, live_server, "cepac@demo.example")
    cepac.goto(f"{live_server}/reviewer/routes/{shared['cepac']}")
    cepac.get_by_label("Nouvelle note").fill(SECRET_NOTE)
    cepac.get_by_role("button", name="Ajouter la note").click()
    expect(cepac.locator("main")).to_contain_text(SECRET_NOTE)
    return {"shared": shared, "only_cepac": only_cepac["cepac"]}


def test_a_reviewer_never_sees_another_partners_route(live_server, new_page, world):
    page = new_page()
    login(page, live_server, "bpmed@demo.example")
    expect(page).to_have_url(re.compile(r"/reviewer"))
    foreign = [world["shared"]["cepac"], world["only_cepac"]]
    own = world["shared"]["bpmed"]

    def assert_clean(where: str, typed_path: str = "") -> None:
        html = page.content().replace(typed_path, "") if typed_path else page.content()
        for route_id in foreign:
            assert route_id not in html, f"{where} shows CEPAC's route {route_id}"
        assert SECRET_NOTE not in html and CEPAC_ONLY not in html, where

    assert own in page.content()
    assert_clean("the inbox")
    for state in ("", "?state=delivered", "?q=Optique", "?q=Lumiphase"):
        page.goto(f"{live_server}/reviewer{state}")
        assert_clean(f"the inbox {state}")
    shot(page, "40-isolation-bpmed-inbox")
    page.goto(f"{live_server}/reviewer/routes/{own}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lumiphase")
    assert_clean("the reviewer's own route page")
    shot(page, "41-isolation-bpmed-route")
    for route_id in foreign:
        for suffix in ("", "/pdf", "/attachments.zip"):
            path = f"/reviewer/routes/{route_id}{suffix}"
            response = page.goto(live_server + path)
            assert response.status == 404, (path, response.status)
            expect(page.get_by_role("alert")).to_be_visible()
            # the path typed is echoed in the language link; nothing else may name the route
            assert_clean(f"the page of a foreign route{suffix}", typed_path=path)
    shot(page, "42-isolation-foreign-route-404")
