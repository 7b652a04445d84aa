"""Every event that waits on someone notifies them at once, in the event's own transaction:
requests and decisions the founder, answers, messages and new versions the partner's
reviewers; read one or all; e-mails can be turned off, the in-app list stays."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, select, update

from dossier.db import transaction
from dossier.models import DossierMember, Role, Route, RouteEvent, User
from dossier.services import notifications, users
from tests.conftest import login
from tests.helpers import browser, form_csrf, full_dossier, new_dossiers_seen, submit
from workflows.mail import MailSettings, send_pending

POLICY = notifications.Policy()


@pytest.fixture
def settings(settings):
    """Route in the test's thread; no periodic reminders behind the test's back."""
    return settings.model_copy(update={"routing_in_background": False, "reminder_interval": 0})


@pytest.fixture
def delivered(client, founder, app, sessions) -> tuple[str, dict[str, str]]:
    """A dossier delivered to its partners, its reviewers told of it and reading it from
    then on: its id and the route id of each partner."""
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]
    app.state.dossier.dispatcher.run_pending()
    new_dossiers_seen(sessions)
    listed = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {x["state"] for x in listed} == {"delivered"}, listed
    return dossier_id, {x["partner"]: x["id"] for x in listed}


@pytest.fixture
def demo_preferences(sessions):
    """Demo accounts outlive the test: put their notification settings back afterwards."""
    yield
    with transaction(sessions) as db:
        db.execute(update(User).where(User.email.like("%@demo.example"))
                   .values(email_notifications=True, language=None))


def ask(client, route_id: str, partner: str = "ampa", message: str = "Quel est le BFR ?"):
    r = client.post(f"/api/v1/routes/{route_id}/events",
                    headers=login(client, f"{partner}@demo.example"),
                    json={"type": "info_requested", "request_kind": "question",
                          "message": message})
    assert r.status_code == 201, r.text
    return r.json()


def mine(client, headers) -> dict:
    """The caller's notifications since the delivery (the "new dossier" ones left out)."""
    r = client.get("/api/v1/notifications", headers=headers)
    assert r.status_code == 200, r.text
    listed = r.json()
    return {**listed, "items": [n for n in listed["items"] if n["kind"] != "new_dossier"]}


def test_an_information_request_notifies_the_founder_at_once(client, founder, delivered,
                                                             sessions):
    dossier_id, routes = delivered
    assert mine(client, founder)["unread"] == 0
    event = ask(client, routes["ampa"])

    listed = mine(client, founder)  # no reminders run: the request itself told the founder
    assert listed["unread"] == 1
    [item] = listed["items"]
    assert item["kind"] == "info_request" and item["route_id"] == routes["ampa"]
    assert item["subject"] == ("Aix-Marseille Provence Amorçage demande un complément "
                               "d'information pour le dossier Lumiphase")
    assert "«\xa0Quel est le BFR ?\xa0»" in item["body"]
    assert "Merci de répondre avant le " in item["body"]
    assert item["link"] == f"/founder/dossiers/{dossier_id}#route-{routes['ampa']}"
    # The partner who asked is not told of its own request.
    assert mine(client, login(client, "ampa@demo.example"))["items"] == []

    with transaction(sessions) as db:  # telling again is a no-op (dedupe key)
        row = db.get(RouteEvent, uuid.UUID(event["id"]))
        route = db.get(Route, uuid.UUID(routes["ampa"]))
        assert notifications.on_event(db=db, route=route, event=row) == 0
        # The reviewer who acted first now handles the route ("Suivi par").
        assert route.assigned_to_id == db.scalar(
            select(User.id).where(User.email == "ampa@demo.example"))
    assert mine(client, founder)["unread"] == 1


def test_the_answer_and_messages_reach_the_reviewer_in_charge_or_all_of_them(
        client, founder, delivered, sessions):
    _, routes = delivered
    with transaction(sessions) as db:
        users.create_user(db=db, email="second@ampa.example", password="un-secret-solide",
                          role=Role.reviewer, partner_code="ampa")
    second = login(client, "second@ampa.example", "un-secret-solide")
    ampa = login(client, "ampa@demo.example")
    ask(client, routes["ampa"])  # ampa@demo.example asks, and so takes the route on

    r = client.post(f"/api/v1/routes/{routes['ampa']}/messages", headers=founder,
                    json={"body": "Le BFR est de 120 000 €."})
    assert r.status_code == 201, r.text
    [answer] = mine(client, ampa)["items"]
    assert answer["kind"] == "info_answered"
    assert answer["subject"] == ("Le porteur de projet a répondu à votre demande pour le "
                                 "dossier Lumiphase")
    assert "«\xa0Le BFR est de 120 000 €.\xa0»" in answer["body"]
    assert answer["link"] == f"/reviewer/routes/{routes['ampa']}#messages"
    assert mine(client, second)["items"] == []  # the route has its reviewer

    with transaction(sessions) as db:  # nobody in charge: every reviewer of the partner
        db.get(Route, uuid.UUID(routes["ampa"])).assigned_to_id = None
    r = client.post(f"/api/v1/routes/{routes['ampa']}/messages", headers=founder,
                    json={"body": "Je joins aussi le prévisionnel."})
    assert r.status_code == 201, r.text
    for headers in (ampa, second):
        assert next(n["kind"] for n in mine(client, headers)["items"]) == "message"
    # Nobody at another partner hears of it.
    assert mine(client, login(client, "cepac@demo.example"))["items"] == []

    # A partner's message waits on the founder.
    r = client.post(f"/api/v1/routes/{routes['ampa']}/messages", headers=second,
                    json={"body": "Merci, c'est noté."})
    assert r.status_code == 201, r.text
    kinds = [n["kind"] for n in mine(client, founder)["items"]]
    assert kinds == ["message", "info_request"]


def test_a_new_version_notifies_the_reviewers(client, founder, app, delivered):
    dossier_id, routes = delivered
    body = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["content"]
    body["company"]["headcount"] = 12
    assert client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder,
                      json=body).status_code == 200
    app.state.dossier.dispatcher.run_pending()
    [item] = mine(client, login(client, "cepac@demo.example"))["items"]
    assert item["kind"] == "new_version"
    assert item["subject"] == "Le dossier Lumiphase a été modifié (version 2)"
    assert item["link"] == f"/reviewer/routes/{routes['cepac']}#changes"


def test_read_one_and_read_all(client, founder, delivered):
    _, routes = delivered
    ask(client, routes["ampa"])
    client.post(f"/api/v1/routes/{routes['bpmed']}/events",
                headers=login(client, "bpmed@demo.example"),
                json={"type": "declined", "reason": "too_early"})
    items = mine(client, founder)["items"]
    assert [n["kind"] for n in items] == ["decision", "info_request"]

    r = client.post(f"/api/v1/notifications/{items[1]['id']}/read", headers=founder)
    assert r.status_code == 200 and r.json()["read_at"]
    assert mine(client, founder)["unread"] == 1
    r = client.post("/api/v1/notifications/read-all", headers=founder)
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": 0}
    assert mine(client, founder)["unread"] == 0
    assert client.post("/api/v1/notifications/read-all",
                       headers=founder).json() == {"marked": 0, "unread": 0}
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_turning_emails_off_stops_emails_not_notifications(client, founder, app, delivered,
                                                           smtp, demo_preferences):
    _, routes = delivered
    page = browser(client, "founder@demo.example")
    settings = page.get("/account/notifications")
    assert settings.status_code == 200
    assert "Recevoir aussi mes notifications par e-mail" in settings.text
    r = page.post("/account/notifications", follow_redirects=False,
                  data={"csrf": form_csrf(page, "/account/notifications"), "language": "fr"})
    assert r.status_code == 303  # the box unticked: no e-mails

    ask(client, routes["ampa"])
    assert "Réponse attendue avant le" in page.get("/founder").text  # on the dossier's card
    client.post(f"/api/v1/routes/{routes['ampa']}/messages", headers=founder,
                json={"body": "Le BFR est de 120 000 €."})
    assert "Réponse attendue avant le" not in page.get("/founder").text  # answered
    sent = send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)
    assert sent == {"emailed": 1, "refused": 0}
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["ampa@demo.example"]  # the reviewer still gets theirs
    assert f"{app.state.dossier.runtime.public_url}/reviewer/routes/{routes['ampa']}" in mail.text
    assert "Dossier unique de financement — message automatique" in mail.text
    assert (f"Pour ne plus recevoir ces e-mails : {app.state.dossier.runtime.public_url}"
            "/account/notifications") in mail.text  # turned off in one click
    listed = mine(client, founder)  # the founder's notice is still in the app
    assert listed["unread"] == 1 and listed["items"][0]["emailed_at"] is None
    assert client.post("/api/v1/notifications/read-all", headers=founder).json()["marked"] == 1

    # Back on, in English: the next notice is written in English and e-mailed.
    r = page.post("/account/notifications", follow_redirects=False,
                  data={"csrf": form_csrf(page, "/account/notifications"), "email": "on",
                        "language": "en"})
    assert r.status_code == 303
    client.post(f"/api/v1/routes/{routes['cepac']}/events",
                headers=login(client, "cepac@demo.example"),
                json={"type": "declined", "reason": "too_early"})
    assert send_pending(app.state.dossier.runtime, MailSettings(),
                        policy=POLICY)["emailed"] == 1
    mail = smtp.wait_for(2)[1]
    assert mail.rcpt_tos == ["founder@demo.example"]
    assert mail.subject == "Caisse d'Epargne CEPAC declined the Lumiphase dossier"
    assert "reason: too early" in mail.text and "Bonjour" not in mail.text


def test_co_founders_are_told_as_the_owner_is(client, founder, delivered, sessions):
    dossier_id, routes = delivered
    email = f"cofounder-{uuid.uuid4().hex[:8]}@notices.example"
    with transaction(sessions) as db:
        mate = users.create_user(db=db, email=email, password="cofounder-pass-1",
                                 role=Role.founder)
        db.add(DossierMember(dossier_id=uuid.UUID(dossier_id), user_id=mate.id))
    try:
        ask(client, routes["ampa"])
        [item] = mine(client, login(client, email, "cofounder-pass-1"))["items"]
        assert item["kind"] == "info_request" and item["route_id"] == routes["ampa"]
        assert mine(client, founder)["unread"] == 1
    finally:
        with transaction(sessions) as db:
            db.execute(delete(User).where(User.email == email))


def test_a_delivered_dossier_tells_the_partners_reviewers_not_the_founder(client, founder,
                                                                         delivered):
    _, routes = delivered
    listed = client.get("/api/v1/notifications", headers=login(client, "cepac@demo.example"))
    [new] = [n for n in listed.json()["items"] if n["kind"] == "new_dossier"]
    assert new["subject"].replace("\xa0", " ").replace("\u202f", " ") == \
        "Nouveau dossier : Lumiphase"
    assert new["route_id"] == routes["cepac"]
    assert new["link"] == f"/reviewer/routes/{routes['cepac']}"
    kinds = {n["kind"] for n in client.get("/api/v1/notifications",
                                           headers=founder).json()["items"]}
    assert "new_dossier" not in kinds
