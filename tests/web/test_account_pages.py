"""Accounts as people expect: a forgotten password, changing it, invitations by e-mail, the
co-founders of a dossier and handing it over (the services, through the pages)."""

from __future__ import annotations

import re
import time
import uuid

from sqlalchemy import select

from dossier.audit import verify
from dossier.db import transaction
from dossier.models import AccessRecord, ApiToken, Dossier, User
from dossier.services import accounts, users
from tests.helpers import browser, form_csrf, full_dossier, page_post
from tests.helpers.pages import DEMO_PASSWORD

FOUNDER = "founder@demo.example"


def link_in(smtp, to: str, path: str) -> str:
    """The path and query of the last link to `path` e-mailed to `to`."""
    mail = [m for m in smtp.messages if m.rcpt_tos == [to]][-1]
    return re.search(rf"https?://[^/\s]+({path}\?token=\S+)", mail.text).group(1)


def make_founder(sessions, email: str, password: str = DEMO_PASSWORD) -> None:
    with transaction(sessions) as db:
        users.create_user(db=db, email=email, password=password, role="founder")


def test_forgotten_password_link_resets_once_and_ends_every_session(client, smtp, sessions):
    make_founder(sessions, "oubli@accounts.example")
    other_tab = browser(client, "oubli@accounts.example")
    unknown = page_post(client, "/password/forgot", {"email": "personne@accounts.example"})
    known = page_post(client, "/password/forgot", {"email": "Oubli@accounts.example"})
    # The same answer whether or not the address has an account; one e-mail only.
    assert unknown.status_code == known.status_code == 200
    assert "Si un compte existe pour cette adresse" in known.text
    assert [m.rcpt_tos for m in smtp.messages] == [["oubli@accounts.example"]]
    link = link_in(smtp, "oubli@accounts.example", "/password/reset")
    assert client.get(link).status_code == 200
    token, csrf = link.split("token=")[1], form_csrf(client, link)
    short = client.post("/password/reset", data={"csrf": csrf, "token": token,
                                                  "password": "court", "password_again": "court"})
    assert short.status_code == 422 and "au moins 8 caractères" in short.text
    done = client.post("/password/reset", data={"csrf": csrf, "token": token,
                                                "password": "nouveau secret",
                                                "password_again": "nouveau secret"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"
    assert other_tab.get("/founder", follow_redirects=False).status_code == 303  # logged out
    used = client.get(link)
    assert used.status_code == 400 and "déjà servi" in used.text
    browser(client, "oubli@accounts.example", "nouveau secret")


def test_an_expired_reset_link_says_so(client, sessions, app):
    make_founder(sessions, "expire@accounts.example")
    with transaction(sessions) as db:
        user = users.get_by_email(db=db, email="expire@accounts.example")
        token = accounts.reset_token(app.state.dossier.secret, user,
                                     now=time.time() - 2 * 3600)
    page = client.get(f"/password/reset?token={token}")
    assert page.status_code == 400 and "a expiré" in page.text
    forged = client.get(f"/password/reset?token={token[:-2]}00")
    assert forged.status_code == 400 and "plus valable" in forged.text


def test_reset_requests_are_rate_limited(client, smtp, sessions):
    make_founder(sessions, "presse@accounts.example")
    answers = [page_post(client, "/password/forgot", {"email": "presse@accounts.example"})
               for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Retry-After" in answers[-1].headers
    assert len(smtp.messages) == 3


def test_change_password_asks_the_current_one_and_ends_other_sessions(client, sessions):
    make_founder(sessions, "change@accounts.example")
    me, other = (browser(client, "change@accounts.example") for _ in range(2))
    csrf = re.search(r'name="csrf" value="([^"]+)"', me.get("/account").text).group(1)
    wrong = me.post("/account/password", data={
        "csrf": csrf, "current_password": "pas le bon", "new_password": "autre secret",
        "new_password_again": "autre secret"})
    assert wrong.status_code == 422 and "votre mot de passe actuel" in wrong.text
    ok = me.post("/account/password", data={
        "csrf": csrf, "current_password": DEMO_PASSWORD, "new_password": "autre secret",
        "new_password_again": "autre secret"}, follow_redirects=False)
    assert ok.status_code == 303
    assert me.get("/account").status_code == 200  # this browser stays in
    assert other.get("/account", follow_redirects=False).status_code == 303
    browser(client, "change@accounts.example", "autre secret")


def test_staff_invite_a_reviewer_who_lands_in_the_partners_inbox(client, smtp, sessions):
    staff = browser(client, "staff@demo.example")
    csrf = re.search(r'name="csrf" value="([^"]+)"', staff.get("/staff/reviewers").text)[1]
    taken = staff.post("/staff/reviewers/invitations", data={
        "csrf": csrf, "email": "cepac@demo.example", "partner": "cepac"})
    assert taken.status_code == 422 and "existe déjà" in taken.text
    for _ in range(2):  # invited twice: only the second link works
        sent = staff.post("/staff/reviewers/invitations", data={
            "csrf": csrf, "email": "analyste@bpmed.example", "partner": "bpmed"},
            follow_redirects=False)
        assert sent.status_code == 303
    first, second = [re.search(r"(/invitation\?token=\S+)", m.text)[1] for m in smtp.messages]
    assert client.get(first).status_code == 400
    page = client.get(second)
    assert "Banque Populaire" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
    landed = client.post("/invitation", data={
        "csrf": csrf, "token": second.split("token=")[1], "full_name": "Ana Lyste",
        "password": "mot de passe bpmed", "password_again": "mot de passe bpmed"},
        follow_redirects=False)
    assert landed.status_code == 303 and landed.headers["location"] == "/reviewer"
    assert client.get("/reviewer").status_code == 200
    with sessions() as db:
        reviewer = users.get_by_email(db=db, email="analyste@bpmed.example")
        assert (reviewer.role, reviewer.partner_code) == ("reviewer", "bpmed")
    assert client.get(second).status_code == 400  # used


def test_a_co_founder_edits_and_receives_the_dossier(client, smtp, sessions):
    owner = browser(client, FOUNDER)
    token = owner.post("/api/v1/auth/token", data={"username": FOUNDER,
                                                   "password": DEMO_PASSWORD}).json()
    head = {"Authorization": f"Bearer {token['access_token']}"}
    dossier_id = owner.post("/api/v1/dossiers", headers=head,
                            json=full_dossier(name="Équipe Calanques")).json()["id"]
    make_founder(sessions, "associee@accounts.example")
    team = f"/founder/dossiers/{dossier_id}/team"
    csrf = re.search(r'name="csrf" value="([^"]+)"', owner.get(team).text)[1]
    assert owner.post(f"{team}/invitations", data={"csrf": csrf, "email": FOUNDER}
                      ).status_code == 422  # the owner already works on it
    owner.post(f"{team}/invitations", data={"csrf": csrf, "email": "associee@accounts.example"})
    link = link_in(smtp, "associee@accounts.example", "/invitation")
    partner = browser(client, "associee@accounts.example")
    assert partner.get(f"/founder/dossiers/{dossier_id}/edit/company").status_code == 404
    page = partner.get(link)
    assert "Rejoindre le dossier" in page.text
    joined = partner.post("/invitation", data={
        "csrf": re.search(r'name="csrf" value="([^"]+)"', page.text.split("<main")[1])[1],
        "token": link.split("token=")[1]}, follow_redirects=False)
    assert joined.headers["location"] == f"/founder/dossiers/{dossier_id}/edit/company"
    assert partner.get(f"/founder/dossiers/{dossier_id}/edit/company").status_code == 200
    assert "Équipe Calanques" in partner.get("/founder").text
    # Handing over: confirmed, recorded in the audit chain, the former owner stays a member.
    refused = owner.post(f"{team}/handover", data={"csrf": csrf, "member": "", "confirm": "no"})
    assert refused.status_code == 422
    with sessions() as db:
        heir = users.get_by_email(db=db, email="associee@accounts.example")
    handed = owner.post(f"{team}/handover", data={"csrf": csrf, "member": str(heir.id),
                                                  "confirm": "yes", "stay": "yes"},
                        follow_redirects=False)
    assert handed.status_code == 303
    with sessions() as db:
        dossier = db.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.owner_id == heir.id
        assert [m.user.email for m in dossier.members] == [FOUNDER]
        record = db.scalar(select(AccessRecord).where(AccessRecord.dossier_id == dossier.id))
        assert (record.kind, record.email, record.object_name) == (
            "handover", FOUNDER, "associee@accounts.example")
        assert record.hash is not None and verify(db, dossier_id=dossier.id).broken is None
    assert owner.post(f"{team}/invitations", data={"csrf": csrf, "email": "x@accounts.example"}
                      ).status_code == 403  # no longer the owner's to manage
    assert any(m.rcpt_tos == ["associee@accounts.example"] and "vous est confié" in m.subject
               for m in smtp.messages)


def test_a_session_token_check(sessions):
    with transaction(sessions) as db:
        user = users.create_user(db=db, email="jetons@accounts.example", password="a" * 10,
                                 role="founder")
        kept, _ = users.issue_token(db=db, user=user, scope="web")
        users.issue_token(db=db, user=user)
        assert users.end_sessions(db=db, user=user, keep=kept) == 1
        live = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                 ApiToken.revoked_at.is_(None))).all()
        assert len(live) == 1
        assert db.get(User, user.id).active
