"""Accounts in Chromium: a forgotten password, changing it, a reviewer invited by staff, a
co-founder invited by a founder who edits the draft and receives the dossier."""

from __future__ import annotations

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dossier.services import accounts, users
from tests.e2e.conftest import login, shot
from tests.helpers import wait_until
from tests.helpers.pages import DEMO_PASSWORD

AXE = Axe()
OWNER = "proprietaire@comptes.example"


def look(page, name: str) -> None:
    """A screenshot, and no critical or serious accessibility violation on the page."""
    shot(page, f"accounts-{name}")
    results = AXE.run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
           if v["impact"] in ("critical", "serious")]
    assert bad == [], f"{name}: {bad}"


def mailed_link(smtp, to: str, path: str) -> str:
    """The last link to `path` e-mailed to `to` (waiting for it)."""
    def links() -> list[str]:
        return [m.group(0) for mail in smtp.messages if mail.rcpt_tos == [to]
                for m in [re.search(rf"http\S+{path}\?token=\S+", mail.text)] if m]

    return wait_until(links, bool, what=f"an e-mail to {to}")[-1]


def sign_up_by_invitation(page, link: str, password: str, name: str) -> None:
    page.goto(link)
    page.get_by_label("Nom et prénom").fill(name)
    page.get_by_label("Choisissez un mot de passe").fill(password)
    page.get_by_label("Mot de passe (confirmation)").fill(password)


def make_owner(live_server, new_page, smtp) -> None:
    """A founder account for these tests, through sign-up."""
    page = new_page()
    page.goto(live_server + "/signup")
    page.get_by_label("Adresse e-mail").fill(OWNER)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Créer un compte").click()
    page.goto(mailed_link(smtp, OWNER, "/signup/confirm"))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page).to_have_url(re.compile(r"/founder$"))


def test_forgotten_password_then_change_it(live_server, new_page, smtp):
    make_owner(live_server, new_page, smtp)
    page = new_page()
    page.goto(live_server + "/login")
    page.get_by_role("link", name=re.compile("Mot de passe oublié")).click()
    page.get_by_label("Adresse e-mail").fill(OWNER)
    look(page, "01-forgot")
    page.get_by_role("button", name="M'envoyer un lien").click()
    expect(page.get_by_role("status")).to_contain_text("Si un compte existe")
    link = mailed_link(smtp, OWNER, "/password/reset")
    page.goto(link)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("court")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.locator("#password-error")).to_contain_text("au moins 8 caractères")
    look(page, "02-reset-error")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("la mer est calme")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("la mer est calme")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été changé")
    look(page, "03-login-after-reset")
    page.goto(link)  # used: the password it was bound to has changed
    expect(page.get_by_role("alert")).to_contain_text("a déjà servi")
    expect(page.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()
    look(page, "04-reset-link-used")
    login(page, live_server, OWNER, "la mer est calme")
    expect(page).to_have_url(re.compile(r"/founder$"))

    page.get_by_role("link", name=OWNER).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("le vent se lève")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("le vent se lève")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.locator("#current_password-error")).to_contain_text("mot de passe actuel")
    page.get_by_label("Mot de passe actuel").fill("la mer est calme")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("le vent se lève")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("le vent se lève")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été changé")
    look(page, "05-account-changed")
    expect(page.locator("main")).to_contain_text("Vos notifications vous sont aussi envoyées")
    page.get_by_role("link", name="Modifier mes réglages d'e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications par e-mail")

    phone = new_page(phone=True)
    phone.goto(live_server + "/password/forgot")
    look(phone, "06-phone-forgot")
    login(phone, live_server, OWNER, "le vent se lève")
    phone.goto(live_server + "/account")
    look(phone, "07-phone-account")


def test_an_expired_reset_link_is_refused_clearly(live_server, new_page, sessions):
    with sessions() as db:
        user = users.get_by_email(db=db, email="founder@demo.example")
        token = accounts.reset_token(b"e2e-secret", user, now=time.time() - 3 * 3600)
    page = new_page()
    page.goto(f"{live_server}/password/reset?token={token}")
    expect(page.get_by_role("alert")).to_contain_text("Ce lien a expiré")
    look(page, "08-reset-link-expired")


def test_staff_invite_a_reviewer_who_sees_the_partners_inbox(live_server, new_page, smtp):
    staff = new_page()
    login(staff, live_server, "staff@demo.example")
    staff.get_by_role("link", name="Évaluateurs").click()
    staff.get_by_label("Adresse e-mail").fill("nouvelle@cepac.example")
    staff.get_by_label("Partenaire").select_option(label="Caisse d'Epargne CEPAC")
    staff.get_by_role("button", name="Envoyer l'invitation").click()
    expect(staff.get_by_role("status")).to_contain_text("Invitation envoyée à nouvelle@cepac")
    look(staff, "10-staff-reviewers")
    first = mailed_link(smtp, "nouvelle@cepac.example", "/invitation")
    staff.get_by_role("button", name=re.compile("Renvoyer")).click()  # re-invite
    wait_until(lambda: mailed_link(smtp, "nouvelle@cepac.example", "/invitation"),
               lambda link: link != first, what="a second invitation")
    second = mailed_link(smtp, "nouvelle@cepac.example", "/invitation")

    reviewer = new_page()
    reviewer.goto(first)
    expect(reviewer.get_by_role("alert")).to_contain_text("remplacé par une invitation")
    sign_up_by_invitation(reviewer, second, "revue des dossiers", "Nina Evaluatrice")
    expect(reviewer.locator("main")).to_contain_text("Caisse d'Epargne CEPAC")
    look(reviewer, "11-reviewer-invitation")
    reviewer.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(reviewer).to_have_url(re.compile(r"/reviewer$"))
    expect(reviewer.get_by_role("heading", level=1)).to_be_visible()
    look(reviewer, "12-reviewer-inbox")

    phone = new_page(phone=True)
    login(phone, live_server, "staff@demo.example")
    phone.goto(live_server + "/staff/reviewers")
    look(phone, "13-phone-staff-reviewers")


def test_a_co_founder_edits_the_draft_and_receives_the_dossier(live_server, new_page, smtp):
    owner = new_page()
    login(owner, live_server, "founder@demo.example")
    owner.get_by_role("button", name="Créer un nouveau dossier").click()
    owner.get_by_label(re.compile("Raison sociale")).fill("Cap Canaille Optique")
    owner.get_by_role("button", name="Étape suivante").click()
    owner.goto(live_server + "/founder")
    card = owner.locator(".dossier-card", has_text="Cap Canaille Optique")
    card.get_by_role("link", name="Équipe du dossier").click()
    owner.get_by_label("Son adresse e-mail").fill("associe@canaille.example")
    owner.get_by_role("button", name="Envoyer l'invitation").click()
    expect(owner.get_by_role("status")).to_contain_text("Invitation envoyée")
    look(owner, "20-team-invited")
    team_url = owner.url.split("?")[0]

    partner = new_page()
    sign_up_by_invitation(partner, mailed_link(smtp, "associe@canaille.example", "/invitation"),
                          "associe solide", "Sam Associé")
    expect(partner.locator("main")).to_contain_text("Cap Canaille Optique")
    look(partner, "21-cofounder-invitation")
    partner.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(partner).to_have_url(re.compile(r"/edit/company$"))
    name = partner.get_by_label(re.compile("Raison sociale"))
    expect(name).to_have_value("Cap Canaille Optique")
    name.fill("Cap Canaille Optique SAS")
    partner.get_by_role("button", name="Étape suivante").click()
    partner.goto(live_server + "/founder")
    expect(partner.locator("main")).to_contain_text("Cap Canaille Optique SAS")
    expect(partner.locator("main")).to_contain_text("Partagé avec vous en tant que cofondateur")
    look(partner, "22-cofounder-dashboard")

    owner.goto(team_url)
    expect(owner.locator("main")).to_contain_text("Sam Associé")
    owner.get_by_role("button", name="Confier le dossier").click()  # not confirmed yet
    expect(owner.locator("#confirm-error")).to_contain_text("Cochez la case")
    owner.get_by_label(re.compile("Je confirme")).check()
    look(owner, "23-team-handover")
    owner.get_by_role("button", name="Confier le dossier").click()
    expect(owner.get_by_role("status")).to_contain_text("appartient désormais à associe@")
    expect(owner.get_by_role("button", name="Confier le dossier")).to_have_count(0)
    look(owner, "24-team-after-handover")
    partner.goto(team_url)
    expect(partner.locator("main")).to_contain_text("Titulaire")
    expect(partner.get_by_role("button", name="Confier le dossier")).to_be_visible()
    wait_until(lambda: [m for m in smtp.messages if "vous est confié" in m.subject], bool,
               what="the hand-over e-mail")

    phone = new_page(phone=True)
    login(phone, live_server, "founder@demo.example")
    phone.goto(team_url)
    look(phone, "25-phone-team")
    phone.goto(live_server + "/founder")
    look(phone, "26-phone-dashboard")
    phone.goto(live_server + "/founder/data")
    look(phone, "27-phone-erase")
