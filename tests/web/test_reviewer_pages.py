"""Reviewer pages: the partner's inbox, the dossier page, its forms, files, notes and access."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from dossier.db import transaction, utcnow
from dossier.models import Route
from dossier.services import users
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import ALL_KINDS, browser, full_dossier, minimal_pdf, wait_until
from tests.routing.conftest import submit_delivered


@pytest.fixture
def settings(settings, prefect_harness):
    """Route in the background, with quick retries."""
    return settings.model_copy(update={"routing_in_background": True,
                                       "delivery_retry_delay": 0.2,
                                       "reconcile_interval": 0.5})


def dossier_body(name: str, sector: str, *partners: str, amount: str | None = None) -> dict:
    """The full dossier under another name and sector, asking only the given partners."""
    body = full_dossier(name=name, partners=partners)
    body["company"]["sector"] = sector
    if amount:
        for r in body["requests"]:
            if r["partner"] == "cepac":
                r["amount_eur"] = amount
    return body



def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def row_of(html: str, company: str) -> str:
    """The inbox line of a company."""
    rows = [r for r in html.split("<tr")[1:] if f">{company}</a>" in r]
    assert len(rows) == 1, company
    return rows[0].split("</tr>")[0]


def companies(html: str) -> list[str]:
    """Companies of the inbox, in the page's order."""
    return re.findall(r'<a href="/reviewer/routes/[0-9a-f-]+">([^<]+)</a>', html)


def api_state(client, headers, rid: str) -> str:
    return client.get(f"/api/v1/routes/{rid}/events", headers=headers).json()[-1]["to_state"]


def test_inbox_is_own_partner_filtered_searched_and_marked(client, founder, sessions):
    cases = (("Lumiphase", "photonics", ("cepac", "bpmed"), None, 10),
             ("Biotope Santé", "health", ("cepac",), "50000.00", 3),
             ("Numeria_Lab", "digital", ("cepac",), None, 40))
    route_of = {}
    for name, sector, partners, amount, _ in cases:
        route_of[name] = submit_delivered(client, founder, dossier_body(name, sector, *partners,
                                                              amount=amount))[1]
    now = utcnow()
    with transaction(sessions) as db:
        for name, *_, days in cases:
            db.get(Route, uuid.UUID(route_of[name]["cepac"])).delivered_at = now - timedelta(days)
    cepac = browser(client, "cepac@demo.example")

    page = cepac.get("/reviewer")
    assert page.status_code == 200
    assert companies(page.text) == ["Numeria_Lab", "Lumiphase", "Biotope Santé"]
    assert "Caisse d&#39;Epargne CEPAC" in page.text and "15 jours" in page.text
    assert all("Non lu" in row_of(page.text, n) for n in ("Numeria_Lab", "Lumiphase"))
    assert "Hors délai" in row_of(page.text, "Numeria_Lab")
    assert "Hors délai" not in row_of(page.text, "Lumiphase")
    assert "40 j" in row_of(page.text, "Numeria_Lab")

    def shown(**params) -> list[str]:
        r = cepac.get("/reviewer", params=params)
        assert r.status_code == 200, r.text
        return companies(r.text)

    assert shown(q=" lumi ") == ["Lumiphase"]
    assert shown(q="santé") == ["Biotope Santé"]
    assert shown(sector="health") == ["Biotope Santé"]
    assert shown(amount_max="100 000") == ["Biotope Santé"]
    assert shown(amount_min="100000,00") == ["Numeria_Lab", "Lumiphase"]
    assert shown(age="week") == ["Biotope Santé"]
    assert shown(age="month") == ["Lumiphase"]
    assert shown(age="older") == ["Numeria_Lab"]
    assert shown(q="inconnue") == [] and "Aucun dossier ne correspond" in cepac.get(
        "/reviewer", params={"q": "inconnue"}).text
    bad = cepac.get("/reviewer", params={"amount_min": "beaucoup"})
    assert bad.status_code == 200 and "« beaucoup » n&#39;est pas un nombre" in bad.text
    assert 'aria-invalid="true"' in bad.text

    # Opening a dossier marks it read and moves it to "opened".
    assert cepac.get(f"/reviewer/routes/{route_of['Lumiphase']['cepac']}").status_code == 200
    page = cepac.get("/reviewer").text
    assert "Non lu" not in row_of(page, "Lumiphase") and "Non lu" in row_of(page, "Numeria_Lab")
    assert shown(state="opened") == ["Lumiphase"]
    assert shown(state="delivered") == ["Numeria_Lab", "Biotope Santé"]

    bpmed = browser(client, "bpmed@demo.example")
    assert companies(bpmed.get("/reviewer").text) == ["Lumiphase"]
    for who in ("founder@demo.example", "staff@demo.example"):
        assert browser(client, who).get("/reviewer").status_code != 200
    anonymous = TestClient(client.app).get("/reviewer", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_dossier_page_opens_and_its_forms_change_the_state(client, founder):
    dossier_id, route_of = submit_delivered(client, founder,
                                  dossier_body("Lumiphase", "photonics", "cepac", "bpmed"))
    rid, api = route_of["cepac"], login(client, "cepac@demo.example")
    cepac = browser(client, "cepac@demo.example")

    page = cepac.get(f"/reviewer/routes/{rid}")
    assert page.status_code == 200
    for text in ("<h1>Lumiphase</h1>", "Entreprise", "Projet", "Besoin et plan de financement",
                 "Partenaires sollicités", "Pièces justificatives", "Raison sociale",
                 "Commencer l&#39;instruction", "Télécharger toutes les pièces (ZIP)",
                 "Demander des informations", "Accorder", "Refuser", "Envoyer",
                 "Ajouter la note", "Assigner", 'lang="fr"'):
        assert text in page.text, text
    assert cepac.get(f"/reviewer/routes/{rid}").status_code == 200
    events = [e["type"] for e in client.get(f"/api/v1/routes/{rid}/events", headers=api).json()]
    assert events == ["submitted", "delivered", "opened"]

    pdf = cepac.get(f"/reviewer/routes/{rid}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    files = client.get(f"/api/v1/routes/{rid}", headers=api).json()["attachments"]
    kbis = next(a for a in files if a["kind"] == "kbis")
    one = cepac.get(f"/reviewer/routes/{rid}/attachments/{kbis['id']}")
    assert one.status_code == 200 and one.content == minimal_pdf("kbis")
    assert "attachment" in one.headers["content-disposition"]
    assert cepac.get(f"/reviewer/routes/{rid}/attachments/{uuid.uuid4()}").status_code == 404

    csrf = csrf_of(page.text)
    # The decision is chosen first, then its terms are recorded.
    assert 'name="outcome" value="approve"' in cepac.get(
        f"/reviewer/routes/{rid}?decision=approve").text
    r = cepac.post(f"/reviewer/routes/{rid}/in-review", data={"csrf": csrf},
                   follow_redirects=False)
    assert r.status_code == 303 and api_state(client, api, rid) == "in_review"
    assert "Instruction commencée" in cepac.get(r.headers["location"]).text

    r = cepac.post(f"/reviewer/routes/{rid}/info-request",
                   data={"csrf": csrf, "request_kind": "", "message": ""})
    assert r.status_code == 422 and "Choisissez une option dans la liste." in r.text
    assert 'aria-invalid="true"' in r.text and api_state(client, api, rid) == "in_review"
    r = cepac.post(f"/reviewer/routes/{rid}/info-request",
                   data={"csrf": csrf, "request_kind": "missing_document",
                         "message": "Merci de joindre le bilan 2024."}, follow_redirects=False)
    assert r.status_code == 303 and api_state(client, api, rid) == "info_requested"
    page = cepac.get(f"/reviewer/routes/{rid}").text
    assert "Pièce manquante" in page and "Merci de joindre le bilan 2024." in page

    r = cepac.post(f"/reviewer/routes/{rid}/messages",
                   data={"csrf": csrf, "body": "Bonjour, une précision ?"})
    assert r.status_code == 200 and "Message envoyé." in r.text
    bodies = [m["body"] for m in client.get(f"/api/v1/routes/{rid}/messages",
                                            headers=founder).json()]
    assert bodies == ["Bonjour, une précision ?"]

    r = cepac.post(f"/reviewer/routes/{rid}/decision",
                   data={"csrf": csrf, "outcome": "approve", "instrument": "bank_loan",
                         "amount_eur": "180,000", "rate_pct": "3,5", "duration_months": "84"})
    assert r.status_code == 422 and "se lit de deux façons" in r.text
    assert api_state(client, api, rid) == "info_requested"
    # Typed as the wizard accepts it, with dots between the thousands.
    r = cepac.post(f"/reviewer/routes/{rid}/decision",
                   data={"csrf": csrf, "outcome": "approve", "instrument": "bank_loan",
                         "amount_eur": "180.000,00", "rate_pct": "3,5", "duration_months": "84",
                         "conditions": "Caution personnelle."}, follow_redirects=False)
    assert r.status_code == 303, r.text
    decision = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    decision = next(x for x in decision if x["id"] == rid)
    assert decision["state"] == "approved"
    assert decision["decision"]["amount_eur"] == "180000.00"
    assert decision["decision"]["rate_pct"] == "3.50"
    page = cepac.get(r.headers["location"]).text
    assert "Décision enregistrée" in page and "180" in page and "Caution personnelle." in page
    assert "Demander des informations</button>" not in page

    # An action the machine refuses is explained in French, not a crash.
    late = cepac.post(f"/reviewer/routes/{rid}/info-request",
                      data={"csrf": csrf, "request_kind": "question", "message": "Encore ?"})
    assert late.status_code == 409
    assert "Cette action n&#39;est plus possible : le dossier est à l&#39;état « Accordé »." \
        in late.text
    again = cepac.post(f"/reviewer/routes/{rid}/decision",
                       data={"csrf": csrf, "outcome": "decline", "reason": "other"})
    assert again.status_code == 409 and api_state(client, api, rid) == "approved"

    # The other partner declines with a reason.
    bpmed, bpmed_api = browser(client, "bpmed@demo.example"), login(client, "bpmed@demo.example")
    other = route_of["bpmed"]
    token = csrf_of(bpmed.get(f"/reviewer/routes/{other}").text)
    r = bpmed.post(f"/reviewer/routes/{other}/decision",
                   data={"csrf": token, "outcome": "decline", "reason": ""})
    assert r.status_code == 422 and "Choisissez une option dans la liste." in r.text
    r = bpmed.post(f"/reviewer/routes/{other}/decision", data={"csrf": token})
    assert r.status_code == 422 and "accorder ou de refuser" in r.text
    r = bpmed.post(f"/reviewer/routes/{other}/decision",
                   data={"csrf": token, "outcome": "decline", "reason": "too_early",
                         "comment": "Revenez après la première levée."}, follow_redirects=False)
    assert r.status_code == 303 and api_state(client, bpmed_api, other) == "declined"
    assert "Projet trop précoce" in bpmed.get(f"/reviewer/routes/{other}").text


def test_changes_since_the_version_read_are_shown_with_field_labels(client, founder, sessions):
    body = dossier_body("Lumiphase", "photonics", "cepac")
    body["company"]["headcount"] = 8
    dossier_id, route_of = submit_delivered(client, founder, body)
    rid = route_of["cepac"]
    cepac = browser(client, "cepac@demo.example")
    first = cepac.get(f"/reviewer/routes/{rid}").text
    assert "Modifications depuis" not in first

    content = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["content"]
    content["company"]["headcount"] = 11
    content["founders"][0]["role"] = "Présidente"
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=content)
    assert r.status_code == 200, r.text
    def delivered_version() -> int:
        with sessions() as db:
            return db.get(Route, uuid.UUID(rid)).delivered_version

    wait_until(delivered_version, lambda v: v == 2, what="CEPAC to have version 2", timeout=60,
               every=0.2)

    inbox = cepac.get("/reviewer").text
    assert "Nouvelle version" in row_of(inbox, "Lumiphase")  # (said instead of "Non lu")
    page = cepac.get(f"/reviewer/routes/{rid}").text
    assert "Modifications depuis votre dernière lecture" in page
    assert "version 1 → version 2" in page
    diff = page.split('id="changes"')[1].split("</section>")[0]
    assert "Effectif" in diff and "<del>8</del>" in diff and "<ins>11</ins>" in diff
    assert "Dirigeants et fondateurs n° 1 — " in diff and "Présidente" in diff
    assert "company.headcount" not in diff


def test_zip_holds_every_attachment(client, founder):
    _, route_of = submit_delivered(client, founder, dossier_body("Lumiphase", "photonics", "cepac"))
    cepac = browser(client, "cepac@demo.example")
    r = cepac.get(f"/reviewer/routes/{route_of['cepac']}/attachments.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "pieces-lumiphase-v1.zip" in r.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    by_name = {re.sub(r"^\d\d-", "", n): archive.read(n) for n in archive.namelist()}
    assert by_name == {f"{kind}.pdf": minimal_pdf(kind) for kind in ALL_KINDS}


def test_notes_and_assignment_stay_inside_the_partner(client, founder, sessions):
    dossier_id, route_of = submit_delivered(client, founder,
                                  dossier_body("Lumiphase", "photonics", "cepac", "bpmed"))
    rid = route_of["cepac"]
    with transaction(sessions) as db:
        colleague = users.create_user(db=db, email="camille@cepac.example", password=DEMO_PASSWORD,
                                      role="reviewer", partner_code="cepac",
                                      full_name="Camille Martin")
        colleague_id = str(colleague.id)
        stranger = users.get_by_email(db=db, email="bpmed@demo.example")
        stranger_id = str(stranger.id)
    cepac, bpmed = browser(client, "cepac@demo.example"), browser(client, "bpmed@demo.example")
    csrf = csrf_of(cepac.get(f"/reviewer/routes/{rid}").text)
    secret = "Note interne : vérifier la caution du dirigeant."
    r = cepac.post(f"/reviewer/routes/{rid}/notes", data={"csrf": csrf, "body": secret})
    assert r.status_code == 200 and secret.replace("'", "&#39;") in r.text
    r = cepac.post(f"/reviewer/routes/{rid}/notes", data={"csrf": csrf, "body": "  "})
    assert r.status_code == 422

    page = cepac.get(f"/reviewer/routes/{rid}").text
    assert "Camille Martin — camille@cepac.example" in page
    assert f'value="{stranger_id}"' not in page
    r = cepac.post(f"/reviewer/routes/{rid}/assign", data={"csrf": csrf, "assignee": stranger_id})
    assert r.status_code == 422 and "Choisissez un évaluateur de votre établissement." in r.text
    r = cepac.post(f"/reviewer/routes/{rid}/assign", data={"csrf": csrf, "assignee": colleague_id})
    assert r.status_code == 200 and "Attribution enregistrée." in r.text
    assert "Camille Martin" in row_of(cepac.get("/reviewer").text, "Lumiphase")
    colleague_page = browser(client, "camille@cepac.example").get(f"/reviewer/routes/{rid}")
    assert colleague_page.status_code == 200 and "vérifier la caution" in colleague_page.text
    r = cepac.post(f"/reviewer/routes/{rid}/assign", data={"csrf": csrf, "assignee": ""})
    assert r.status_code == 200 and "Camille Martin" not in row_of(cepac.get("/reviewer").text,
                                                                  "Lumiphase")

    # Neither the other partner nor the founder ever sees the note.
    own = bpmed.get(f"/reviewer/routes/{route_of['bpmed']}")
    assert own.status_code == 200 and "vérifier la caution" not in own.text
    token = csrf_of(own.text)
    assert bpmed.post(f"/reviewer/routes/{rid}/notes",
                      data={"csrf": token, "body": "intrusion"}).status_code == 404
    for path in (f"/api/v1/dossiers/{dossier_id}", f"/api/v1/routes/{rid}",
                 f"/api/v1/routes/{rid}/events", f"/api/v1/routes/{rid}/messages"):
        r = client.get(path, headers=founder)
        assert r.status_code == 200 and "caution du dirigeant" not in r.text, path
    founder_pages = browser(client, "founder@demo.example")
    for path in ("/founder", f"/founder/dossiers/{dossier_id}"):
        assert "caution du dirigeant" not in founder_pages.get(path).text


def test_other_partners_and_withdrawn_routes_answer_404(client, founder):
    dossier_id, route_of = submit_delivered(client, founder,
                                  dossier_body("Lumiphase", "photonics", "cepac", "bpmed"))
    rid = route_of["cepac"]
    api = login(client, "cepac@demo.example")
    kbis = next(a["id"] for a in client.get(f"/api/v1/routes/{rid}", headers=api).json()[
        "attachments"] if a["kind"] == "kbis")
    cepac, bpmed = browser(client, "cepac@demo.example"), browser(client, "bpmed@demo.example")
    pages = [f"/reviewer/routes/{rid}", f"/reviewer/routes/{rid}/pdf",
             f"/reviewer/routes/{rid}/attachments.zip",
             f"/reviewer/routes/{rid}/attachments/{kbis}"]
    forms = {"in-review": {}, "info-request": {"request_kind": "question", "message": "?"},
             "decision": {"outcome": "decline", "reason": "other"}, "messages": {"body": "Bonjour"},
             "notes": {"body": "Note"}, "assign": {"assignee": ""}}

    def all_404(who: TestClient) -> None:
        token = csrf_of(who.get("/reviewer").text)
        for path in pages:
            r = who.get(path)
            assert r.status_code == 404, path
        for name, data in forms.items():
            r = who.post(f"/reviewer/routes/{rid}/{name}", data={"csrf": token, **data})
            assert r.status_code == 404, name

    all_404(bpmed)
    assert bpmed.get(f"/reviewer/routes/{uuid.uuid4()}").status_code == 404
    assert bpmed.get("/reviewer/routes/not-a-uuid").status_code == 404
    assert "Page introuvable" in bpmed.get(pages[0]).text
    for path in pages:
        assert cepac.get(path).status_code == 200, path

    r = client.post(f"/api/v1/routes/{rid}/withdraw", headers=founder)
    assert r.status_code == 200, r.text
    all_404(cepac)
    assert "Lumiphase" not in companies(cepac.get("/reviewer").text)
    assert bpmed.get(f"/reviewer/routes/{route_of['bpmed']}").status_code == 200
    states = {x["partner"]: x["state"] for x in client.get(
        f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]}
    assert states == {"cepac": "withdrawn", "bpmed": "opened"}


def test_every_form_needs_the_csrf_token(client, founder):
    _, route_of = submit_delivered(client, founder, dossier_body("Lumiphase", "photonics", "cepac"))
    rid, api = route_of["cepac"], login(client, "cepac@demo.example")
    cepac = browser(client, "cepac@demo.example")
    forms = {"in-review": {}, "info-request": {"request_kind": "question", "message": "?"},
             "decision": {"outcome": "decline", "reason": "other"}, "messages": {"body": "Bonjour"},
             "notes": {"body": "Note"}, "assign": {"assignee": ""}}
    for name, data in forms.items():
        for token in (None, "forged"):
            sent = {**data, **({"csrf": token} if token else {})}
            r = cepac.post(f"/reviewer/routes/{rid}/{name}", data=sent)
            assert r.status_code == 403, (name, token)
    assert [e["type"] for e in client.get(f"/api/v1/routes/{rid}/events", headers=api).json()] \
        == ["submitted", "delivered"]
    assert client.get(f"/api/v1/routes/{rid}/messages", headers=api).json() == []
