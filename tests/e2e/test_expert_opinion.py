"""An expert's opinion in Chromium: CEPAC's reviewer invites an expert from the route page,
the expert opens the e-mailed link (no account), reads the dossier and answers; the reviewer
reads the opinion; the founder's access log names the expert. Desktop and phone."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.opinions import today
from tests.e2e.conftest import ARTIFACTS, login, shot
from tests.e2e.test_accessibility import api_login
from tests.helpers import full_dossier, wait_until
from tests.routing.conftest import submit_delivered

AXE = Axe()
EXPERT = "expert@cabinet.example"
QUESTION = "Le plan de trésorerie tient-il sans la subvention régionale ?"
ANSWER = "La trésorerie tient quatorze mois sans la subvention ; le prêt reste soutenable."


def look(page, name: str, part: str | None = None) -> None:
    """A screenshot (of the whole page, and of `part` when named), and no critical or
    serious accessibility violation."""
    shot(page, f"opinion-{name}")
    if part:
        page.locator(part).screenshot(path=str(ARTIFACTS / f"opinion-{name}-part.png"))
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in AXE.run(page).response["violations"]
           if v["impact"] in ("critical", "serious")]
    assert bad == [], f"{name}: {bad}"


def mailed_link(smtp, to: str) -> str:
    """The expert's link, once e-mailed."""
    def links() -> list[str]:
        return [m.group(0) for mail in smtp.messages if mail.rcpt_tos == [to]
                for m in [re.search(r"http\S+/expert\?token=\S+", mail.text)] if m]

    return wait_until(links, bool, what=f"an e-mail to {to}")[-1]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_expert_gives_an_opinion_only_the_partner_reads(live_server, new_page, smtp, phone):
    width = "phone" if phone else "desktop"
    with httpx.Client(base_url=live_server, timeout=60) as client:
        founder = api_login(client, "founder@demo.example")
        dossier_id, routes = submit_delivered(
            client, founder, full_dossier(name="Optique Avisée", partners=["cepac", "bpmed"]))
    rid = routes["cepac"]

    reviewer = new_page(phone=phone)
    login(reviewer, live_server, "cepac@demo.example")
    reviewer.goto(f"{live_server}/reviewer/routes/{rid}#opinions")
    part = reviewer.locator("#opinions")
    expect(part).to_contain_text("Aucun avis demandé.")
    reviewer.get_by_label("Adresse e-mail de l'expert").fill(EXPERT)
    reviewer.get_by_label("Votre question à l'expert").fill(QUESTION)
    reviewer.get_by_label("Date limite").fill((today() + timedelta(days=14)).isoformat())
    look(reviewer, f"{width}-reviewer-invite", "#opinions")
    reviewer.get_by_role("button", name="Inviter l'expert").click()
    expect(part).to_contain_text("Invitation envoyée par e-mail.")
    expect(part).to_contain_text("En attente")

    expert = new_page(phone=phone)
    expert.goto(mailed_link(smtp, EXPERT))
    expect(expert).to_have_url(re.compile(rf"/expert/routes/{rid}$"))
    expect(expert.get_by_role("heading", level=1)).to_have_text("Optique Avisée")
    expect(expert.locator(".rv-question")).to_contain_text(QUESTION)
    expect(expert.locator("body")).not_to_contain_text("Messages avec le fondateur")
    look(expert, f"{width}-expert-page", ".rv-head")
    expert.get_by_label("Votre réponse à la question").fill(ANSWER)
    expert.get_by_role("button", name="Envoyer mon avis").click()
    expect(expert.get_by_role("status")).to_contain_text("votre avis a été transmis")
    expect(expert.locator("#opinion")).to_contain_text(ANSWER)
    look(expert, f"{width}-expert-given", "#opinion")

    reviewer.reload()
    expect(part).to_contain_text("Reçu")
    expect(part).to_contain_text(ANSWER)
    look(reviewer, f"{width}-reviewer-opinion", "#opinions")

    owner = new_page(phone=phone)
    login(owner, live_server, "founder@demo.example")
    owner.goto(f"{live_server}/founder/dossiers/{dossier_id}#access-log")
    log = owner.locator("#access-log")
    expect(log).to_contain_text(f"Expert invité par Caisse d'Epargne CEPAC ({EXPERT})")
    expect(owner.locator("body")).not_to_contain_text(ANSWER)
    expect(owner.locator("body")).not_to_contain_text(QUESTION)
    look(owner, f"{width}-founder-log", "#access-log")
