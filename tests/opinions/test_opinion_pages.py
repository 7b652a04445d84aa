"""The "expert opinions" part of the reviewer's route page: invite, see each invitation's
state and the opinion, revoke; errors named beside their field."""

from __future__ import annotations

import re
from datetime import timedelta

from dossier.opinions import today
from tests.helpers import browser
from tests.opinions.conftest import EXPERT, QUESTION, in_days, invite, page_csrf


def opinions_part(html: str) -> str:
    """The page's "expert opinions" section."""
    return html.split('<section id="opinions"', 1)[1].split("</section>", 1)[0]


def test_a_reviewer_invites_an_expert_from_the_route_page(client, delivered, sessions, smtp):
    rid = delivered.routes["cepac"]
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(f"/reviewer/routes/{rid}")
    part = opinions_part(page.text)
    assert "Avis d&#39;expert" in part and "Aucun avis demandé." in part
    assert f'max="{(today() + timedelta(days=90)).isoformat()}"' in part
    csrf = page_csrf(page.text)

    bad = cepac.post(f"/reviewer/routes/{rid}/opinions", data={
        "csrf": csrf, "email": "pas-une-adresse", "question": QUESTION,
        "expires_on": in_days(0)})
    assert bad.status_code == 422
    assert "Erreur" in bad.text.split("</title>")[0]
    alert = bad.text.split('class="rv-alert"', 1)[1].split("</div>", 1)[0]
    assert 'href="#op-email"' in alert and "Adresse e-mail de l&#39;expert" in alert
    assert 'href="#op-expires"' in alert and "postérieure à aujourd&#39;hui" in alert
    part = opinions_part(bad.text)
    assert re.search(r'id="op-email"[^>]*aria-invalid="true"', part)
    assert 'value="pas-une-adresse"' in part and QUESTION in part  # what was typed stays
    assert smtp.messages == []

    # A date typed the French way, where the browser has no date picker.
    day = today() + timedelta(days=10)
    sent = cepac.post(f"/reviewer/routes/{rid}/opinions", data={
        "csrf": csrf, "email": EXPERT, "question": QUESTION,
        "expires_on": day.strftime("%d/%m/%Y")}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].endswith("?opinion=invited#opinions")
    assert smtp.wait_for(1)[0].rcpt_tos == [EXPERT]
    part = opinions_part(cepac.get(sent.headers["location"]).text)
    assert "Invitation envoyée par e-mail." in part and EXPERT in part
    assert "En attente" in part and QUESTION in part

    revoke = re.search(r'action="(/reviewer/routes/[^"]+/revoke)"', part).group(1)
    gone = cepac.post(revoke, data={"csrf": csrf}, follow_redirects=False)
    assert gone.status_code == 303
    part = opinions_part(cepac.get(gone.headers["location"]).text)
    assert "Révoqué" in part and "/revoke" not in part
    again = cepac.post(revoke, data={"csrf": csrf})
    assert again.status_code == 409 and "retiré cette invitation" in again.text


def test_the_partners_part_in_english_and_closed_to_others(client, delivered, cepac):
    rid = delivered.routes["cepac"]
    invite(client, cepac, rid)
    english = browser(client, "cepac@demo.example")
    english.cookies.set("lang", "en")
    part = opinions_part(english.get(f"/reviewer/routes/{rid}").text)
    assert "Expert opinions" in part and "Awaiting the opinion" in part
    bpmed = browser(client, "bpmed@demo.example")
    csrf = page_csrf(bpmed.get("/reviewer").text)
    assert bpmed.post(f"/reviewer/routes/{rid}/opinions", data={
        "csrf": csrf, "email": EXPERT, "question": QUESTION, "expires_on": in_days(3)}
    ).status_code == 404
    founder = browser(client, "founder@demo.example")
    status_page = founder.get(f"/founder/dossiers/{delivered.dossier_id}").text
    assert QUESTION not in status_page and EXPERT not in status_page
