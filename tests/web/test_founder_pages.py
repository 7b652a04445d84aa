"""Founder pages: the wizard from the form definition, documents, partners, status, receipts."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from markupsafe import escape
from pypdf import PdfReader

from app.web.common.formdata import parse_section
from dossier.db import transaction
from dossier.services import users
from forms.definition import SECTIONS, section
from forms.formatting import format_money, format_pct
from forms.numbers import decimal_string
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import ALL_KINDS, full_dossier, minimal_pdf, page_post, ready_dossier, tiny_png

FOUNDER = "founder@demo.example"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def page_login(client, email: str = FOUNDER, password: str = DEMO_PASSWORD) -> str:
    """Log in through the form; the CSRF token of the session."""
    client.cookies.clear()
    r = page_post(client, "/login", {"email": email, "password": password})
    assert r.status_code == 200, r.text
    return csrf_of(client.get("/founder").text)


def new_dossier(client, csrf: str) -> str:
    r = client.post("/founder/dossiers/new", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    match = re.fullmatch(r"/founder/dossiers/([0-9a-f-]{36})/edit/company", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def content(client, headers, dossier_id: str) -> dict:
    r = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["content"]


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


# --- form fields <-> JSON -------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "sent"), [
    ("1 329 243,00", "1329243.00"), ("1\u202f329\u202f243,00 €", "1329243.00"),
    ("1\u00a0329\u00a0243,5", "1329243.5"), ("1.329.243,00", "1329243.00"),
    ("1,329,243.00", "1329243.00"), ("1329243.00", "1329243.00"), ("-210 000,00", "-210000.00"),
    ("42,5 %", "42.5"), ("douze", "douze"), ("1,2,3", "1,2,3"),
])
def test_amounts_typed_the_french_way_reach_the_service_as_decimal_strings(typed, sent):
    assert decimal_string(typed) == sent


def test_blank_rows_are_dropped_and_errors_find_their_row_again():
    form = _Form({"funding.total_need_eur": ["1 000,00"],
                  "funding.uses[0].label": ["R&D"], "funding.uses[0].amount_eur": ["600"],
                  "funding.uses[3].label": [""], "funding.uses[5].label": ["Salons"],
                  "funding.uses[5].amount_eur": ["4OO"]})
    parsed = parse_section(section("funding"), form)
    assert parsed.value == {"total_need_eur": "1000.00", "uses": [
        {"label": "R&D", "amount_eur": "600"}, {"label": "Salons", "amount_eur": "4OO"}]}
    assert parsed.form_name("funding.uses[1].amount_eur") == "funding.uses[5].amount_eur"
    assert parsed.typed["funding.uses[1].amount_eur"] == "4OO"


class _Form(dict):
    def getlist(self, key):
        return self.get(key, [])


# --- the wizard -----------------------------------------------------------------------------

def test_dashboard_lists_own_dossiers_and_creates_one(client):
    csrf = page_login(client)
    assert "Créer un nouveau dossier" in client.get("/founder").text
    dossier_id = new_dossier(client, csrf)
    page = client.get("/founder").text
    assert f"/founder/dossiers/{dossier_id}" in page and "Brouillon" in page
    assert client.post("/founder/dossiers/new", data={"csrf": "forged"}).status_code == 403


def test_wizard_renders_every_section_from_the_definition_in_french(client):
    dossier_id = new_dossier(client, page_login(client))
    for s in SECTIONS:
        r = client.get(f"/founder/dossiers/{dossier_id}/edit/{s.key}")
        assert r.status_code == 200, s.key
        html = r.text
        assert f">{escape(s.title.fr)}</h1>" in html, s.key
        if s.uploaded:
            assert r.url.path.endswith("/attachments")
            continue
        assert '<html lang="fr">' in html and 'name="csrf"' in html
        for f in s.fields:
            assert str(escape(f.label.fr)) in html, f.path
            if f.help:
                assert str(escape(f.help.fr)) in html, f.path
            for sub in f.items:
                assert str(escape(sub.label.fr)) in html, sub.path
        for label in ("Enregistrer", "Étape suivante"):
            assert f">{label}</button>" in html
        assert "<script>" not in html and "style=" not in html
    company = client.get(f"/founder/dossiers/{dossier_id}/edit/company").text
    assert '<label for="f-company-siren">SIREN</label>' in company
    assert ">SAS (société par actions simplifiée)</option>" in company
    assert 'data-autosave="/founder/dossiers/' in company
    english = client.get(f"/lang/en?next=/founder/dossiers/{dossier_id}/edit/company",
                         follow_redirects=True).text
    assert "Company name" in english and "Save" in english
    client.cookies.delete("lang")


def test_saving_a_section_stores_it_with_french_money(client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    r = client.post(f"/founder/dossiers/{dossier_id}/edit/company", data={
        "csrf": csrf, "company.legal_name": "Lumiphase", "company.siren": "843 152 760",
        "company.share_capital_eur": "1 329 243,00", "company.headcount": "14",
        "company.creation_date": "15/03/2021", "company.labels": ["jei", "deeptech"],
        "company.address.city": "Marseille", "company.address.country": "FR",
        "_action": "next"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/founder/dossiers/{dossier_id}/edit/founders"
    company = content(client, founder, dossier_id)["company"]
    assert company == {"legal_name": "Lumiphase", "siren": "843152760",
                       "share_capital_eur": "1329243.00", "headcount": 14,
                       "creation_date": "2021-03-15", "labels": ["jei", "deeptech"],
                       "address": {"city": "Marseille", "country": "FR"}}
    page = client.get(f"/founder/dossiers/{dossier_id}/edit/company").text
    assert 'value="1 329 243,00"' in page and 'value="jei" checked' in page


def test_invalid_siren_is_kept_as_typed_with_its_error_and_the_other_fields_are_saved(
        client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    r = client.post(f"/founder/dossiers/{dossier_id}/edit/company", data={
        "csrf": csrf, "company.legal_name": "Photonis Sud", "company.siren": "123456789",
        "company.share_capital_eur": "150 000,00"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=partial#errors")
    # the valid fields are in the dossier, the invalid SIREN is not
    assert content(client, founder, dossier_id) == {
        "schema_version": 1,
        "company": {"legal_name": "Photonis Sud", "share_capital_eur": "150000.00"}}
    # leaving the step and coming back (another device alike): the SIREN as typed, its error
    for html in (client.get(r.headers["location"]).text,
                 client.get(f"/founder/dossiers/{dossier_id}/edit/company").text):
        message = ("Le SIREN n'est pas valide : 9 chiffres, tels qu'ils figurent sur "
                   "l'extrait Kbis.")
        assert text_of(html, "e-f-company-siren") == str(escape(message))
        siren_input = re.search(r'<input id="f-company-siren"[^>]*>', html).group(0)
        assert 'value="123456789"' in siren_input and 'aria-invalid="true"' in siren_input
        assert 'aria-describedby="h-f-company-siren e-f-company-siren"' in siren_input
        assert 'value="Photonis Sud"' in html and 'value="150 000,00"' in html
        assert 'href="#f-company-siren"' in html  # the error summary links to the input
        assert str(escape("1 valeur à corriger ; le reste de l'étape est enregistré")) in html
    # corrected: no longer pending
    client.post(f"/founder/dossiers/{dossier_id}/edit/company", data={
        "csrf": csrf, "company.legal_name": "Photonis Sud", "company.siren": "843152760",
        "company.share_capital_eur": "150 000,00"})
    assert content(client, founder, dossier_id)["company"]["siren"] == "843152760"
    html = client.get(f"/founder/dossiers/{dossier_id}/edit/company").text
    assert 'aria-invalid="true"' not in html and 'class="error-summary"' not in html


def test_rows_are_added_and_removed_without_javascript(client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    url = f"/founder/dossiers/{dossier_id}/edit/founders"
    first = {"founders[0].first_name": "Camille", "founders[0].last_name": "Roux",
             "founders[0].equity_pct": "42,50", "founders[0].full_time": "true"}
    r = client.post(url, data={"csrf": csrf, "_action": "add:founders", **first})
    assert r.status_code == 200 and "?add=founders" in str(r.url)
    assert 'name="founders[1].first_name"' in r.text
    assert 'value="Camille"' in r.text and ">Ajouter une ligne</button>" in r.text
    assert content(client, founder, dossier_id)["founders"] == [
        {"first_name": "Camille", "last_name": "Roux", "equity_pct": "42.50",
         "full_time": True}]
    r = client.post(url, data={"csrf": csrf, "_action": "remove:founders:0", **first,
                               "founders[1].first_name": "Karim",
                               "founders[1].full_time": "false"})
    assert r.status_code == 200
    assert content(client, founder, dossier_id)["founders"] == [
        {"first_name": "Karim", "full_time": False}]
    assert 'value="Camille"' not in r.text and 'value="Karim"' in r.text


def test_autosave_answers_errors_by_loc_and_input(client, founder):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    url = f"/founder/dossiers/{dossier_id}/autosave/funding"
    body = {"funding.total_need_eur": "1 000,00",
            "funding.uses[0].label": "Prototype", "funding.uses[0].amount_eur": "600,00",
            "funding.uses[1].label": "",
            "funding.uses[2].label": "Salons", "funding.uses[2].amount_eur": "quatre cents"}
    assert client.post(url, data=body).status_code == 403  # no CSRF token
    r = client.post(url, data=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    answer = r.json()
    assert answer["saved"] is True and answer["kept"] == 1  # saved, but for one value
    assert [(e["loc"], e["name"], e["id"]) for e in answer["errors"]] == [
        ("funding.uses[1].amount_eur", "funding.uses[2].amount_eur",
         "f-funding-uses-2-amount_eur")]
    assert "1 329 243,00" in answer["errors"][0]["message"]
    assert content(client, founder, dossier_id)["funding"] == {
        "total_need_eur": "1000.00",
        "uses": [{"label": "Prototype", "amount_eur": "600.00"}, {"label": "Salons"}]}
    body["funding.uses[2].amount_eur"] = "400"
    r = client.post(url, data=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["saved"] is True and r.json()["errors"] == []
    assert r.json()["sections"]["funding"]["filled"] >= 1
    assert content(client, founder, dossier_id)["funding"]["uses"][1] == {
        "label": "Salons", "amount_eur": "400.00"}
    # an unbalanced plan is saved as a draft, with a warning
    r = client.post(url, data={**body, "funding.uses[2].amount_eur": "500"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["saved"] is True and r.json()["errors"] == []
    assert content(client, founder, dossier_id)["funding"]["uses"][1]["amount_eur"] == "500.00"
    assert "La somme des emplois" in r.json()["warnings"][0]["message"]
    assert r.json()["warnings"][0]["href"] == "#f-funding-uses"


# --- documents --------------------------------------------------------------------------------

def test_upload_list_replace_and_delete_documents(client, founder, store):
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    url = f"/founder/dossiers/{dossier_id}/attachments"
    pdf = minimal_pdf("Kbis")
    r = client.post(url, files={"file": ("kbis.pdf", pdf, "application/pdf")},
                    data={"kind": "kbis"},
                    headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert r.status_code == 201, r.text
    kbis = r.json()["attachment"]
    assert kbis["sha256"] == hashlib.sha256(pdf).hexdigest()
    # Without scripts: a plain multipart form, the token among its fields.
    r = client.post(url, files={"file": ("carte.png", tiny_png(), "image/png")},
                    data={"kind": "id_founder", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "added=" in r.headers["location"]
    refused = client.post(url, files={"file": ("x.png", tiny_png(), "image/png")},
                          data={"kind": "rib", "csrf": "forged"})
    assert refused.status_code == 403
    page = client.get(url).text
    for shown in ("Extrait Kbis", "kbis.pdf", "Pièce d&#39;identité du dirigeant",
                  "carte.png", kbis["sha256"][:12], "octets"):
        assert shown in page, shown
    assert len(client.get(f"/api/v1/dossiers/{dossier_id}/attachments",
                          headers=founder).json()) == 2
    wrong = client.post(url, files={"file": ("notes.txt", b"\x00\x01binary", "text/plain")},
                        data={"kind": "other", "csrf": csrf})
    assert wrong.status_code == 415 and 'role="alert"' in wrong.text
    new_pdf = minimal_pdf("Kbis 2")
    r = client.post(url, files={"file": ("kbis-2.pdf", new_pdf, "application/pdf")},
                    data={"kind": "kbis", "replace": kbis["id"], "csrf": csrf})
    assert r.status_code == 200 and "Pièce remplacée : kbis-2.pdf." in r.text
    listed = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
    assert sorted(a["filename"] for a in listed) == ["carte.png", "kbis-2.pdf"]
    png = next(a for a in listed if a["filename"] == "carte.png")
    got = client.get(f"{url}/{png['id']}")
    assert got.status_code == 200 and got.content == tiny_png()
    r = client.post(f"{url}/{png['id']}/delete", data={"csrf": csrf})
    assert r.status_code == 200 and "Pièce supprimée." in r.text
    assert [a["filename"] for a in client.get(f"/api/v1/dossiers/{dossier_id}/attachments",
                                             headers=founder).json()] == ["kbis-2.pdf"]


# --- partners and submission ------------------------------------------------------------------

def test_partner_page_explains_each_partners_verdict(client, founder):
    body = full_dossier()
    body["company"]["stage"] = "growth"
    dossier_id = ready_dossier(client, founder, body, kinds=("kbis", "statuts"))
    page_login(client)
    html = client.get(f"/founder/dossiers/{dossier_id}/partners").text
    for name in ("Banque de France", "Caisse d&#39;Epargne CEPAC", "Crédit Agricole Alpes",
                 "CIC", "BNP Paribas", "Banque Populaire Méditerranée",
                 "Aix-Marseille Provence Amorçage", "Marseille Innovation"):
        assert name in html, name
    assert html.count('name="consent"') == 8
    assert "dans la Métropole Aix-Marseille-Provence" in html
    assert "ce partenaire ne finance que les stades" in html  # AMPA refuses "growth"
    assert "Critères non remplis" in html and "Pièces à fournir" in html
    assert "Business plan" in html and "Table de capitalisation" in html
    assert 'id="p-cepac-choose" name="choose" value="cepac" checked' in html
    assert 'value="200 000,00"' in html


def test_submission_needs_consent_for_every_chosen_partner(client, founder):
    body = full_dossier()
    body["requests"] = []
    dossier_id = ready_dossier(client, founder, body, kinds=ALL_KINDS)
    csrf = page_login(client)
    url = f"/founder/dossiers/{dossier_id}/partners"
    choice = {"csrf": csrf, "choose": ["cepac", "bdf"], "instrument.cepac": "bank_loan",
              "amount.cepac": "200 000,00", "duration.cepac": "84",
              "instrument.bdf": "advice", "_action": "submit"}
    r = client.post(url, data={**choice, "consent": ["bdf"]})
    assert r.status_code == 422
    assert ("Cochez l&#39;accord de transmission à Caisse d&#39;Epargne CEPAC pour le "
            "déposer.") in r.text
    assert 'id="p-cepac-consent" name="consent" value="cepac" aria-invalid="true"' in r.text
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert view["status"] == "draft" and view["routes"] == []
    assert view["content"]["requests"] == [  # the choice itself is kept in the draft
        {"partner": "bdf", "instrument": "advice"},
        {"partner": "cepac", "instrument": "bank_loan", "amount_eur": "200000.00",
         "duration_months": 84}]

    r = client.post(url, data={**choice, "consent": ["bdf", "cepac"]}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/founder/dossiers/{dossier_id}?submitted=1"
    status = client.get(r.headers["location"]).text
    assert "Votre dossier est déposé" in status
    assert "Caisse d&#39;Epargne CEPAC" in status and "Banque de France" in status
    assert "En cours d&#39;envoi" in status and "Dossier déposé (version 1)" in status
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert view["status"] == "submitted"
    assert sorted(x["partner"] for x in view["routes"]) == ["bdf", "cepac"]


def test_submission_refusal_names_what_to_fix(client, founder):
    dossier_id = ready_dossier(client, founder, {"company": {"legal_name": "Tôt"}},
                               kinds=("kbis",))
    csrf = page_login(client)
    r = client.post(f"/founder/dossiers/{dossier_id}/partners", data={
        "csrf": csrf, "choose": ["bdf"], "instrument.bdf": "advice", "consent": ["bdf"],
        "_action": "submit"})
    assert r.status_code == 422
    assert "SIREN\u00a0: Ce champ est obligatoire." in r.text
    assert f'href="/founder/dossiers/{dossier_id}/edit/company#f-company-siren"' in r.text


# --- status: decisions, plan, messages, withdrawal, PDFs --------------------------------------

def submitted_dossier(client, founder, app) -> tuple[str, dict[str, str], str]:
    """A dossier submitted through the pages and delivered; its id, route ids, CSRF token."""
    dossier_id = ready_dossier(client, founder, kinds=ALL_KINDS)
    csrf = page_login(client)
    r = client.post(f"/founder/dossiers/{dossier_id}/partners", data={
        "csrf": csrf, "choose": ["cepac", "bpmed", "ampa", "mi-honor-loan", "bdf"],
        "instrument.cepac": "bank_loan", "amount.cepac": "200 000,00",
        "instrument.bpmed": "bank_loan", "amount.bpmed": "150 000,00",
        "instrument.ampa": "equity", "amount.ampa": "300 000,00",
        "instrument.mi-honor-loan": "honor_loan", "amount.mi-honor-loan": "50 000,00",
        "instrument.bdf": "advice",
        "consent": ["cepac", "bpmed", "ampa", "mi-honor-loan", "bdf"], "_action": "submit"},
        follow_redirects=False)
    assert r.status_code == 303, r.text
    app.state.dossier.dispatcher.run_pending()
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {x["state"] for x in routes} == {"delivered"}, routes
    return dossier_id, {x["partner"]: x["id"] for x in routes}, csrf


def reviewer_event(client, partner: str, route_id: str, body: dict) -> None:
    r = client.post(f"/api/v1/routes/{route_id}/events",
                    headers=login(client, f"{partner}@demo.example"), json=body)
    assert r.status_code == 201, r.text


def test_status_shows_decision_terms_and_plan_coverage(client, founder, app,
                                                       prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    reviewer_event(client, "cepac", route_of["cepac"], {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000",
        "rate_pct": "3.45", "duration_months": 84,
        "conditions": "Caution personnelle des dirigeants à hauteur de 20 %."})
    reviewer_event(client, "bpmed", route_of["bpmed"], {
        "type": "declined", "reason": "risk_profile", "comment": "Endettement trop élevé."})
    html = client.get(f"/founder/dossiers/{dossier_id}").text
    assert "Financement accordé" in html and "Conditions accordées" in html
    for shown in (format_money("200000", "fr"), format_pct("3.45", "fr"), "84 mois",
                  "Caution personnelle des dirigeants à hauteur de 20 %.",
                  "Demande refusée", "Profil de risque", "Endettement trop élevé."):
        assert str(escape(shown)) in html, shown
    covered = re.search(r"<dd data-covered>([^<]*)</dd>", html).group(1)
    assert covered == format_money("200000.00", "fr")
    assert format_money("1329243.00", "fr") in html  # the need
    assert format_money("849243.00", "fr") in html  # 1 329 243 - 280 000 obtained - 200 000
    assert "Accordé" in html and format_pct("5.27", "fr") in html


def test_answering_an_information_request_and_withdrawing(client, founder, app,
                                                          prefect_harness):
    dossier_id, route_of, csrf = submitted_dossier(client, founder, app)
    ampa = route_of["ampa"]
    reviewer_event(client, "ampa", ampa, {
        "type": "info_requested", "request_kind": "missing_document",
        "message": "Merci de joindre la table de capitalisation à jour."})
    csrf = page_login(client)
    html = client.get(f"/founder/dossiers/{dossier_id}").text
    assert "Demande d&#39;information en attente de votre réponse" in html
    assert "Merci de joindre la table de capitalisation à jour." in html
    assert "Votre réponse à la demande d&#39;Aix-Marseille Provence Amorçage" in html
    cap = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
    cap_id = next(a["id"] for a in cap if a["kind"] == "cap_table")
    url = f"/founder/dossiers/{dossier_id}/routes/{ampa}/messages"
    empty = client.post(url, data={"csrf": csrf, "body": "  "})
    assert empty.status_code == 422 and "Ce champ ne peut pas être vide." in empty.text
    r = client.post(url, data={"csrf": csrf, "body": "La voici, à jour de mars.",
                               "attachment_ids": [cap_id]}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Message envoyé à Aix-Marseille Provence Amorçage." in page
    assert "La voici, à jour de mars." in page and "Vous avez répondu à la demande" in page
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {x["partner"]: x["state"] for x in routes}["ampa"] == "in_review"

    withdraw = f"/founder/dossiers/{dossier_id}/routes/{route_of['bdf']}/withdraw"
    r = client.post(withdraw, data={"csrf": csrf})
    assert r.status_code == 422 and "Cochez la case de confirmation" in r.text
    r = client.post(withdraw, data={"csrf": csrf, "confirm": "yes"})
    assert r.status_code == 200 and "Dossier retiré de Banque de France" in r.text
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    assert {x["partner"]: x["state"] for x in routes}["bdf"] == "withdrawn"


def test_amending_from_the_wizard_makes_a_new_version(client, founder, app,
                                                      prefect_harness):
    dossier_id, _, csrf = submitted_dossier(client, founder, app)
    url = f"/founder/dossiers/{dossier_id}/edit/company"
    page = client.get(url).text
    assert "les partenaires qui n&#39;ont pas encore décidé la reçoivent" in page
    check = client.post(f"/founder/dossiers/{dossier_id}/autosave/company",
                        data={"company.siren": "843152760", "company.headcount": "99"},
                        headers={"X-CSRF-Token": csrf})
    assert check.json()["checked_only"] is True and check.json()["saved"] is False
    assert check.json()["errors"]  # the rest of the company block is missing from this post
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["version"] == 1
    form = dict(re.findall(r'<input id="[^"]+" name="(company\.[^"]+)" type="[^"]+" '
                           r'value="([^"]*)"', page))
    form.update({"csrf": csrf, "company.legal_form": "SAS", "company.sector": "photonics",
                 "company.stage": "seed", "company.cluster": "optitec",
                 "company.labels": ["jei", "deeptech", "french_tech_tremplin"],
                 "company.headcount": "16"})
    r = client.post(url, data=form)
    assert r.status_code == 200 and "Nouvelle version 2 enregistrée" in r.text, r.text[:500]
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert view["version"] == 2 and view["content"]["company"]["headcount"] == 16


def test_pdf_and_deposit_receipt(client, founder, app, prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    r = client.get(f"/founder/dossiers/{dossier_id}/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    r = client.get(f"/founder/dossiers/{dossier_id}/receipt.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    digest = client.get(f"/api/v1/routes/{route_of['cepac']}",
                        headers=login(client, "cepac@demo.example")).json()["content_hash"]
    assert digest in text.replace("\n", "")
    for shown in ("Accusé de dépôt", "Lumiphase", "843152760", "Version déposée",
                  "Caisse d'Epargne CEPAC", "Banque de France", "Accord de transmission"):
        assert shown in text, shown


def test_a_draft_has_no_receipt(client, founder):
    dossier_id = ready_dossier(client, founder, kinds=())
    page_login(client)
    assert client.get(f"/founder/dossiers/{dossier_id}/receipt.pdf").status_code == 409
    assert "Voir le dossier" in client.get(f"/founder/dossiers/{dossier_id}").text
    preview = client.get(f"/founder/dossiers/{dossier_id}/preview")
    assert preview.status_code == 200 and "Lumiphase" in preview.text
    assert client.get("/founder/assets/dossier.css").status_code == 200
    assert client.get("/founder/assets/..%2Fpdf.py").status_code == 404


# --- access -----------------------------------------------------------------------------------

def test_another_founder_gets_404_on_every_page_of_the_dossier(client, founder, sessions, app,
                                                               prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    aid = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()[0]["id"]
    rid = route_of["cepac"]
    with transaction(sessions) as db:
        users.create_user(db=db, email="autre@startup.example", password="un-autre-secret",
                          role="founder")
    csrf = page_login(client, "autre@startup.example", "un-autre-secret")
    base = f"/founder/dossiers/{dossier_id}"
    for path in ("", "/edit/company", "/edit/funding", "/attachments", f"/attachments/{aid}",
                 "/partners", "/pdf", "/receipt.pdf", "/preview"):
        r = client.get(base + path)
        assert r.status_code == 404, path
        assert "Lumiphase" not in r.text, path
    for path in ("/edit/company", "/autosave/company", "/attachments",
                 f"/attachments/{aid}/delete", "/partners", f"/routes/{rid}/messages",
                 f"/routes/{rid}/withdraw"):
        r = client.post(base + path, data={"csrf": csrf, "body": "Bonjour", "confirm": "yes",
                                           "company.legal_name": "Piratage"},
                        headers={"X-CSRF-Token": csrf})
        assert r.status_code == 404, path
    assert "Lumiphase" not in client.get("/founder").text
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert routes["content"]["company"]["legal_name"] == "Lumiphase"
    assert {x["state"] for x in routes["routes"]} == {"delivered"}


def test_founder_pages_need_a_founder(client):
    r = client.get("/founder", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/founder"
    page_post(client, "/login", {"email": "cepac@demo.example", "password": DEMO_PASSWORD})
    r = client.get("/founder")
    assert r.status_code in (400, 403) and "ne permet pas cette action" in r.text


def test_a_second_dossier_for_the_same_siren_is_flagged_with_a_link_to_the_first(
        client, founder):
    first = client.post("/api/v1/dossiers", headers=founder,
                        json=full_dossier(name="Lumiphase (premier)")).json()["id"]
    second = client.post("/api/v1/dossiers", headers=founder,
                         json=full_dossier(name="Lumiphase (second)"))
    assert second.status_code == 201  # a warning, not a refusal
    csrf = page_login(client)
    assert csrf
    html = client.get(f"/founder/dossiers/{second.json()['id']}/edit/company").text
    assert str(escape("Vous avez déjà un autre dossier pour ce SIREN :")) in html
    assert f'href="/founder/dossiers/{first}"' in html and "Lumiphase (premier)" in html
    # dossiers of one company often bear one name: each says its status and last change
    assert re.search(r"Lumiphase \(premier\)</a> — Brouillon, modifié le "
                     r"\d+ \w+ 20\d\d à \d\d:\d\d", html), html


def test_partner_counts_read_in_correct_french_for_any_number(client, founder):
    """"1 critères et pièces sur 8" was read on a dossier just begun: the count is a figure
    after a label now, right for 0, 1 or more."""
    csrf = page_login(client)
    dossier_id = new_dossier(client, csrf)
    html = client.get(f"/founder/dossiers/{dossier_id}/partners").text
    counts = re.findall(r"Critères et pièces : (\d+) sur (\d+)", html)
    assert len(counts) >= 8 and any(met in ("0", "1") for met, _ in counts), counts
    assert not re.search(r"\d+ critères? et pièces? sur", html)
