"""Two partner choices posted at once on the founder's page: one whole choice is submitted."""

from __future__ import annotations

import re
from functools import partial

from fastapi.testclient import TestClient

from tests.conftest import DEMO_PASSWORD
from tests.helpers import full_dossier, page_post, ready_dossier
from tests.races.conftest import TRIALS, race

TERMS = {"cepac": ("bank_loan", "200 000,00"), "bpmed": ("bank_loan", "150 000,00")}


def founder_pages(client: TestClient) -> tuple[TestClient, str]:
    """A browser session of the demo founder, and its CSRF token."""
    browser = TestClient(client.app)
    r = page_post(browser, "/login", {"email": "founder@demo.example",
                                      "password": DEMO_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    html = browser.get("/founder").text
    return browser, re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def draft(client: TestClient, founder: dict[str, str]) -> str:
    """A complete draft asking no partner yet, with every document."""
    body = full_dossier()
    body["requests"] = []
    return ready_dossier(client, founder, body)


def choose_and_submit(browser: TestClient, csrf: str, dossier_id: str, partner: str):
    """Choose this one partner, consent to it, and submit."""
    instrument, amount = TERMS[partner]
    return browser.post(f"/founder/dossiers/{dossier_id}/partners", follow_redirects=False,
                        data={"csrf": csrf, "choose": [partner], "consent": [partner],
                              f"instrument.{partner}": instrument, f"amount.{partner}": amount,
                              f"duration.{partner}": "84", "_action": "submit"})


def test_two_choices_at_once_submit_exactly_the_winners_choice(client, founder):
    """Saving the choice and submitting it are one transaction under the dossier's lock: the
    partner routed is the one its POST consented to, never the other POST's choice."""
    (first, first_csrf), (second, second_csrf) = founder_pages(client), founder_pages(client)
    for _ in range(TRIALS):
        dossier_id = draft(client, founder)
        answers = race(partial(choose_and_submit, first, first_csrf, dossier_id, "cepac"),
                       partial(choose_and_submit, second, second_csrf, dossier_id, "bpmed"))
        assert [getattr(a, "status_code", a) for a in answers] == [303, 303], answers
        winners = [p for p, a in zip(("cepac", "bpmed"), answers, strict=True)
                   if a.headers["location"].endswith("?submitted=1")]
        assert len(winners) == 1, [a.headers["location"] for a in answers]
        view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
        assert view["status"] == "submitted"
        assert [r["partner"] for r in view["routes"]] == winners
        assert [r["partner"] for r in view["content"]["requests"]] == winners
