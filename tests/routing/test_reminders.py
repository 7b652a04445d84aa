"""Reminders past a partner's SLA or an unanswered request, decision notices, their e-mails."""

from __future__ import annotations

import itertools
import smtplib
import time
import uuid
from datetime import timedelta

import pytest

from dossier.db import transaction, utcnow
from dossier.models import Route
from dossier.services import notifications
from tests.conftest import login
from tests.helpers import full_dossier, new_dossiers_seen, submit, wait_until
from workflows.dispatch import Dispatcher
from workflows.mail import MailSettings, is_transient, send_pending
from workflows.reminders import reminders_due, sla_reminders

POLICY = notifications.Policy()
LINK = "https://dossier.example"


@pytest.fixture
def settings(settings):
    """Route in the test's thread; no periodic reminders behind the test's back."""
    return settings.model_copy(update={"routing_in_background": False, "reminder_interval": 0})


@pytest.fixture
def routes(client, founder, app, sessions) -> dict[str, str]:
    """A dossier submitted and delivered to six partners, its reviewers told of it: route id
    by partner code."""
    dossier_id = submit(client, founder, full_dossier(ask_cic=True))["dossier_id"]
    app.state.dossier.dispatcher.run_pending()
    new_dossiers_seen(sessions)
    listed = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {x["state"] for x in listed} == {"delivered"}, listed
    return {x["partner"]: x["id"] for x in listed}


def backdate_delivery(sessions, route_id: str, days: int) -> None:
    """Pretend the partner received the dossier `days` ago."""
    with transaction(sessions) as db:
        db.get(Route, uuid.UUID(route_id)).delivered_at = utcnow() - timedelta(days=days)


def create_due(sessions, days: float = 0, policy: notifications.Policy = POLICY
               ) -> dict[str, int]:
    """The plain function, as of `days` from now."""
    with transaction(sessions) as db:
        return notifications.create_due(db=db, now=utcnow() + timedelta(days=days),
                                        policy=policy, link_base=LINK)


def event(client, route_id: str, partner: str, body: dict) -> None:
    r = client.post(f"/api/v1/routes/{route_id}/events",
                    headers=login(client, f"{partner}@demo.example"), json=body)
    assert r.status_code == 201, r.text


def test_sla_breach_reminds_the_partners_reviewers_in_app_and_by_mail_once(
        client, app, routes, sessions, smtp, prefect_harness):
    runtime = app.state.dossier.runtime
    assert not reminders_due(runtime)
    backdate_delivery(sessions, routes["cepac"], days=20)
    assert reminders_due(runtime)

    first = sla_reminders()
    assert first.get("sla_reminder") == 1 and first["emailed"] == 1, first
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["cepac@demo.example"]
    assert mail.message["From"] == "Dossier unique <no-reply@dossier-unique.fr>"
    assert mail.subject == "Relance\xa0: le dossier Lumiphase attend votre réponse depuis 20 jours"
    assert "transmis à Caisse d'Epargne CEPAC" in mail.text
    assert "attend une réponse depuis 20 jours" in mail.text
    assert "délai de traitement convenu (15 jours)" in mail.text
    assert "English" not in mail.text and "review time" not in mail.text  # French only
    assert f"http://127.0.0.1:8000/reviewer/routes/{routes['cepac']}" in mail.text

    assert not reminders_due(runtime)
    second = sla_reminders()
    assert "sla_reminder" not in second and second["emailed"] == 0, second
    assert len(smtp.messages) == 1

    cepac = login(client, "cepac@demo.example")
    [item, new] = client.get("/api/v1/notifications", headers=cepac).json()["items"]
    assert new["kind"] == "new_dossier"  # told at delivery, read since (the fixture)
    assert item["kind"] == "sla_reminder" and item["route_id"] == routes["cepac"]
    assert item["emailed_at"] and item["subject"] == mail.subject
    bpmed = login(client, "bpmed@demo.example")
    assert {n["kind"] for n in client.get("/api/v1/notifications",
                                          headers=bpmed).json()["items"]} == {"new_dossier"}
    with sessions() as db:
        assert db.get(Route, uuid.UUID(routes["cepac"])).reminded_at is not None


def test_sla_reminder_repeats_once_per_period_until_a_decision(client, routes, sessions):
    backdate_delivery(sessions, routes["cepac"], days=17)  # due 2 days ago; periods of 3 days
    assert create_due(sessions) == {"sla_reminder": 1}
    assert create_due(sessions, days=0.5) == {}
    assert create_due(sessions, days=1.5) == {"sla_reminder": 1}
    event(client, routes["cepac"], "cepac", {"type": "in_review"})
    assert create_due(sessions, days=4.5) == {"sla_reminder": 1}  # still no decision
    event(client, routes["cepac"], "cepac", {"type": "declined", "reason": "risk_profile"})
    # the decision told the founder at once, in its own transaction; the run adds nothing
    assert create_due(sessions, days=4.9) == {}  # (bdf's 5-day SLA not yet due)


def test_unanswered_information_request_reminds_the_founder(client, founder, app, routes,
                                                             sessions, smtp):
    event(client, routes["ampa"], "ampa", {
        "type": "info_requested", "request_kind": "missing_document",
        "message": "Merci de joindre la table de capitalisation à jour."})
    policy = notifications.Policy(info_after_days=2, every_days=2)  # (before bdf's 5-day SLA)
    assert create_due(sessions, policy=policy) == {}  # the request told the founder already
    assert create_due(sessions, days=1.9, policy=policy) == {}
    assert create_due(sessions, days=2.1, policy=policy) == {"info_reminder": 1}
    assert create_due(sessions, days=3.9, policy=policy) == {}
    assert create_due(sessions, days=4.1, policy=policy) == {"info_reminder": 1}

    sent = send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)
    assert sent == {"emailed": 3, "refused": 0}
    mails = smtp.wait_for(3)
    assert {tuple(m.rcpt_tos) for m in mails} == {("founder@demo.example",)}
    reminder = next(m for m in mails if m.subject.startswith("Relance"))
    assert reminder.subject == ("Relance\xa0: Aix-Marseille Provence Amorçage attend votre "
                                "réponse pour le dossier Lumiphase")
    assert "attend toujours votre réponse" in reminder.text
    assert "«\xa0Merci de joindre la table de capitalisation à jour.\xa0»" in reminder.text
    assert "English" not in reminder.text
    # the link of the e-mail is made absolute when it is sent, under the site's address
    assert f"{app.state.dossier.runtime.public_url}/founder/dossiers/" in reminder.text

    answer = client.post(f"/api/v1/routes/{routes['ampa']}/messages", headers=founder,
                         json={"body": "Voici la table à jour."})
    assert answer.status_code == 201
    assert create_due(sessions, days=4.9, policy=policy) == {}


def test_decisions_notify_the_founder_and_mail_survives_a_refusal(client, founder, app, routes,
                                                                  sessions, smtp):
    event(client, routes["cepac"], "cepac", {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000.00",
        "conditions": "Caution BPI 50 %"})
    event(client, routes["bpmed"], "bpmed", {
        "type": "declined", "reason": "too_early", "comment": "Revenez après la levée."})
    assert create_due(sessions) == {}  # told with the decisions themselves

    items = client.get("/api/v1/notifications", headers=founder).json()["items"]
    by_subject = {n["subject"]: n["body"] for n in items}
    approved = by_subject["Caisse d'Epargne CEPAC a donné son accord pour le dossier Lumiphase"]
    assert "200\u202f000,00\xa0€" in approved and "Caution BPI 50 %" in approved
    declined = by_subject["Banque Populaire Méditerranée a refusé le dossier Lumiphase"]
    assert "projet trop précoce" in declined and "«\xa0Revenez après la levée.\xa0»" in declined
    assert "reason" not in declined

    smtp.refuse_next(1)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)
    assert is_transient(refused.value) and smtp.messages == []
    assert send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)["emailed"] == 2
    assert send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)["emailed"] == 0
    assert sorted(m.subject for m in smtp.messages) == sorted(by_subject)


def test_notifications_api_shows_ones_own_and_marks_read(client, founder, routes, sessions):
    event(client, routes["bpmed"], "bpmed", {"type": "declined", "reason": "other"})
    create_due(sessions)
    event(client, routes["ampa"], "ampa", {
        "type": "info_requested", "request_kind": "question", "message": "Quel est le BFR ?"})
    backdate_delivery(sessions, routes["cepac"], days=20)
    create_due(sessions)

    mine = client.get("/api/v1/notifications", headers=founder).json()
    assert [n["kind"] for n in mine["items"]] == ["info_request", "decision"]
    assert mine["unread"] == 2
    cepac = login(client, "cepac@demo.example")
    theirs = client.get("/api/v1/notifications", headers=cepac).json()["items"]
    assert [n["kind"] for n in theirs] == ["sla_reminder", "new_dossier"]

    newest = mine["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{newest}/read", headers=cepac).status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs[0]['id']}/read",
                       headers=founder).status_code == 404
    assert client.post("/api/v1/notifications/not-an-id/read", headers=founder).status_code == 404
    r = client.post(f"/api/v1/notifications/{newest}/read", headers=founder)
    assert r.status_code == 200 and r.json()["read_at"]
    again = client.post(f"/api/v1/notifications/{newest}/read", headers=founder).json()
    assert again["read_at"] == r.json()["read_at"]

    unread = client.get("/api/v1/notifications?unread=true", headers=founder).json()
    assert [n["kind"] for n in unread["items"]] == ["decision"] and unread["unread"] == 1
    read = client.get("/api/v1/notifications?unread=false", headers=founder).json()["items"]
    assert [n["id"] for n in read] == [newest]
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_dispatcher_runs_reminders_periodically_when_something_is_due(app):
    checks, runs, due = [], [], [False]

    def is_due(_runtime) -> bool:
        checks.append(time.monotonic())
        return due[0]

    dispatcher = Dispatcher(app.state.dossier.runtime, interval=0.05, reminder_interval=0.2,
                            remind=lambda: runs.append(1), reminders_due=is_due)
    dispatcher.start()
    try:
        wait_until(lambda: list(checks), lambda seen: len(seen) >= 3,
                   what="three checks for due reminders", timeout=5, every=0.02)
        # checked cheaply (once per reminder_interval, not per 0.05 s tick), nothing run
        assert all(b - a >= 0.18 for a, b in itertools.pairwise(checks[:3])), checks
        assert runs == []
        due[0] = True
        wait_until(lambda: runs, what="the reminders run", timeout=5, every=0.02)
    finally:
        dispatcher.stop()
