"""An "outdated document" request names one document of the version the partner received: the
founder reads which one to replace and why, in the notice, on the status page and in the
thread; the reviewer's page offers it and shows it (API and page alike)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from dossier.formatting import format_date
from tests.conftest import login
from tests.helpers import browser
from tests.routing.dated_dossier import submit_with_dated_kbis


@pytest.fixture
def settings(settings):
    """Route in the test's thread; no periodic reminders behind the test's back."""
    return settings.model_copy(update={"routing_in_background": False, "reminder_interval": 0})


@pytest.fixture
def sent(client, founder, sessions) -> dict[str, str]:
    """A dossier sent to CEPAC with a Kbis that stops counting in 5 days."""
    issued = date.today() + timedelta(days=5) - relativedelta(months=3)
    return submit_with_dated_kbis(client, founder, sessions, ["cepac"], issued.isoformat()) | {
        "issued": issued.isoformat()}


def ask(client, route_id: str, **body) -> object:
    return client.post(f"/api/v1/routes/{route_id}/events",
                       headers={**login(client, "cepac@demo.example"), "Accept-Language": "fr"},
                       json={"type": "info_requested", "request_kind": "outdated",
                             "message": "Merci de fournir un Kbis de moins de 3 mois.", **body})


def test_the_request_names_the_document_and_the_founder_reads_which_and_why(
        client, founder, sent):
    r = ask(client, sent["cepac"], attachment_id=sent["kbis"])
    assert r.status_code == 201, r.text
    document = r.json()["payload"]["document"]
    assert document["id"] == sent["kbis"] and document["filename"] == "kbis-lumiphase.pdf"
    assert document["kind"] == "kbis" and document["issued_on"] == sent["issued"]

    [notice] = [n for n in client.get("/api/v1/notifications", headers=founder).json()["items"]
                if n["kind"] == "info_request"]
    assert "(document périmé)" in notice["body"]
    assert ("Document à remplacer\u00a0: Extrait Kbis «\u00a0kbis-lumiphase.pdf\u00a0», du "
            f"{format_date(sent['issued'], 'fr')}, accepté par Caisse d'Epargne CEPAC jusqu'au"
            in notice["body"])

    page = browser(client, "founder@demo.example").get(
        f"/founder/dossiers/{sent['dossier_id']}").text
    request_box = page.split('class="open-request"')[1].split("</div>")[0]
    assert "Document périmé" in request_box and "kbis-lumiphase.pdf" in request_box
    thread = page.split('class="messages"')[1].split("</ol>")[0]
    assert "Document à remplacer" in thread and "Document périmé" in thread

    reviewer = browser(client, "cepac@demo.example").get(f"/reviewer/routes/{sent['cepac']}").text
    thread = reviewer.split('class="rv-thread"')[1].split("</ol>")[0]
    assert "Document périmé" in thread and "Document à remplacer" in thread
    assert "kbis-lumiphase.pdf" in thread


def test_a_document_the_partner_did_not_receive_is_refused_naming_the_field(
        client, founder, sent):
    later = client.post(f"/api/v1/dossiers/{sent['dossier_id']}/attachments", headers=founder,
                        files={"file": ("new.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
                        data={"kind": "kbis"})
    for wrong in (str(uuid.uuid4()), "pas-un-identifiant",
                  later.json()["id"] if later.status_code == 201 else str(uuid.uuid4())):
        r = ask(client, sent["cepac"], attachment_id=wrong)
        assert r.status_code == 422, r.text
        [error] = r.json()["errors"]
        assert error["loc"] == "attachment_id" and "pièces du dossier" in error["msg"]
    states = client.get(f"/api/v1/routes/{sent['cepac']}/events",
                        headers=login(client, "cepac@demo.example")).json()
    assert states[-1]["to_state"] == "delivered"  # nothing recorded


def test_the_reviewers_form_offers_the_documents_received(client, sent):
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(f"/reviewer/routes/{sent['cepac']}").text
    options = page.split('id="info-document"')[1].split("</select>")[0]
    assert f'value="{sent["kbis"]}"' in options and "Extrait Kbis — kbis-lumiphase.pdf" in options
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = cepac.post(f"/reviewer/routes/{sent['cepac']}/info-request",
                   data={"csrf": csrf, "request_kind": "outdated", "message": "Kbis périmé.",
                         "attachment_id": str(uuid.uuid4())})
    assert r.status_code == 422 and 'aria-describedby="info-attachment_id-error' in r.text
    r = cepac.post(f"/reviewer/routes/{sent['cepac']}/info-request",
                   data={"csrf": csrf, "request_kind": "outdated", "message": "Kbis périmé.",
                         "attachment_id": sent["kbis"]}, follow_redirects=False)
    assert r.status_code == 303, r.text
    history = cepac.get(r.headers["location"]).text.split('id="history"')[1]
    assert "Document à remplacer" in history and "kbis-lumiphase.pdf" in history
