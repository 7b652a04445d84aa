"""External opinions through the API and the expert's pages: the invitation's rules, what the
expert may read (its route's version, until its date), and who sees the opinion."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dossier.models import Notification, Opinion
from dossier.opinions import MAX_DAYS, today
from tests.audit.conftest import deliver_all
from tests.conftest import login
from tests.helpers import browser
from tests.opinions.conftest import (
    EXPERT,
    QUESTION,
    expert_browser,
    in_days,
    invite,
    link_of,
    page_csrf,
    set_expiry,
)

ANSWER = "Avis : la trésorerie tient 14 mois ; la subvention n'est pas indispensable."


def opinions_count(sessions) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(Opinion))


def test_an_invitation_names_each_wrong_field_and_stores_nothing(client, delivered, cepac,
                                                                 sessions):
    rid = delivered.routes["cepac"]
    url = f"/api/v1/routes/{rid}/opinions"
    good = {"email": EXPERT, "question": QUESTION, "expires_on": in_days(14)}
    cases = {
        "email": {**good, "email": "pas-une-adresse"},
        "question": {**good, "question": "  "},
        "expires_on": {**good, "expires_on": in_days(0)},  # today: not in the future
    }
    for field, body in cases.items():
        r = client.post(url, headers=cepac, json=body)
        assert r.status_code == 422, r.text
        assert [e["loc"] for e in r.json()["errors"]] == [field], r.text
    too_far = client.post(url, headers=cepac, json={**good, "expires_on": in_days(MAX_DAYS + 1)})
    assert too_far.status_code == 422
    assert too_far.json()["errors"][0]["loc"] == "expires_on"
    assert "90" in too_far.json()["errors"][0]["msg"]
    for body in ({**good, "expires_on": "demain"}, {**good, "expires_on": 1893456000},
                 {"email": EXPERT}, {**good, "extra": 1}, [good], "texte"):
        r = client.post(url, headers=cepac, json=body)
        assert r.status_code == 422, (body, r.text)
    english = client.post(url, headers={**cepac, "Accept-Language": "en"},
                          json={**good, "email": "x"})
    assert english.json()["errors"][0]["msg"] == "The e-mail address is not valid."
    assert opinions_count(sessions) == 0
    assert client.post(url, headers=cepac, json={**good, "expires_on": in_days(MAX_DAYS)}
                       ).status_code == 201


def test_only_the_routes_partner_invites_and_reads_its_opinions(client, delivered, cepac,
                                                               founder, staff, sessions):
    rid, other = delivered.routes["cepac"], delivered.routes["bpmed"]
    created = invite(client, cepac, rid)
    assert created["status"] == "pending" and created["version"] == 1
    assert created["invited_by"] == "cepac@demo.example" and created["answer"] is None
    listed = client.get(f"/api/v1/routes/{rid}/opinions", headers=cepac).json()
    assert [o["id"] for o in listed] == [created["id"]]
    bpmed = login(client, "bpmed@demo.example")
    body = {"email": EXPERT, "question": QUESTION, "expires_on": in_days(3)}
    refused = {  # another partner: as if the route did not exist; the founder, staff: never
        "bpmed": (bpmed, 404), "founder": (founder, 403), "staff": (staff, 403)}
    for who, (headers, status) in refused.items():
        assert client.get(f"/api/v1/routes/{rid}/opinions", headers=headers
                          ).status_code == status, who
        assert client.post(f"/api/v1/routes/{rid}/opinions", headers=headers, json=body
                           ).status_code == status, who
        assert client.post(f"/api/v1/routes/{rid}/opinions/{created['id']}/revoke",
                           headers=headers).status_code == status, who
    assert client.get(f"/api/v1/routes/{other}/opinions", headers=bpmed).json() == []
    # The same address again: the older link stops working.
    again = invite(client, cepac, rid)
    statuses = {o["id"]: o["status"] for o in client.get(
        f"/api/v1/routes/{rid}/opinions", headers=cepac).json()}
    assert statuses == {again["id"]: "pending", created["id"]: "revoked"}
    assert TestClient(client.app).get(link_of(sessions, created["id"]),
                                      follow_redirects=False).status_code == 409
    # Another route's id, or none, is not an opinion of this route.
    assert client.post(f"/api/v1/routes/{rid}/opinions/{uuid.uuid4()}/revoke",
                       headers=cepac).status_code == 404


def test_the_expert_reads_its_route_within_the_date_and_the_founder_sees_it(
        client, delivered, cepac, founder, sessions, smtp):
    rid = delivered.routes["cepac"]
    created = invite(client, cepac, rid)
    mail = smtp.wait_for(1)[0]
    assert mail.rcpt_tos == [EXPERT] and "Caisse d'Epargne CEPAC" in mail.subject
    assert QUESTION in mail.text and link_of(sessions, created["id"]) in mail.text
    expert = expert_browser(client, sessions, created["id"])
    page = expert.get(f"/expert/routes/{rid}")
    assert page.status_code == 200, page.text
    assert QUESTION in page.text and "Lumiphase" in page.text and "version 1" in page.text
    kbis = next(a for a in delivered.attachments if a["kind"] == "kbis")
    assert expert.get(f"/expert/routes/{rid}/pdf").status_code == 200
    document = expert.get(f"/expert/routes/{rid}/attachments/{kbis['id']}")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")

    log = client.get(f"/api/v1/dossiers/{delivered.dossier_id}/access-log",
                     headers=founder).json()
    got = [(i["email"], i["role"], i["partner"], i["kind"], i["version"], i["user_id"])
           for i in reversed(log["items"])]
    assert got == [(EXPERT, "expert", "cepac", kind, 1, None)
                   for kind in ("dossier", "pdf", "attachment")]
    status_page = browser(client, "founder@demo.example").get(
        f"/founder/dossiers/{delivered.dossier_id}")
    assert f"Expert invité par Caisse d&#39;Epargne CEPAC ({EXPERT})" in status_page.text
    # What the expert reads never reaches the partner's own read marks or events.
    events = client.get(f"/api/v1/routes/{rid}/events", headers=founder).json()
    assert [e["type"] for e in events] == ["submitted", "delivered"]


def test_after_the_date_the_expert_is_refused_with_409(client, delivered, cepac, sessions):
    rid = delivered.routes["cepac"]
    created = invite(client, cepac, rid)
    expert = expert_browser(client, sessions, created["id"])
    csrf = page_csrf(expert.get(f"/expert/routes/{rid}").text)
    set_expiry(sessions, created["id"], today() - timedelta(days=1))
    kbis = next(a for a in delivered.attachments if a["kind"] == "kbis")
    for path in ("", "/pdf", f"/attachments/{kbis['id']}"):
        r = expert.get(f"/expert/routes/{rid}{path}")
        assert r.status_code == 409, path
        assert "a expiré le" in r.text, path
    posted = expert.post(f"/expert/routes/{rid}/opinion", data={"csrf": csrf, "answer": ANSWER})
    assert posted.status_code == 409
    assert TestClient(client.app).get(link_of(sessions, created["id"]),
                                      follow_redirects=False).status_code == 409
    listed = client.get(f"/api/v1/routes/{rid}/opinions", headers=cepac).json()
    assert listed[0]["status"] == "expired" and listed[0]["answer"] is None
    # Its last day still counts, to its end.
    set_expiry(sessions, created["id"], today())
    assert expert.get(f"/expert/routes/{rid}").status_code == 200


def test_the_expert_reads_no_other_route_nor_another_version(client, delivered, cepac, founder,
                                                            sessions):
    rid = delivered.routes["cepac"]
    expert = expert_browser(client, sessions, invite(client, cepac, rid)["id"])
    kbis = next(a for a in delivered.attachments if a["kind"] == "kbis")
    for other in (delivered.routes["bpmed"], str(uuid.uuid4())):
        for path in ("", "/pdf", f"/attachments/{kbis['id']}"):
            r = expert.get(f"/expert/routes/{other}{path}")
            assert r.status_code == 409 and "autre dossier" in r.text, (other, path)
    assert expert.get(f"/expert/routes/{rid}/attachments/{uuid.uuid4()}").status_code == 404
    # The founder amends: the partner gets version 2, the expert still reads version 1.
    body = client.get(f"/api/v1/dossiers/{delivered.dossier_id}", headers=founder).json()
    content = body["content"]
    content["company"]["legal_name"] = "Lumiphase Deux"
    r = client.put(f"/api/v1/dossiers/{delivered.dossier_id}", headers=founder, json=content)
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    deliver_all(sessions)
    assert client.get(f"/api/v1/routes/{rid}", headers=cepac).json()["version"] == 2
    page = expert.get(f"/expert/routes/{rid}")
    assert page.status_code == 200 and "Lumiphase Deux" not in page.text
    assert "version 1" in page.text
    # Nobody else's browser gets in without the link; the reviewer's pages stay closed to it.
    assert TestClient(client.app).get(f"/expert/routes/{rid}").status_code == 401
    assert expert.get(f"/reviewer/routes/{rid}", follow_redirects=False).status_code == 303


def test_a_revoked_or_withdrawn_invitation_is_refused(client, delivered, cepac, founder,
                                                     sessions):
    rid = delivered.routes["cepac"]
    created = invite(client, cepac, rid)
    expert = expert_browser(client, sessions, created["id"])
    revoked = client.post(f"/api/v1/routes/{rid}/opinions/{created['id']}/revoke",
                          headers=cepac)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    page = expert.get(f"/expert/routes/{rid}")
    assert page.status_code == 409 and "retiré cette invitation" in page.text
    again = client.post(f"/api/v1/routes/{rid}/opinions/{created['id']}/revoke", headers=cepac)
    assert again.status_code == 409 and again.json()["code"] == "opinion_revoked"
    # A withdrawal ends the expert's access with the partner's.
    second = expert_browser(client, sessions, invite(client, cepac, rid,
                                                     email="autre@cabinet.example")["id"])
    assert second.get(f"/expert/routes/{rid}").status_code == 200
    assert client.post(f"/api/v1/routes/{rid}/withdraw", headers=founder).status_code == 200
    assert second.get(f"/expert/routes/{rid}").status_code == 404


def test_the_opinion_is_the_partners_alone(client, delivered, cepac, founder, staff, sessions):
    rid = delivered.routes["cepac"]
    created = invite(client, cepac, rid)
    expert = expert_browser(client, sessions, created["id"])
    page = expert.get(f"/expert/routes/{rid}")
    csrf = page_csrf(page.text)
    assert expert.post(f"/expert/routes/{rid}/opinion", data={"answer": ANSWER}
                       ).status_code == 403  # no CSRF token
    empty = expert.post(f"/expert/routes/{rid}/opinion", data={"csrf": csrf, "answer": " "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    given = expert.post(f"/expert/routes/{rid}/opinion", data={"csrf": csrf, "answer": ANSWER},
                        follow_redirects=False)
    assert given.status_code == 303
    shown = expert.get(given.headers["location"])
    assert "Merci" in shown.text and ANSWER.replace("'", "&#39;") in shown.text
    assert 'name="answer"' not in shown.text  # given once
    twice = expert.post(f"/expert/routes/{rid}/opinion", data={"csrf": csrf, "answer": "bis"})
    assert twice.status_code == 409

    listed = client.get(f"/api/v1/routes/{rid}/opinions", headers=cepac).json()
    assert listed[0]["status"] == "answered" and listed[0]["answer"] == ANSWER
    reviewer_page = browser(client, "cepac@demo.example").get(f"/reviewer/routes/{rid}")
    assert ANSWER.replace("'", "&#39;") in reviewer_page.text
    with sessions() as db:
        told = list(db.scalars(select(Notification).where(Notification.kind == "opinion")))
    assert len(told) == 1 and told[0].link.endswith("#opinions")
    assert EXPERT in told[0].subject

    # Never the founder (route, events, messages, status page), another partner nor staff.
    secret = ANSWER[:30]
    founder_reads = [client.get(f"/api/v1/routes/{rid}{p}", headers=founder).text
                     for p in ("", "/events", "/messages")]
    founder_reads.append(browser(client, "founder@demo.example").get(
        f"/founder/dossiers/{delivered.dossier_id}").text)
    founder_reads.append(client.get(f"/api/v1/dossiers/{delivered.dossier_id}",
                                    headers=founder).text)
    staff_reads = [client.get(f"/api/v1/routes/{rid}", headers=staff).text,
                   browser(client, "staff@demo.example").get("/staff").text]
    bpmed = login(client, "bpmed@demo.example")
    bpmed_reads = [client.get(f"/api/v1/routes/{delivered.routes['bpmed']}", headers=bpmed).text,
                   client.get("/api/v1/inbox", headers=bpmed).text]
    for text in founder_reads + staff_reads + bpmed_reads:
        assert secret not in text and QUESTION[:30] not in text
