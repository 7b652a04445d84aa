"""Issue 16's journey: six partners; CEPAC decides in committee (recommendation, a session with
its iCalendar invitation, the members' decision); Marseille Innovation's honour loan is
conditional on CEPAC; BNP Paribas declines and the founder refers it to the Médiation du
crédit; CEPAC approves, the condition is met, the founder accepts, two tranches are paid; the
plan shows approved, accepted, paid out and the leverage; an expert gives an opinion."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from dossier.db import transaction
from dossier.models import Notification, Partner, User
from tests.conftest import login
from tests.helpers import full_dossier, settle_deliveries, submit
from tests.opinions.conftest import link_of, page_csrf

NEXT_YEAR = date.today().year + 1
MINUTES = "Présents : 5 membres sur 7. Avis favorable, caution BPI 40 %."


def event(client, who, route_id, body, status=201):
    r = client.post(f"/api/v1/routes/{route_id}/events", headers=who, json=body)
    assert r.status_code == status, r.text
    return r.json()


def test_a_multi_funder_dossier_from_committee_to_tranches(client, founder, sessions):
    with transaction(sessions) as db:  # CEPAC decides every request in committee
        cepac_partner = db.get(Partner, "cepac")
        saved = dict(cepac_partner.config)
        cepac_partner.config = {**saved, "committee": {"required": True, "above_eur": "0"}}
    try:
        journey(client, founder, sessions)
    finally:
        with transaction(sessions) as db:
            db.get(Partner, "cepac").config = saved


def journey(client, founder, sessions):
    body = full_dossier()
    body["requests"].append({"partner": "bnp-paribas", "instrument": "bank_loan",
                             "amount_eur": "100000.00", "duration_months": 60})
    answer = submit(client, founder, body)
    settle_deliveries(sessions)
    routes = {r["partner"]: r["id"] for r in answer["routes"]}
    dossier_url = f"/api/v1/dossiers/{answer['dossier_id']}"
    assert len(routes) == 6
    cepac, member = login(client, "cepac@demo.example"), login(client, "cepac-comite@demo.example")
    mi, bnp = login(client, "mi-honor-loan@demo.example"), login(client, "bnp-paribas@demo.example")

    # CEPAC: its reviewer may not decide alone; it recommends, a session is planned
    event(client, cepac, routes["cepac"], {"type": "in_review"})
    refused = event(client, cepac, routes["cepac"], {"type": "approved", "instrument":
                                                     "bank_loan", "amount_eur": "200000"}, 409)
    assert refused["code"] == "committee_required"
    event(client, cepac, routes["cepac"], {
        "type": "recommended", "recommendation": "approve", "instrument": "bank_loan",
        "amount_eur": "200000.00", "committee_date": f"{NEXT_YEAR}-01-12"})
    planned = client.post("/api/v1/partners/cepac/committees", headers=cepac, json={
        "date": f"{NEXT_YEAR}-01-12T14:30", "route_ids": [routes["cepac"]]})
    assert planned.status_code == 201, planned.text
    with sessions() as db:
        [invitation] = db.scalars(select(Notification.calendar).join(
            User, User.id == Notification.user_id).where(
            User.email == "cepac-comite@demo.example", Notification.calendar.is_not(None)))
    calendar = Calendar.from_ical(invitation)  # a valid RFC 5545 invitation, parsed back
    [vevent] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert vevent.decoded("DTSTART").isoformat().startswith(f"{NEXT_YEAR}-01-12T14:30")
    assert "cepac-comite@demo.example" in str(vevent.get("ATTENDEE"))
    founder_view = client.get(dossier_url, headers=founder).json()
    assert {r["partner"]: r["state"] for r in founder_view["routes"]}["cepac"] == "committee"

    # Marseille Innovation: an honour loan conditional on CEPAC's approval
    event(client, mi, routes["mi-honor-loan"], {
        "type": "approved", "instrument": "honor_loan", "amount_eur": "50000",
        "conditional_on": [{"partner": "cepac", "min_amount_eur": "150000"}]})
    plan = client.get(dossier_url, headers=founder).json()["funding_plan"]
    assert [c["status"] for c in plan["conditions"]] == ["pending"]
    assert client.post(f"/api/v1/routes/{routes['mi-honor-loan']}/accept",
                       headers=founder).status_code == 409

    # BNP Paribas declines; the founder refers the refusal to the Médiation du crédit
    event(client, bnp, routes["bnp-paribas"], {"type": "declined", "reason": "risk_profile"})
    referral = client.post(f"/api/v1/routes/{routes['bnp-paribas']}/mediation",
                           headers=founder, json={"consent": True})
    assert referral.status_code == 201 and referral.json()["partner"] == "bdf"
    assert referral.json()["kind"] == "mediation"

    # An expert's opinion on CEPAC's route, seen by CEPAC only
    invited = client.post(f"/api/v1/routes/{routes['cepac']}/opinions", headers=cepac, json={
        "email": "expert@cabinet.example", "question": "Le BFR est-il tenable ?",
        "expires_on": (date.today() + timedelta(days=10)).isoformat()})
    assert invited.status_code == 201, invited.text
    expert = TestClient(client.app)
    assert expert.get(link_of(sessions, invited.json()["id"]),
                      follow_redirects=False).status_code == 303
    csrf = page_csrf(expert.get(f"/expert/routes/{routes['cepac']}").text)
    given = expert.post(f"/expert/routes/{routes['cepac']}/opinion",
                        data={"csrf": csrf, "answer": "Oui, avec la ligne de crédit court terme."})
    assert given.status_code in (200, 303), given.text[:300]
    opinions = client.get(f"/api/v1/routes/{routes['cepac']}/opinions", headers=cepac).json()
    assert opinions[0]["answer"].startswith("Oui")
    assert client.get(f"/api/v1/routes/{routes['cepac']}/opinions",
                      headers=founder).status_code in (403, 404)

    # The committee approves: the condition is met; the founder accepts; two tranches
    event(client, member, routes["cepac"], {"type": "approved", "instrument": "bank_loan",
                                            "amount_eur": "200000.00", "minutes": MINUTES})
    plan = client.get(dossier_url, headers=founder).json()["funding_plan"]
    assert [c["status"] for c in plan["conditions"]] == ["met"]
    for partner in ("mi-honor-loan", "cepac"):
        accepted = client.post(f"/api/v1/routes/{routes[partner]}/accept", headers=founder)
        assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    for amount in ("30000", "20000"):
        paid = client.post(f"/api/v1/routes/{routes['mi-honor-loan']}/disbursements",
                           headers=mi, json={"amount_eur": amount,
                                             "date": date.today().isoformat()})
        assert paid.status_code == 201, paid.text
    assert client.post(f"/api/v1/routes/{routes['mi-honor-loan']}/disbursements", headers=mi,
                       json={"amount_eur": "1", "date": date.today().isoformat()}
                       ).status_code == 409  # never more than approved

    plan = client.get(dossier_url, headers=founder).json()["funding_plan"]
    honour = next(s for s in plan["sources"] if s.get("partner") == "mi-honor-loan")
    bank = next(s for s in plan["sources"] if s.get("partner") == "cepac")
    assert (honour["approved_eur"], honour["accepted_eur"], honour["disbursed_eur"]) == (
        "50000.00", "50000.00", "50000.00")
    assert (bank["approved_eur"], bank["accepted_eur"], bank["disbursed_eur"]) == (
        "200000.00", "200000.00", "0.00")
    assert plan["leverage"] == "4.00" and plan["disbursed_eur"] == "50000.00"
    declined = {d["partner"]: d["state"] for d in plan["decisions"]}
    assert declined["bnp-paribas"] == "declined"
