"""Committee pages: a reviewer proposes a dossier to the committee, a member decides with
the minutes, the partner plans a session, staff seat members, the founder sees the date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from dossier.db import transaction
from dossier.models import Partner, User
from tests.conftest import login
from tests.helpers import browser
from tests.helpers.committees import committee, delivered  # noqa: F401

NEXT_YEAR = date.today().year + 1


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def post(page, path: str, data: dict):
    """Post a form as the page does, with the session's CSRF token."""
    token = csrf_of(page.get("/notifications").text)
    return page.post(path, data={"csrf": token, **data}, follow_redirects=False)


@pytest.mark.usefixtures("committee")
def test_a_reviewer_proposes_and_a_member_decides_with_the_minutes(
        client, founder, sessions):
    routes = delivered(client, founder, sessions, "Lumiphase", ("cepac",))
    base = f"/reviewer/routes/{routes['cepac']}"
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(base).text
    assert "Caisse d&#39;Epargne CEPAC décide en comité : proposez ce dossier au comité." in page
    assert 'action="' + base + '/decision"' not in cepac.get(base + "?decision=approve").text
    assert "Proposer au comité" in page and 'name="committee_date"' in page

    refused = post(cepac, base + "/recommendation", {"recommendation": "approve",
                                                      "amount_eur": "200 000,00"})
    assert refused.status_code == 422
    assert "Proposer au comité — Date du comité" in refused.text
    done = post(cepac, base + "/recommendation", {
        "recommendation": "approve", "instrument": "bank_loan", "amount_eur": "180 000,00",
        "duration_months": "84", "committee_date": f"{NEXT_YEAR}-01-12",
        "comment": "Marges solides."})
    assert done.status_code == 303 and done.headers["location"].endswith(
        "?done=recommended#committee")
    page = cepac.get(done.headers["location"]).text
    assert "Votre proposition a été transmise au comité." in page
    assert f"Comité du 12 janvier {NEXT_YEAR}" in page and "Marges solides." in page
    assert "Un membre du comité enregistre sa décision" in page
    assert 'id="d-minutes"' not in cepac.get(base + "?decision=approve").text

    member = browser(client, "cepac-comite@demo.example")
    form = member.get(base + "?decision=approve").text
    assert "Décision du comité" in form and 'id="d-minutes"' in form
    assert 'value="180 000,00"' in form  # the recommended terms, ready to confirm
    terms = {"outcome": "approve", "instrument": "bank_loan", "amount_eur": "180 000,00",
             "duration_months": "84"}
    unsigned = post(member, base + "/decision", terms)
    assert unsigned.status_code == 422 and "Procès-verbal du comité" in unsigned.text
    signed = post(member, base + "/decision", {**terms, "minutes": "Unanimité des présents."})
    assert signed.status_code == 303, signed.text
    page = member.get(base).text
    assert "Procès-verbal du comité : Unanimité des présents." in page


def test_the_partner_plans_a_session_and_the_founder_sees_the_date(
        client, founder, sessions):
    routes = delivered(client, founder, sessions, "Lumiphase", ("cepac",))
    api = login(client, "cepac@demo.example")
    for body in ({"type": "opened"}, {"type": "recommended", "recommendation": "approve",
                                      "committee_date": f"{NEXT_YEAR}-01-12"}):
        assert client.post(f"/api/v1/routes/{routes['cepac']}/events", headers=api,
                           json=body).status_code == 201
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get("/committees/cepac")
    assert page.status_code == 200
    assert "Le comité de Caisse d&#39;Epargne CEPAC" in page.text and "Lumiphase" in page.text
    assert "cepac-comite@demo.example" in page.text

    past = post(cepac, "/committees/cepac", {"day": "2020-01-12", "time": "14:30",
                                              "route_ids": routes["cepac"]})
    assert past.status_code == 422 and "Choisissez une date et une heure à venir." in past.text
    empty = post(cepac, "/committees/cepac", {"day": f"{NEXT_YEAR}-01-12", "time": "14:30"})
    assert "Cochez au moins un dossier pour l&#39;ordre du jour." in empty.text
    planned = post(cepac, "/committees/cepac", {
        "day": f"{NEXT_YEAR}-01-12", "time": "14:30", "duration_minutes": "60",
        "place": "Siège, Marseille", "route_ids": routes["cepac"]})
    assert planned.status_code == 303, planned.text
    page = cepac.get(planned.headers["location"]).text
    assert "Séance planifiée" in page and f"12 janvier {NEXT_YEAR} à 14 h 30" in page

    status = browser(client, "founder@demo.example").get(f"/founder/dossiers/{routes['id']}")
    assert f"Passage en comité le 12 janvier {NEXT_YEAR} à 14 h 30" in status.text
    assert "Dossier présenté au comité du partenaire" in status.text
    assert "Marges" not in status.text and "Accorder" not in status.text

    staff = browser(client, "staff@demo.example")
    assert f"12 janvier {NEXT_YEAR} à 14 h 30" in staff.get("/committees/cepac").text
    assert browser(client, "bpmed@demo.example").get("/committees/cepac").status_code == 404


def test_staff_seat_a_reviewer_on_the_committee(client, sessions):
    staff = browser(client, "staff@demo.example")
    page = staff.get("/staff/reviewers").text
    assert "Siège au comité" in page and "Nommer au comité" in page
    with sessions() as db:
        reviewer = db.scalar(select(User).where(User.email == "bpmed@demo.example"))
    try:
        seated = post(staff, f"/staff/reviewers/{reviewer.id}/committee", {"committee": "on"})
        assert seated.status_code == 303
        with sessions() as db:
            assert db.get(User, reviewer.id).committee is True
        assert "Participation au comité enregistrée pour bpmed@demo.example" in staff.get(
            seated.headers["location"]).text
        assert post(staff, f"/staff/reviewers/{reviewer.id}/committee", {}).status_code == 303
    finally:
        with transaction(sessions) as db:
            db.get(User, reviewer.id).committee = False
    with sessions() as db:
        assert db.get(User, reviewer.id).committee is False
        assert db.get(Partner, "cepac").config["committee"]["above_eur"] == "500000.00"


def test_where_a_committee_is_optional_the_form_opens_on_request(client, founder, sessions):
    routes = delivered(client, founder, sessions, "Lumiphase", ("cepac",))  # 200 000 € < 500 000
    base = f"/reviewer/routes/{routes['cepac']}"
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(base).text
    assert f'href="{base}?propose=1#committee"' in page and 'id="c-amount"' not in page
    assert 'id="d-amount"' in cepac.get(base + "?decision=approve").text  # decides alone
    assert 'id="c-amount"' in cepac.get(base + "?propose=1").text
