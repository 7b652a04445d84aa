"""The documents page asks each document's date and says, for the chosen partners, how long
it counts; an expired Kbis blocks the submission to a partner that wants a recent one."""

from __future__ import annotations

import re
from datetime import date, timedelta

from markupsafe import escape

from forms.formatting import format_date
from tests.helpers import full_dossier, minimal_pdf, ready_dossier
from tests.web.test_founder_pages import new_dossier, page_login

KINDS = ("statuts", "business_plan", "forecast", "rib")


def _upload(client, dossier_id: str, csrf: str, issued_on: str | None, *, kind: str = "kbis",
            script: bool = False):
    data = {"kind": kind} | ({"issued_on": issued_on} if issued_on is not None else {})
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"} if script else {}
    if not script:
        data["csrf"] = csrf
    return client.post(f"/founder/dossiers/{dossier_id}/attachments", data=data,
                       files={"file": (f"{kind}.pdf", minimal_pdf(kind), "application/pdf")},
                       headers=headers, follow_redirects=False)


def _listed(client, founder, dossier_id: str) -> list[dict]:
    return client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()


def test_the_form_asks_the_date_with_a_hint_for_the_kind(client):
    dossier_id = new_dossier(client, page_login(client))
    url = f"/founder/dossiers/{dossier_id}/attachments"
    html = client.get(url).text
    assert '<label for="issued_on">Date du document <span class="optional">' in html
    assert f'type="date" max="{date.today().isoformat()}"' in html
    assert str(escape("Kbis : date d'édition de l'extrait.")) in html
    accounts = client.get(url + "?kind=financial_statements").text
    hint = re.search(r"<span data-date-hint-text>([^<]*)</span>", accounts).group(1)
    assert hint == str(escape("Comptes annuels : date de clôture de l'exercice."))


def test_a_date_is_kept_and_shown_with_how_long_the_document_counts(client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    issued = date.today() - timedelta(days=10)
    r = _upload(client, dossier_id, csrf, issued.strftime("%d/%m/%Y"))
    assert r.status_code == 303, r.text
    [kbis] = _listed(client, founder, dossier_id)
    assert kbis["issued_on"] == issued.isoformat()
    html = client.get(r.headers["location"]).text
    last_day = date.fromisoformat(kbis["expires_on"]) - timedelta(days=1)
    assert f"Daté du {format_date(issued, 'fr')}" in html
    assert f"Valide jusqu&#39;au {format_date(last_day, 'fr')}" in html
    r = _upload(client, dossier_id, csrf, None, kind="statuts")
    assert r.status_code == 303
    assert "Sans limite de validité" in client.get(r.headers["location"]).text


def test_a_date_in_the_future_or_not_a_date_is_refused_naming_the_field(client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    r = _upload(client, dossier_id, csrf, tomorrow)
    assert r.status_code == 422
    assert "Date du document\u00a0: La date ne peut pas être postérieure" in r.text
    assert re.search(r'<input id="issued_on"[^>]*aria-invalid="true"', r.text)
    assert f'value="{tomorrow}"' in r.text  # what was typed stays in the form
    r = _upload(client, dossier_id, csrf, "31/02/2026")
    assert r.status_code == 422 and 'id="issued-error"' in r.text
    r = _upload(client, dossier_id, csrf, "hier", script=True)
    assert r.status_code == 422
    assert r.json()["field"] == "issued_on"
    assert r.json()["error"].startswith("Date du document\u00a0: ")
    assert _listed(client, founder, dossier_id) == []  # nothing stored


def test_an_expired_kbis_shows_expired_and_blocks_the_submission_to_cepac(client, founder):
    dossier_id = ready_dossier(client, founder, full_dossier(partners=["cepac"]), kinds=KINDS)
    csrf = page_login(client)
    issued = date.today() - timedelta(days=120)
    assert _upload(client, dossier_id, csrf, issued.isoformat()).status_code == 303
    html = client.get(f"/founder/dossiers/{dossier_id}/attachments").text
    expired_on = next(a["expires_on"] for a in _listed(client, founder, dossier_id)
                      if a["kind"] == "kbis")
    line = (f"Expiré depuis le {format_date(expired_on, 'fr')} pour Caisse d&#39;Epargne "
            "CEPAC (moins de 3 mois demandés)")
    assert line in html
    assert '<span class="badge declined">expirée</span> Extrait Kbis' in html
    assert "Ajouter une pièce récente" in html
    # the step list agrees with the checklist: an expired Kbis is not a document provided
    needed = len(_listed(client, founder, dossier_id))  # one PDF of each kind CEPAC wants
    assert f"{needed - 1} pièces fournies sur {needed}" in html or \
        f"{needed - 1} pièce fournie sur {needed}" in html, html[:3000]
    r = client.post(f"/founder/dossiers/{dossier_id}/partners", data={
        "csrf": csrf, "choose": ["cepac"], "instrument.cepac": "bank_loan",
        "amount.cepac": "200 000,00", "duration.cepac": "84", "consent": ["cepac"],
        "_action": "submit"})
    assert r.status_code == 422
    assert "Pièce « kbis.pdf » (Extrait Kbis) : expirée le" in r.text
    assert "pendant 3 mois" in r.text
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert view["status"] == "draft" and view["routes"] == []
    # a recent Kbis uploaded beside it: the submission goes through
    recent = (date.today() - timedelta(days=5)).isoformat()
    assert _upload(client, dossier_id, csrf, recent).status_code == 303
    r = client.post(f"/founder/dossiers/{dossier_id}/partners", data={
        "csrf": csrf, "choose": ["cepac"], "instrument.cepac": "bank_loan",
        "amount.cepac": "200 000,00", "duration.cepac": "84", "consent": ["cepac"],
        "_action": "submit"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
