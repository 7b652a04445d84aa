"""Before a document stops counting for a partner, the founder is reminded, once per document
and threshold, while the route is open (dossier.services.expiry, the reminders flow)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from dossier.db import transaction, utcnow
from dossier.formatting import format_date
from dossier.services import expiry, notifications
from dossier.validity import Document, expires_on
from tests.conftest import login
from tests.helpers import new_dossiers_seen
from tests.helpers.files import minimal_pdf
from tests.routing.dated_dossier import submit_with_dated_kbis
from workflows.reminders import reminders_due, sla_reminders

POLICY = notifications.Policy()  # reminded 14 and 3 days before


@pytest.fixture
def settings(settings):
    """Route in the test's thread; no periodic reminders behind the test's back."""
    return settings.model_copy(update={"routing_in_background": False, "reminder_interval": 0})


def kbis_ending_in(days: int) -> tuple[str, date]:
    """An issue date for a Kbis (valid 3 months) that stops counting in `days` days."""
    issued = date.today() + timedelta(days=days) - relativedelta(months=3)
    return issued.isoformat(), expires_on(Document("kbis", issued))


def run(sessions, days: float = 0) -> dict[str, int]:
    """The plain service, as of `days` from now."""
    with transaction(sessions) as db:
        return expiry.create_due(db=db, now=utcnow() + timedelta(days=days), policy=POLICY)


def expiry_notices(client, founder) -> list[dict]:
    items = client.get("/api/v1/notifications", headers=founder).json()["items"]
    return [n for n in items if n["kind"] == "document_expiring"]


def test_the_founder_is_reminded_once_per_threshold_while_the_route_is_open(
        client, founder, sessions):
    issued, ends = kbis_ending_in(20)
    routes = submit_with_dated_kbis(client, founder, sessions, ["cepac", "bpmed"], issued)
    assert run(sessions) == {}  # 20 days left: no threshold reached yet
    r = client.post(f"/api/v1/routes/{routes['bpmed']}/events",
                    headers=login(client, "bpmed@demo.example"),
                    json={"type": "declined", "reason": "risk_profile"})
    assert r.status_code == 201, r.text  # a decided route is no longer reminded

    assert run(sessions, days=7) == {"document_expiring": 1}  # 13 days left: the 14-day one
    assert run(sessions, days=7) == {}  # the same run again: nothing new
    assert run(sessions, days=10) == {}  # same threshold, later: still once
    assert run(sessions, days=18) == {"document_expiring": 1}  # 2 days left: the 3-day one
    assert run(sessions, days=18.5) == {}
    assert run(sessions, days=21) == {}  # expired: eligibility counts it missing, no reminder

    first, second = sorted(expiry_notices(client, founder), key=lambda n: n["created_at"])
    last_day = format_date(ends - timedelta(days=1), "fr")
    assert first["route_id"] == routes["cepac"] and second["route_id"] == routes["cepac"]
    assert first["subject"] == (f"Caisse d'Epargne CEPAC n'acceptera plus le document "
                                f"«\u00a0kbis-lumiphase.pdf\u00a0» après le {last_day}")
    assert "déposez-en un plus récent" in first["body"]
    assert "(Extrait Kbis, du " in first["body"] and "du dossier Lumiphase" in first["body"]
    assert first["link"] == f"/founder/dossiers/{routes['dossier_id']}#route-{routes['cepac']}"


def test_a_newer_kbis_sent_to_the_partner_stops_the_reminder(client, founder, sessions):
    issued, _ends = kbis_ending_in(10)
    routes = submit_with_dated_kbis(client, founder, sessions, ["cepac"], issued)
    with sessions() as db:  # due, until the partner receives a newer one
        assert len(expiry.due(db=db, today=date.today(), days=POLICY.expiry_days)) == 1
    fresh = client.post(f"/api/v1/dossiers/{routes['dossier_id']}/attachments", headers=founder,
                        files={"file": ("kbis-2.pdf", minimal_pdf("kbis 2"), "application/pdf")},
                        data={"kind": "kbis", "issued_on": date.today().isoformat()}).json()
    r = client.post(f"/api/v1/routes/{routes['cepac']}/messages", headers=founder,
                    json={"body": "Voici un Kbis récent.", "attachment_ids": [fresh["id"]]})
    assert r.status_code == 201, r.text
    assert run(sessions) == {}


def test_a_partners_own_validity_counts(client, founder, sessions):
    from dossier.models import Partner

    issued, _ends = kbis_ending_in(40)  # 3 months by default: 40 days left
    with transaction(sessions) as db:
        partner = db.get(Partner, "cepac")
        saved = dict(partner.config)
        partner.config = {**saved, "document_validity_months": {"kbis": 2}}  # ~10 days left
    try:
        submit_with_dated_kbis(client, founder, sessions, ["cepac"], issued)
        assert run(sessions) == {"document_expiring": 1}
    finally:
        with transaction(sessions) as db:
            db.get(Partner, "cepac").config = saved


def test_the_reminders_flow_sends_one_reminder_and_one_mail_when_run_twice(
        client, app, founder, sessions, smtp, prefect_harness):
    issued, _ends = kbis_ending_in(5)
    submit_with_dated_kbis(client, founder, sessions, ["cepac"], issued)
    new_dossiers_seen(sessions)  # the reviewers' "new dossier" notices: e-mailed already
    runtime = app.state.dossier.runtime
    assert reminders_due(runtime)
    first = sla_reminders()
    assert first.get("document_expiring") == 1 and first["emailed"] == 1, first
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["founder@demo.example"]
    assert "n'acceptera plus le document" in mail.subject
    assert "déposez-en un plus récent" in mail.text
    assert not reminders_due(runtime)
    second = sla_reminders()
    assert "document_expiring" not in second and second["emailed"] == 0, second
    assert len(expiry_notices(client, founder)) == 1


def test_threshold_is_the_tightest_one_reached():
    ends = date(2027, 3, 13)
    assert expiry.threshold(ends, date(2027, 2, 20), (14, 3)) is None  # 21 days left
    assert expiry.threshold(ends, date(2027, 3, 1), (14, 3)) == 14
    assert expiry.threshold(ends, date(2027, 3, 11), (14, 3)) == 3
    assert expiry.threshold(ends, date(2027, 3, 13), (14, 3)) is None  # expired that day
