"""Committees through the API (issue 16 point 1): a recommendation puts a route before its
partner's committee, a committee member decides with the minutes, deciding outside a
required committee is refused (409), sessions are planned and send iCalendar invitations,
parsed back here with `icalendar`, from the database and from the e-mail."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from dossier.db import transaction
from dossier.models import Notification, Partner, User
from dossier.services import notifications
from tests.conftest import login
from tests.helpers import new_dossiers_seen
from tests.helpers.committees import committee, delivered, set_committee  # noqa: F401
from workflows.mail import MailSettings, send_pending

PARIS = ZoneInfo("Europe/Paris")
NEXT_YEAR = date.today().year + 1
SESSION_AT = f"{NEXT_YEAR}-01-12T14:30"
DAY = f"{NEXT_YEAR}-01-12"
MINUTES = "Présents : 5 membres sur 7. Avis favorable à l'unanimité, caution BPI 40 %."


def event(client, who: dict, route_id: str, body: dict, status: int = 201) -> dict:
    r = client.post(f"/api/v1/routes/{route_id}/events", headers=who, json=body)
    assert r.status_code == status, r.text
    return r.json()


def recommend(client, who: dict, route_id: str, **extra) -> dict:
    event(client, who, route_id, {"type": "opened"})
    return event(client, who, route_id, {
        "type": "recommended", "recommendation": "approve", "instrument": "bank_loan",
        "amount_eur": "200000.00", "duration_months": 84, "committee_date": DAY,
        "conditions": "Caution BPI 40 %", "comment": "Solide, marges en hausse.", **extra})


@pytest.mark.usefixtures("committee")
def test_a_recommendation_goes_to_committee_and_a_member_decides_with_minutes(
        client, founder, sessions):
    routes = delivered(client, founder, sessions, "Lumiphase", ("cepac", "bpmed"))
    cepac, member = login(client, "cepac@demo.example"), login(client, "cepac-comite@demo.example")
    rid = routes["cepac"]

    # CEPAC decides in committee: its reviewer cannot decide alone, either way.
    event(client, cepac, rid, {"type": "in_review"})
    for body in ({"type": "approved", "instrument": "bank_loan", "amount_eur": "150000"},
                 {"type": "declined", "reason": "risk_profile"}):
        refused = event(client, cepac, rid, body, 409)
        assert refused["code"] == "committee_required"
        assert "CEPAC décide de cette demande en comité" in refused["detail"]
    # BPMED has no such rule: its reviewer decides.
    event(client, login(client, "bpmed@demo.example"), routes["bpmed"],
          {"type": "declined", "reason": "too_early"})

    proposed = event(client, cepac, rid, {
        "type": "recommended", "recommendation": "approve", "instrument": "bank_loan",
        "amount_eur": "200000.00", "committee_date": DAY, "comment": "Dossier solide."})
    assert (proposed["from_state"], proposed["to_state"]) == ("in_review", "committee")

    # The founder sees the date, never the recommendation.
    mine = client.get(f"/api/v1/routes/{rid}/events", headers=founder).json()
    assert mine[-1]["payload"] == {"type": "recommended", "committee_date": DAY}
    assert client.get(f"/api/v1/routes/{rid}/events",
                      headers=cepac).json()[-1]["payload"]["comment"] == "Dossier solide."
    state = {r["partner"]: r["state"] for r in client.get(
        f"/api/v1/dossiers/{routes['id']}", headers=founder).json()["routes"]}
    assert state["cepac"] == "committee"

    # Only a committee member decides from committee, and with the minutes.
    approve = {"type": "approved", "instrument": "bank_loan", "amount_eur": "200000.00",
               "conditions": "Caution BPI 40 %"}
    assert event(client, cepac, rid, approve, 409)["code"] == "event_not_for_role_in_state"
    assert event(client, founder, rid, approve, 403)["code"] == "role_forbidden"
    unsigned = event(client, member, rid, approve, 422)
    assert [e["loc"] for e in unsigned["errors"]] == ["minutes"]
    decided = event(client, member, rid, {**approve, "minutes": MINUTES})
    assert (decided["from_state"], decided["to_state"]) == ("committee", "approved")
    assert event(client, member, rid, approve, 409)["code"] == "event_not_from_state"

    # The minutes stay with the partner: in its events, not in the founder's decision.
    assert client.get(f"/api/v1/routes/{rid}/events",
                      headers=cepac).json()[-1]["payload"]["minutes"] == MINUTES
    route = next(r for r in client.get(f"/api/v1/dossiers/{routes['id']}",
                                       headers=founder).json()["routes"] if r["id"] == rid)
    assert route["state"] == "approved" and route["decision"]["amount_eur"] == "200000.00"
    assert "minutes" not in route["decision"]
    assert "minutes" not in client.get(f"/api/v1/routes/{rid}/events",
                                       headers=founder).json()[-1]["payload"]

    # Revising the committee's decision is the committee's too.
    revision = {"type": "revised", "reason": "Garantie BPI refusée.",
                "decision": {"type": "declined", "reason": "risk_profile", "minutes": "Revu."}}
    assert event(client, cepac, rid, revision, 409)["code"] == "committee_required"
    assert event(client, member, rid, revision)["to_state"] == "declined"
    revised = client.get(f"/api/v1/routes/{rid}/events", headers=founder).json()[-1]
    assert revised["payload"]["decision"] == {"type": "declined", "reason": "risk_profile"}
    route = next(r for r in client.get(f"/api/v1/dossiers/{routes['id']}",
                                       headers=founder).json()["routes"] if r["id"] == rid)
    assert "minutes" not in route["decision"]

    # Who was told: the founder of the date and the decision; the members of the agenda.
    kinds = [n["kind"] for n in client.get("/api/v1/notifications",
                                           headers=founder).json()["items"]]
    assert kinds.count("committee_date") == 1 and kinds.count("decision") == 3
    told = client.get("/api/v1/notifications", headers=member).json()["items"]
    agenda = next(n for n in told if n["kind"] == "committee_agenda")
    assert agenda["subject"] == "Pour le comité de Caisse d'Epargne CEPAC : le dossier Lumiphase"
    assert "recommande d'accorder le dossier Lumiphase" in agenda["body"]
    assert agenda["link"] == f"/reviewer/routes/{rid}#committee"
    assert "committee_agenda" not in {n["kind"] for n in client.get(
        "/api/v1/notifications", headers=cepac).json()["items"]}


def test_the_committee_decides_only_above_its_threshold(client, founder, sessions):
    saved = set_committee(sessions, {"cepac": {"required": True, "above_eur": "250000.00"}})
    try:
        routes = delivered(client, founder, sessions, "Lumiphase", ("cepac",))
        cepac = login(client, "cepac@demo.example")
        event(client, cepac, routes["cepac"], {"type": "opened"})
        # 200 000 € requested: below the threshold, unless the decision goes above it.
        above = event(client, cepac, routes["cepac"], {
            "type": "approved", "instrument": "bank_loan", "amount_eur": "300000"}, 409)
        assert above["code"] == "committee_required"
        event(client, cepac, routes["cepac"],
              {"type": "approved", "instrument": "bank_loan", "amount_eur": "200000"})
    finally:
        with transaction(sessions) as db:
            db.get(Partner, "cepac").config = saved["cepac"]


@pytest.mark.usefixtures("committee")
def test_a_recommendation_needs_a_day_to_come_and_someone_on_the_committee(
        client, founder, sessions):
    routes = delivered(client, founder, sessions, "Lumiphase", ("cepac",))
    cepac = login(client, "cepac@demo.example")
    event(client, cepac, routes["cepac"], {"type": "opened"})
    body = {"type": "recommended", "recommendation": "decline", "reason": "risk_profile",
            "committee_date": "2020-01-01"}
    past = event(client, cepac, routes["cepac"], body, 422)
    assert [e["loc"] for e in past["errors"]] == ["committee_date"]
    assert event(client, cepac, routes["cepac"], {**body, "committee_date": 20270101},
                 422)["errors"][0]["loc"] == "committee_date"  # a number is not a date
    with transaction(sessions) as db:
        db.scalar(select(User).where(User.email == "cepac-comite@demo.example")).committee = False
    try:
        nobody = event(client, cepac, routes["cepac"], {**body, "committee_date": DAY}, 409)
        assert nobody["code"] == "committee_without_members"
    finally:
        with transaction(sessions) as db:
            db.scalar(select(User).where(
                User.email == "cepac-comite@demo.example")).committee = True
    assert event(client, cepac, routes["cepac"],
                 {**body, "committee_date": DAY})["to_state"] == "committee"


def calendars(sessions, email: str) -> list[tuple[Notification, Calendar]]:
    """The invitations the person was sent, parsed back."""
    with sessions() as db:
        rows = list(db.scalars(select(Notification).join(User, User.id == Notification.user_id)
                               .where(User.email == email, Notification.calendar.is_not(None))
                               .order_by(Notification.created_at)))
        return [(row, Calendar.from_ical(row.calendar)) for row in rows]


def attendees(vevent) -> list[str]:
    """The event's attendees (icalendar gives one as a value, several as a list)."""
    value = vevent.get("ATTENDEE")
    return [str(a) for a in (value if isinstance(value, list) else [value])]


def only_event(calendar: Calendar):
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Paris"
    [vevent] = calendar.walk("VEVENT")
    return vevent


@pytest.mark.usefixtures("committee")
def test_planning_a_session_checks_its_agenda_and_invites_the_committee(
        client, founder, sessions, smtp):
    first = delivered(client, founder, sessions, "Lumiphase", ("cepac", "bpmed"))
    second = delivered(client, founder, sessions, "Biotope Santé", ("cepac",))
    cepac = login(client, "cepac@demo.example")
    recommend(client, cepac, first["cepac"])
    recommend(client, cepac, second["cepac"])
    url = "/api/v1/partners/cepac/committees"

    # Who may: the partner's reviewers and staff; another partner's reviewers do not see it.
    assert client.post(url, headers=login(client, "bpmed@demo.example"),
                       json={}).status_code == 404
    assert client.post(url, headers=founder, json={}).status_code == 403
    assert client.get("/api/v1/partners/nobody/committees",
                      headers=cepac).status_code == 404

    # Every wrong part of the agenda is named, and nothing is planned.
    wrong = client.post(url, headers=cepac, json={
        "date": "2020-03-01T10:00",
        "route_ids": [first["bpmed"], first["cepac"], first["cepac"], "nope"]})
    assert wrong.status_code == 422, wrong.text
    assert {e["loc"]: e["code"] for e in wrong.json()["errors"]} == {
        "date": "moment_in_past", "route_ids[0]": "committee_route_unknown",
        "route_ids[2]": "committee_route_twice", "route_ids[3]": "committee_route_unknown"}
    assert client.post(url, headers=cepac, json={"date": SESSION_AT, "route_ids": []}
                       ).json()["errors"][0]["loc"] == "route_ids"
    assert client.post(url, headers=cepac, json={"date": 1736689800, "route_ids": [
        first["cepac"]]}).json()["errors"][0]["loc"] == "date"
    far = client.post(url, headers=cepac, json={"date": "9999-12-31T23:59-05:00",
                                                "route_ids": [first["cepac"]]})
    assert far.status_code == 422 and far.json()["errors"][0]["code"] == "moment_too_far"
    bpmed = login(client, "bpmed@demo.example")
    event(client, bpmed, first["bpmed"], {"type": "opened"})
    not_waiting = client.post("/api/v1/partners/bpmed/committees", headers=bpmed, json={
        "date": SESSION_AT, "route_ids": [first["bpmed"]]})
    assert not_waiting.json()["errors"][0]["code"] == "committee_route_not_waiting"
    assert client.get(url, headers=cepac).json() == []

    new_dossiers_seen(sessions)
    planned = client.post(url, headers=cepac, json={
        "date": SESSION_AT, "route_ids": [second["cepac"], first["cepac"]],
        "duration_minutes": 90, "place": "Siège CEPAC, Marseille"})
    assert planned.status_code == 201, planned.text
    session = planned.json()
    assert session["date"] == f"{SESSION_AT}:00+01:00"
    assert session["route_ids"] == [second["cepac"], first["cepac"]]
    assert [(a["company"], a["at"]) for a in session["agenda"]] == [
        ("Biotope Santé", f"{SESSION_AT}:00+01:00"),
        ("Lumiphase", f"{DAY}T15:15:00+01:00")]
    assert client.get(url, headers=login(client, "staff@demo.example")).json() == [session]

    # The member's invitation: one event for the session, on the Paris clock.
    [(notice, calendar)] = calendars(sessions, "cepac-comite@demo.example")
    vevent = only_event(calendar)
    assert str(vevent["UID"]) == f"committee-{session['id']}@dossier-unique"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTSTART") == datetime(NEXT_YEAR, 1, 12, 14, 30, tzinfo=PARIS)
    assert vevent.decoded("DURATION").total_seconds() == 90 * 60
    assert str(vevent["SUMMARY"]) == "Comité Caisse d'Epargne CEPAC — 2 dossiers"
    assert str(vevent["LOCATION"]) == "Siège CEPAC, Marseille"
    assert attendees(vevent) == ["mailto:cepac-comite@demo.example"]
    assert vevent["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert str(vevent["ORGANIZER"]) == "mailto:cepac@demo.example"
    assert vevent["ORGANIZER"].params["CN"] == "Caisse d'Epargne CEPAC"
    assert "Biotope Santé" in str(vevent["DESCRIPTION"])
    assert notice.link == f"/committees/cepac#session-{session['id']}"
    # A bank's founder is told the day, without an invitation (no pitch).
    assert calendars(sessions, "founder@demo.example") == []
    told = [n for n in client.get("/api/v1/notifications", headers=founder).json()["items"]
            if n["kind"] == "committee_date" and "examinera" in n["body"]]
    assert len(told) == 2 and f"12 janvier {NEXT_YEAR}" in told[0]["body"]

    # The e-mail carries the same invitation, as a calendar part and an .ics file.
    sent = send_pending(client.app.state.dossier.runtime, MailSettings(),
                        policy=notifications.Policy())
    assert sent["refused"] == 0
    mails = smtp.wait_for(sent["emailed"])
    member_mails = [m for m in mails if m.rcpt_tos == ["cepac-comite@demo.example"]]
    assert len(member_mails) == 3  # two dossiers for the agenda, then the session
    [mail] = [m for m in member_mails if m.subject.startswith("Comité")]
    assert mail.subject == (f"Comité Caisse d'Epargne CEPAC le 12 janvier {NEXT_YEAR} à 14 h 30 "
                            ": 2 dossiers")
    parts = {p.get_content_type(): p for p in mail.message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invitation.ics"
    for part in (parts["text/calendar"], parts["application/ics"]):
        mailed = only_event(Calendar.from_ical(part.get_content()))
        assert str(mailed["UID"]) == str(vevent["UID"])
        assert mailed.decoded("DTSTART") == vevent.decoded("DTSTART")
    assert "Ordre du jour" in mail.text


@pytest.mark.usefixtures("committee")
def test_an_honour_loan_session_invites_each_founder_at_their_slot(
        client, founder, sessions):
    first = delivered(client, founder, sessions, "Lumiphase", ("mi-honor-loan",))
    second = delivered(client, founder, sessions, "Biotope Santé", ("mi-honor-loan",))
    honour = login(client, "mi-honor-loan@demo.example")
    for routes in (first, second):
        recommend(client, honour, routes["mi-honor-loan"], instrument="honor_loan",
                  amount_eur="50000.00", duration_months=60)
    staff = login(client, "staff@demo.example")
    r = client.post("/api/v1/partners/mi-honor-loan/committees", headers=staff, json={
        "date": f"{SESSION_AT}:00+01:00",
        "route_ids": [first["mi-honor-loan"], second["mi-honor-loan"]],
        "duration_minutes": 60, "video_url": "https://visio.example/comite"})
    assert r.status_code == 201, r.text
    session = r.json()
    assert session["slot_minutes"] == 30

    pitches = calendars(sessions, "founder@demo.example")
    assert len(pitches) == 2
    starts = {}
    for notice, calendar in pitches:
        vevent = only_event(calendar)
        assert attendees(vevent) == ["mailto:founder@demo.example"]
        assert str(vevent["ORGANIZER"]) == "mailto:staff@demo.example"
        assert str(vevent["URL"]) == "https://visio.example/comite"
        assert vevent.decoded("DURATION").total_seconds() == 30 * 60
        assert notice.kind == "committee_pitch"
        starts[str(notice.route_id)] = vevent.decoded("DTSTART")
        assert str(vevent["UID"]) == f"committee-{session['id']}-{notice.route_id}@dossier-unique"
    assert starts == {first["mi-honor-loan"]: datetime(NEXT_YEAR, 1, 12, 14, 30, tzinfo=PARIS),
                      second["mi-honor-loan"]: datetime(NEXT_YEAR, 1, 12, 15, 0, tzinfo=PARIS)}
    [(_, members)] = calendars(sessions, "mi-honor-loan-comite@demo.example")
    assert str(only_event(members)["SUMMARY"]).endswith("— 2 dossiers")


def test_the_catalogue_says_who_decides_in_committee(client, founder):
    partners = {p["code"]: p for p in client.get("/api/v1/partners", headers=founder).json()}
    assert partners["cepac"]["committee"] == {"required": True, "above_eur": "500000.00"}
    assert partners["bpmed"]["committee"] is None
