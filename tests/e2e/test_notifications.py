"""In Chromium: a reviewer asks for information; the founder sees it behind the bell, on the
notifications page and on the dossier list, and answers in the partner's thread; the
reviewer sees "Réponse reçue" in the inbox and the answer in the thread. A founder's message
reads "Nouveau message" in the inbox, an amendment "Nouvelle version"; a founder who turns
e-mails off gets notices in the app only. Desktop and phone, axe-core on every page."""

from __future__ import annotations

import re
from types import SimpleNamespace

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import update

from dossier.db import transaction, utcnow
from dossier.models import Notification, User
from dossier.services.notifications import Policy
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import login, shot
from tests.helpers import full_dossier, wait_until
from tests.routing.conftest import submit_delivered
from workflows.mail import MailSettings, send_pending

COMPANY = "Lidar des Calanques"
REQUEST = "Pouvez-vous préciser le besoin en fonds de roulement pour 2027 ?"
ANSWER = "Le BFR prévu pour 2027 est de 120 000 €, couvert par l'apport des fondateurs."
PARTNER = "Caisse d'Epargne CEPAC"


def no_serious_violations(page, where: str, only: list[str] | None = None) -> None:
    """axe-core: zero critical or serious violations on the page (or in the `only` parts of
    it: the reviewer's dossier page is another helper's, issue 14 point 8)."""
    context = {"include": [[selector] for selector in only]} if only else None
    violations = Axe().run(page, context=context).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
           if v["impact"] in ("critical", "serious")]
    assert not bad, f"{where}: {bad}"


def bell(page):
    return page.locator("header.top a.bell")



def delivered_to_cepac(base: str, company: str) -> tuple[str, str]:
    """The demo founder's dossier for `company`, delivered to CEPAC: its id and the route's."""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/api/v1/auth/token", data={"username": "founder@demo.example",
                                                         "password": DEMO_PASSWORD})
        founder = {"Authorization": f"Bearer {token.json()['access_token']}"}
        dossier_id, routes = submit_delivered(client, founder,
                                              full_dossier(name=company, partners=["cepac"]))
    return dossier_id, routes["cepac"]

def test_a_request_reaches_the_founder_and_the_answer_the_reviewer(live_server, new_page):
    dossier_id, route = delivered_to_cepac(live_server, COMPANY)

    # The reviewer asks for information from the dossier page.
    reviewer = new_page()
    login(reviewer, live_server, "cepac@demo.example")
    reviewer.goto(f"{live_server}/reviewer/routes/{route}")
    expect(reviewer.locator("dl.rv-summary")).to_contain_text("cepac@demo.example")  # took it
    reviewer.get_by_label("Type de demande").select_option(label="Question")
    reviewer.get_by_label("Votre demande au porteur de projet").fill(REQUEST)
    reviewer.get_by_role("button", name="Demander des informations").click()
    thread = reviewer.locator("#messages")
    expect(thread).to_contain_text(REQUEST)
    expect(thread).to_contain_text("En attente de réponse")
    shot(reviewer, "notify-01-reviewer-asks-desktop")

    # The founder: the bell counts it, the list says by when to answer.
    page = new_page()
    login(page, live_server, "founder@demo.example")
    expect(page).to_have_url(re.compile(r"/founder$"))
    expect(bell(page)).to_contain_text("1")
    expect(bell(page)).to_have_accessible_name(re.compile(r"Notifications\s*: 1 non lue"))
    card = page.locator("li.dossier-card", has_text=COMPANY)
    expect(card).to_contain_text(re.compile(r"Réponse attendue avant le \d{1,2} \S+ \d{4}"))
    shot(page, "notify-02-founder-list-desktop")
    no_serious_violations(page, "the founder's list")

    bell(page).click()
    expect(page).to_have_url(re.compile(r"/notifications$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = page.locator("li.nt-item").first
    expect(item).to_contain_text(f"{PARTNER} demande un complément d'information pour le "
                                 f"dossier {COMPANY}")
    expect(item).to_contain_text(REQUEST)
    expect(item.locator(".nt-badge")).to_have_text("Nouvelle")
    shot(page, "notify-03-founder-notifications-desktop")
    no_serious_violations(page, "the notifications page")

    item.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(page).to_have_url(re.compile(rf"/founder/dossiers/{dossier_id}#route-{route}$"))
    expect(bell(page)).to_have_accessible_name(re.compile("aucune non lue"))
    card = page.locator(f"#route-{route}")
    expect(card.locator(".open-request")).to_contain_text("Réponse attendue avant le")
    conversation = card.locator("ol.messages")
    expect(conversation).to_contain_text(REQUEST)
    expect(conversation).to_contain_text("Demande de complément")
    card.get_by_label(f"Votre réponse à la demande de {PARTNER}").fill(ANSWER)
    card.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status")).to_contain_text(f"Message envoyé à {PARTNER}")
    expect(conversation).to_contain_text(ANSWER)
    expect(conversation).to_contain_text("Votre réponse")
    conversation.scroll_into_view_if_needed()
    shot(page, "notify-04-founder-thread-desktop")
    no_serious_violations(page, "the founder's status page")

    # The reviewer: the bell, the notifications page, the inbox badge, the answer in the thread.
    reviewer.goto(f"{live_server}/reviewer")
    expect(bell(reviewer)).to_contain_text("1")
    row = reviewer.locator("tr", has_text=COMPANY)
    expect(row).to_contain_text("Réponse reçue")
    shot(reviewer, "notify-05-reviewer-inbox-desktop")
    no_serious_violations(reviewer, "the reviewer's inbox")
    bell(reviewer).click()
    item = reviewer.locator("li.nt-item").first
    expect(item).to_contain_text(
        f"Le porteur de projet a répondu à votre demande pour le dossier {COMPANY}")
    expect(item).to_contain_text(ANSWER)
    reviewer.get_by_role("button", name="Tout marquer comme lu").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Toutes les notifications")
    expect(bell(reviewer)).to_have_accessible_name(re.compile("aucune non lue"))
    expect(item.locator(".nt-badge")).to_have_count(0)
    no_serious_violations(reviewer, "the reviewer's notifications page")

    reviewer.goto(f"{live_server}/reviewer")  # the route itself is still unread
    row = reviewer.locator("tr", has_text=COMPANY)
    expect(row).to_contain_text("Réponse reçue")
    row.get_by_role("link", name=COMPANY).click()
    thread = reviewer.locator("#messages")
    expect(thread).to_contain_text(REQUEST)
    expect(thread).to_contain_text(ANSWER)
    expect(thread.locator(".rv-answer")).to_contain_text("Réponse à la demande")
    thread.scroll_into_view_if_needed()
    shot(reviewer, "notify-06-reviewer-thread-desktop")
    no_serious_violations(reviewer, "the reviewer's thread", only=["header.top", "#messages"])
    reviewer.goto(f"{live_server}/reviewer")
    expect(reviewer.locator("tr", has_text=COMPANY)).not_to_contain_text("Réponse reçue")

    # Staff have the bell and the page too.
    staff = new_page()
    login(staff, live_server, "staff@demo.example")
    expect(bell(staff)).to_be_visible()
    staff.goto(f"{live_server}/notifications")
    no_serious_violations(staff, "staff's notifications page")

    # The e-mail settings page.
    page.goto(f"{live_server}/account/notifications")
    expect(page.get_by_label("Recevoir aussi mes notifications par e-mail")).to_be_checked()
    shot(page, "notify-07-founder-email-settings-desktop")
    no_serious_violations(page, "the e-mail settings page")

    # On a phone.
    phone = new_page(phone=True)
    login(phone, live_server, "founder@demo.example")
    expect(bell(phone)).to_be_visible()
    shot(phone, "notify-08-founder-list-phone")
    phone.goto(f"{live_server}/notifications")
    shot(phone, "notify-09-founder-notifications-phone")
    no_serious_violations(phone, "the notifications page on a phone")
    phone.goto(f"{live_server}/founder/dossiers/{dossier_id}#route-{route}")
    phone.locator(f"#route-{route} ol.messages").scroll_into_view_if_needed()
    shot(phone, "notify-10-founder-thread-phone")
    rphone = new_page(phone=True)
    login(rphone, live_server, "cepac@demo.example")
    rphone.goto(f"{live_server}/reviewer/routes/{route}#messages")
    shot(rphone, "notify-11-reviewer-thread-phone")
    no_serious_violations(rphone, "the reviewer's thread on a phone",
                          only=["header.top", "#messages"])


OTHER = "Sormiou Photonique"
NOTE = "Notre expert-comptable peut vous appeler cette semaine si besoin."
QUESTION = "Merci : pouvez-vous nous envoyer le prévisionnel de trésorerie ?"


def read_everything(sessions) -> None:
    """Mark every notification read (what earlier tests left is not this test's)."""
    with transaction(sessions) as db:
        db.execute(update(Notification).where(Notification.read_at.is_(None))
                   .values(read_at=utcnow()))


@pytest.fixture
def founder_mail_back_on(sessions):
    """The demo founder outlives the test: e-mails on again afterwards, nothing left unread."""
    yield
    with transaction(sessions) as db:
        db.execute(update(User).where(User.email == "founder@demo.example")
                   .values(email_notifications=True))
    read_everything(sessions)


def inbox_row(page, base: str, company: str):
    page.goto(f"{base}/reviewer")
    return page.locator("tr", has_text=company)


def test_a_message_and_a_new_version_reach_the_reviewer_and_e_mails_can_be_turned_off(
        live_server, new_page, sessions, smtp, founder_mail_back_on):
    dossier_id, route = delivered_to_cepac(live_server, OTHER)
    mailer = SimpleNamespace(sessions=sessions, public_url=live_server)

    reviewer = new_page()
    login(reviewer, live_server, "cepac@demo.example")
    reviewer.goto(f"{live_server}/reviewer/routes/{route}")  # read: no badge left
    read_everything(sessions)
    expect(inbox_row(reviewer, live_server, OTHER)).not_to_contain_text("Nouveau message")
    expect(bell(reviewer)).to_have_accessible_name(re.compile("aucune non lue"))

    # The founder writes (no request is open): "Nouveau message", not "Réponse reçue".
    page = new_page()
    login(page, live_server, "founder@demo.example")
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}#route-{route}")
    card = page.locator(f"#route-{route}")
    card.get_by_text("Écrire un message").click()
    card.get_by_label(f"Votre message à {PARTNER}").fill(NOTE)
    card.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status")).to_contain_text(f"Message envoyé à {PARTNER}")
    expect(card.locator("ol.messages")).to_contain_text(NOTE)

    row = inbox_row(reviewer, live_server, OTHER)
    expect(row).to_contain_text("Nouveau message")
    expect(row).not_to_contain_text("Réponse reçue")
    expect(row).not_to_contain_text("Nouvelle version")
    expect(bell(reviewer)).to_have_accessible_name(re.compile(r"Notifications\s*: 1 non lue"))
    shot(reviewer, "notify-12-reviewer-inbox-new-message-desktop")
    bell(reviewer).click()
    item = reviewer.locator("li.nt-item").first
    expect(item).to_contain_text(f"Nouveau message du porteur de projet pour le dossier {OTHER}")
    expect(item).to_contain_text(NOTE)
    item.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(reviewer).to_have_url(re.compile(rf"/reviewer/routes/{route}#messages$"))
    expect(reviewer.locator("#messages")).to_contain_text(NOTE)
    expect(inbox_row(reviewer, live_server, OTHER)).not_to_contain_text("Nouveau message")

    # The founder amends the dossier: "Nouvelle version" once the partner has version 2.
    page.goto(f"{live_server}/founder/dossiers/{dossier_id}/edit/company")
    page.get_by_label("Effectif", exact=True).fill("14")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Nouvelle version 2 enregistrée")
    wait_until(lambda: inbox_row(reviewer, live_server, OTHER).inner_text(),
               lambda text: "Nouvelle version" in text, what="the inbox to show version 2")
    row = inbox_row(reviewer, live_server, OTHER)
    expect(row).not_to_contain_text("Nouveau message")
    shot(reviewer, "notify-13-reviewer-inbox-new-version-desktop")
    bell(reviewer).click()
    expect(reviewer.locator("li.nt-item").first).to_contain_text(OTHER)
    expect(reviewer.locator("li.nt-item").first.locator(".nt-badge")).to_have_text("Nouvelle")

    # E-mails off for the founder: the next notice stays in the app and is not e-mailed.
    page.goto(f"{live_server}/notifications")
    page.get_by_role("link", name="Notifications par e-mail").click()
    page.get_by_label("Recevoir aussi mes notifications par e-mail").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Vos réglages sont enregistrés")
    expect(page.get_by_label("Recevoir aussi mes notifications par e-mail")).not_to_be_checked()
    shot(page, "notify-14-founder-email-off-desktop")
    read_everything(sessions)
    reviewer.goto(f"{live_server}/reviewer/routes/{route}#messages")
    thread = reviewer.locator("#messages")
    thread.get_by_label("Votre message").fill(QUESTION)
    thread.get_by_role("button", name="Envoyer").click()
    expect(reviewer.locator("#messages")).to_contain_text(QUESTION)
    page.goto(f"{live_server}/founder")
    expect(bell(page)).to_have_accessible_name(re.compile(r"Notifications\s*: 1 non lue"))
    assert send_pending(mailer, MailSettings(), policy=Policy()) == {"emailed": 0, "refused": 0}

    # Back on: that same notice is e-mailed at the next run.
    page.goto(f"{live_server}/account/notifications")
    page.get_by_label("Recevoir aussi mes notifications par e-mail").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_label("Recevoir aussi mes notifications par e-mail")).to_be_checked()
    assert send_pending(mailer, MailSettings(), policy=Policy()) == {"emailed": 1, "refused": 0}
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["founder@demo.example"]
    assert QUESTION in mail.text
    assert f"Pour ne plus recevoir ces e-mails : {live_server}/account/notifications" in mail.text

    phone = new_page(phone=True)
    login(phone, live_server, "cepac@demo.example")
    phone.goto(f"{live_server}/reviewer")
    phone.locator("tr", has_text=OTHER).scroll_into_view_if_needed()
    shot(phone, "notify-15-reviewer-inbox-phone")
