"""Staff pages: dashboard, charts, exports (direct and in the background), partner catalogue."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.exports import COLUMNS
from app.web.staff.criteria import CRITERIA
from banks.catalogue import EligibilityRules
from dossier.db import transaction, utcnow
from dossier.models import Dossier, Partner, Role, Route
from dossier.services import users
from forms.formatting import format_money, paris
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import page_post, wait_until

SVG = "{http://www.w3.org/2000/svg}"
STAFF_PATHS = ("/staff", "/staff/charts/funnel.svg", "/staff/export.csv", "/staff/export.xlsx",
               "/staff/exports", "/staff/partners", "/staff/partners/cepac")


def log_in(client, email: str = "staff@demo.example") -> str:
    """Open a page session; returns the CSRF token of the session."""
    client.cookies.clear()
    r = page_post(client, "/login", {"email": email, "password": DEMO_PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)


def cells(page: str, row_id: str) -> list[str]:
    """The text of each cell of one table row."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S).group(1)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


@pytest.fixture
def pipeline_data(sessions):
    """Dossiers and routes written straight into the database, with known times."""
    now = utcnow()
    start, day = now - timedelta(days=60), timedelta(days=1)
    founder = None
    with transaction(sessions) as db:
        founder = users.get_by_email(db=db, email="founder@demo.example")

        def dossier(name: str, status: str = "submitted") -> Dossier:
            d = Dossier(owner_id=founder.id, status=status, company_name=name, sector="health",
                        content={}, current_version=1 if status == "submitted" else None)
            db.add(d)
            db.flush()
            return d

        def route(d: Dossier, partner: str, state: str, delivered, first=None, decided=None,
                  amount: int = 100_000, approved: int | None = None,
                  conditional_on: tuple[str, ...] = ()) -> None:
            decision = None
            if state == "approved":
                decision = {"instrument": "bank_loan", "amount_cents": approved * 100}
                if conditional_on:
                    decision["conditional_on"] = [{"partner": p} for p in conditional_on]
            elif state == "declined":
                decision = {"reason": "too_early"}
            db.add(Route(dossier_id=d.id, partner_code=partner, state=state,
                         instrument="bank_loan", amount_cents=amount * 100, consent_version=1,
                         consent_at=now, delivered_version=1, decision=decision,
                         delivered_at=delivered, first_action_at=first, decided_at=decided))

        dossier("Brouillon SAS", status="draft")
        dossier("Autre brouillon", status="draft")
        main, biotope, numeria = dossier("Héliotrope"), dossier("Biotope"), dossier("Numeria")
        # CEPAC: first actions after 1, 3, 10 days; decisions after 2, 20 (> SLA 15), 12 days.
        route(main, "cepac", "approved", start, start + day, start + 2 * day, 200_000, 200_000)
        route(biotope, "cepac", "approved", start, start + 3 * day, start + 20 * day,
              150_000, 150_000)
        route(numeria, "cepac", "approved", start, start + 10 * day, start + 12 * day,
              250_000, 100_000, conditional_on=("mi-honor-loan", "ampa"))
        route(main, "bpmed", "declined", start, start + day / 2, start + day / 2)
        route(main, "ampa", "info_requested", now - day, now - day / 2)
        route(main, "mi-honor-loan", "opened", now - 30 * day, now - 29 * day)  # SLA 21 days
        route(main, "bdf", "delivered", now - 8 * day)  # SLA 5 days, nobody looked
        route(biotope, "cic", "withdrawn", now - 100 * day)
        route(numeria, "bnp-paribas", "queued", None)
    return {"now": now}


def test_dashboard_shows_counts_medians_amounts_and_stuck_routes(client, pipeline_data):
    log_in(client)
    r = client.get("/staff")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    # routed, opened, in review, info requested, approved, declined, medians, SLA breaches
    assert cells(page, "partner-cepac") == [
        "Caisse d'Epargne CEPAC cepac", "3", "3", "0", "0", "3", "0", "3,0", "12,0", "1"]
    assert cells(page, "partner-bpmed")[1:] == ["1", "1", "0", "0", "0", "1", "0,5", "0,5", "0"]
    assert cells(page, "partner-bdf")[1:] == ["1", "0", "0", "0", "0", "0", "—", "—", "1"]
    assert cells(page, "partner-mi-honor-loan")[7:] == ["1,0", "—", "1"]
    assert cells(page, "partner-ca-alpes-provence")[1] == "0"
    # Amounts in French money format, and the share approved
    for amount in ("600000", "450000"):
        assert format_money(amount, "fr") in page
    assert "75,00" in page
    # Stuck routes: longest waiting first, with company, partner and waiting days
    stuck = page[page.index('id="stuck-title"'):page.index('id="amounts-title"')]
    assert stuck.index("Marseille Innovation") < stuck.index("Banque de France")
    assert "Héliotrope" in stuck and "30,0" in stuck and "8,0" in stuck
    assert "Caisse d&#39;Epargne" not in stuck
    # The funnel's numbers are in a table too (its text alternative), and in the image's alt
    funnel = page[page.index('id="funnel-title"'):page.index('id="partners-title"')]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', funnel))
    assert rows == {"Brouillons": "2", "Déposés": "3", "Reçues": "7", "En instruction": "2",
                    "Décidées": "4"}
    alt = re.search(r'<img src="/staff/charts/funnel.svg" alt="([^"]+)"', funnel).group(1)
    assert "Brouillons : 2 dossiers" in html.unescape(alt)
    assert '<script>' not in page


def test_funnel_chart_is_valid_svg_with_its_labels(client, pipeline_data):
    log_in(client)
    r = client.get("/staff/charts/funnel.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "script-src" not in r.headers["content-security-policy"]
    root = ET.fromstring(r.content)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    for label in ("Brouillons", "Déposés", "Reçues", "En instruction", "Décidées",
                  "Dossiers", "Demandes aux partenaires"):
        assert label in texts
    for count in ("2", "3", "7", "4"):
        assert count in texts
    assert root.find(f"{SVG}title").text == "Du brouillon à la décision"
    assert not any(el.tag.endswith(("script", "foreignObject")) for el in root.iter())
    assert not any(name.lower().startswith("on") for el in root.iter() for name in el.attrib)
    narrow = ET.fromstring(client.get("/staff/charts/funnel.svg?size=narrow").content)  # noqa: S314
    assert "Décidées" in ["".join(t.itertext()).strip() for t in narrow.iter(f"{SVG}text")]
    assert float(narrow.get("width").removesuffix("pt")) < float(root.get("width")[:-2])
    amounts = ET.fromstring(client.get("/staff/charts/amounts.svg").content)  # noqa: S314
    labels = ["".join(t.itertext()) for t in amounts.iter(f"{SVG}text")]
    assert "Caisse d'Epargne CEPAC" in labels and "Accordé" in labels


def test_exports_download_the_same_files_as_the_api(client, pipeline_data):
    api = client.get("/api/v1/pipeline/export.csv?format=codes",
                     headers=login(client, "staff@demo.example")).content
    log_in(client)
    r = client.get("/staff/export.csv?format=codes")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="pipeline-codes.csv"' in r.headers["content-disposition"]
    assert r.content == api
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8")), delimiter=","))
    assert rows[0] == list(COLUMNS) and len(rows) == 1 + 9
    r = client.get("/staff/export.csv")
    assert 'filename="pipeline.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Référence de la demande" and len(rows) == 1 + 9
    r = client.get("/staff/export.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Partenaires", "Demandes", "Lisez-moi"]
    assert len(list(book["Demandes"].iter_rows(values_only=True))) == 1 + 9


def test_exports_are_french_deliverables(client, pipeline_data):
    """French headers and labels, dates as dates (Paris), amounts as numbers in euros, widths,
    frozen header, filters, a Lisez-moi sheet; the CSV for French Excel."""
    log_in(client)
    book = load_workbook(io.BytesIO(client.get("/staff/export.xlsx").content))
    sheet = book["Demandes"]
    header = [c.value for c in sheet[1]]
    assert header == ["Référence de la demande", "Référence du dossier", "Entreprise", "Filière",
                      "Partenaire", "État", "Instrument", "Montant demandé", "Montant accordé",
                      "Motif du refus", "Déposé le", "Reçu le", "Première action le",
                      "Décidé le", "Nature", "Montant accepté", "Montant versé",
                      "Sous condition de"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:R10"
    assert sheet.column_dimensions["C"].width >= 25 and sheet.column_dimensions["H"].width >= 15
    by_company = {}
    for row in sheet.iter_rows(min_row=2):
        by_company.setdefault(row[2].value, []).append(dict(zip(header, row, strict=True)))
    approved = next(r for r in by_company["Héliotrope"] if r["État"].value == "Accordé")
    assert approved["Partenaire"].value == "Caisse d'Epargne CEPAC"
    assert approved["Filière"].value == "Santé" and approved["Instrument"].value == "Prêt bancaire"
    amount = approved["Montant accordé"]
    assert amount.data_type == "n" and amount.value == 200000
    assert amount.number_format == '#,##0.00\\ "€"'
    decided = approved["Décidé le"]
    assert isinstance(decided.value, datetime) and decided.number_format == "dd/mm/yyyy hh:mm"
    stored = pipeline_data["now"] - timedelta(days=58)  # start + 2 days, in UTC
    assert abs(decided.value - paris(stored).replace(tzinfo=None)) < timedelta(seconds=1)
    declined = next(r for rows in by_company.values() for r in rows
                    if r["État"].value == "Refusé")
    assert declined["Motif du refus"].value == "Projet trop précoce"
    conditional = next(r for r in by_company["Numeria"] if r["État"].value == "Accordé")
    assert conditional["Sous condition de"].value == (  # partners' names, never their codes
        "Marseille Innovation — prêt d'honneur à l'innovation, Aix-Marseille Provence Amorçage")
    assert declined["Nature"].value == "Demande de financement"
    summary = book["Partenaires"]
    assert [c.value for c in summary[1]][:3] == ["Partenaire", "Reçues", "Ouvertes"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref
    cepac = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "Caisse d'Epargne CEPAC")
    assert cepac[12].data_type == "n" and cepac[12].number_format == '#,##0.00\\ "€"'
    lines = list(book["Lisez-moi"].iter_rows(values_only=True))
    readme = dict(lines)
    assert readme["Exporté par"] == "staff@demo.example"
    assert re.fullmatch(r"\d{1,2} \w+ \d{4} à \d{2}:\d{2}", readme["Exporté le"])
    assert readme["Filtres"].startswith("Aucun")
    assert ("Montant accordé", "Montant accordé par le partenaire, en euros (vide tant qu'il "
            "n'a pas accordé).") in lines
    assert ("Colonne", "Signification") in lines and ("Feuille « Demandes »", None) in lines
    assert "?format=codes" in readme["Pour les intégrateurs"]

    raw = client.get("/staff/export.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == header and len(lines) == 10
    line = next(x for x in lines if x[0] == approved["Référence de la demande"].value)
    assert line[5] == "Accordé" and line[8] == "200000,00"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", line[13])


def wait_done(client, job_url: str, timeout: float = 30) -> dict:
    return wait_until(lambda: client.get(f"{job_url}/status").json(),
                      lambda status: status["status"] in ("done", "failed"),
                      what="the export to finish", timeout=timeout, every=0.05)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_background_export_reaches_100_percent_and_downloads(client, sessions, pipeline_data,
                                                             fmt):
    csrf = log_in(client)
    assert client.post("/staff/exports", data={"format": fmt}).status_code == 403  # no CSRF
    r = client.post("/staff/exports", data={"format": fmt, "csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303
    job_url = r.headers["location"]
    page = client.get(job_url).text
    assert f'href="{job_url}"' in page  # the refresh link works without JavaScript
    assert "/static/staff-exports.js" in page and "<progress" in page
    status = wait_done(client, job_url)
    assert status["status"] == "done" and status["percent"] == 100
    assert status["done"] == status["total"] == 9
    page = client.get(job_url).text
    assert 'value="100"' in page and "100\xa0%" in page and "Export prêt." in page
    assert f'href="{job_url}/download"' in page
    assert job_url in client.get("/staff/exports").text
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200
    if fmt == "csv":
        assert download.content == client.get("/staff/export.csv").content
    else:
        book = load_workbook(io.BytesIO(download.content))
        assert len(list(book["Demandes"].iter_rows(values_only=True))) == 1 + 9
    # Another staff member cannot see it
    with transaction(sessions) as db:
        users.create_user(db=db, email="autre.staff@example.org", password="un-mot-de-passe",
                          role=Role.staff)
    client.cookies.clear()
    page_post(client, "/login", {"email": "autre.staff@example.org",
                                "password": "un-mot-de-passe"})
    for path in (job_url, f"{job_url}/status", f"{job_url}/download"):
        assert client.get(path).status_code == 404
    assert job_url not in client.get("/staff/exports").text


@pytest.fixture
def cepac_saved(sessions):
    """CEPAC's catalogue entry, put back after the test (the catalogue outlives tests)."""
    with sessions() as db:
        partner = db.get(Partner, "cepac")
        saved = (partner.name, partner.kind, dict(partner.config))
    yield saved
    with transaction(sessions) as db:
        partner = db.get(Partner, "cepac")
        partner.name, partner.kind, partner.config = saved


def test_catalogue_lists_each_partner_in_words(client):
    log_in(client)
    page = client.get("/staff/partners").text
    for text in ("Caisse d&#39;Epargne CEPAC", "Aix-Marseille Provence Amorçage",
                 "Siège dans la Métropole Aix-Marseille-Provence.",
                 "Entreprise de 8 ans au plus.", "Stades financés : pré-amorçage, amorçage",
                 "Montant demandé de 10\u202f000,00\xa0€ à 2\u202f000\u202f000,00\xa0€.",
                 "Table de capitalisation", "Fonds propres", "30 jours", "Portail",
                 'href="/staff/partners/cepac"'):
        assert text in page, text


def test_every_eligibility_rule_has_its_field_in_the_partner_form():
    assert [c.key for c in CRITERIA] == list(EligibilityRules.model_fields)


def test_partner_edit_saves_a_valid_change(client, sessions, cepac_saved):
    csrf = log_in(client)
    form = client.get("/staff/partners/cepac").text
    for field in ("sla_days", "instruments-bank_loan", "required_attachments-kbis",
                  "territory-none", "territory-departments", "departments",
                  "min_company_age_years", "max_company_age_years", "stages-seed",
                  "sectors-photonics", "amount_min_eur", "amount_max_eur",
                  "min_founders_full_time", "labels_any-jei"):
        assert f'for="{field}"' in form and f'id="{field}"' in form, field
    page = html.unescape(form)
    for words in ("Stades financés", "Amorçage", "Photonique", "Montant demandé minimal (€)",
                  "Territoire du siège", "Métropole Aix-Marseille-Provence",
                  "Aperçu : les critères tels que les porteurs de projet les liront",
                  "Siège dans la Métropole Aix-Marseille-Provence."):
        assert words in page, words
    assert 'value="10 000,00"' in form  # the saved minimum, as French people type it
    assert '<textarea' not in form  # no JSON to type
    assert '"amount_min_eur": ' not in page and "JSON" not in page  # nor to read
    data = {"csrf": csrf, "sla_days": "20", "instruments": ["bank_loan", "guarantee"],
            "required_attachments": ["kbis", "rib"], "territory": "departments",
            "departments": "13, 84", "amount_min_eur": "5 000", "stages": ["seed"]}
    preview = client.post("/staff/partners/cepac", data={**data, "_action": "preview"})
    assert preview.status_code == 200
    assert "Siège dans l&#39;un de ces départements : 13, 84." in preview.text
    with sessions() as db:
        assert db.get(Partner, "cepac").config == cepac_saved[2]  # a preview saves nothing
    assert client.post("/staff/partners/cepac", data={**data, "csrf": "x"}).status_code == 403
    r = client.post("/staff/partners/cepac", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert "Modifications enregistrées." in page
    assert "Siège dans l&#39;un de ces départements : 13, 84." in page
    assert "Stades financés : amorçage." in page
    with sessions() as db:
        config = db.get(Partner, "cepac").config
    assert config["sla_days"] == 20 and config["required_attachments"] == ["kbis", "rib"]
    assert config["eligibility"] == {"territory": ["13", "84"], "amount_min_eur": "5000.00",
                                     "stages": ["seed"]}
    assert config["delivery"] == cepac_saved[2].get("delivery", {"channel": "portal"})
    r = client.get("/api/v1/partners", headers=login(client, "founder@demo.example"))
    assert next(p for p in r.json() if p["code"] == "cepac")["sla_days"] == 20


@pytest.mark.parametrize(("change", "message"), [
    ({"sla_days": "-3"}, "Le délai « -3 » doit être un nombre entier de jours, de 1 à 365."),
    ({"sla_days": "quinze"}, "Indiquez un nombre entier de jours, de 1 à 365."),
    ({"territory": "departments", "departments": "13, 1300"},
     "Départements : « 1300 » n'est pas un numéro de département (par ex. 13, 84, 2A, 971)."),
    ({"territory": "departments", "departments": ""},
     "Départements : indiquez au moins un département."),
    ({"territory": "lune"}, "Territoire du siège : choix inconnu « lune »."),
    ({"amount_min_eur": "900", "amount_max_eur": "100"},
     "« Montant demandé minimal (€) » ne doit pas dépasser « Montant demandé maximal (€) »."),
    ({"amount_min_eur": "beaucoup"}, "Montant demandé minimal (€) : un montant en euros est "
                                     "attendu, par ex. 10 000 ou 2 000 000,00."),
    ({"amount_max_eur": "0"}, "Montant demandé maximal (€) : doit être supérieur à 0."),
    ({"amount_max_eur": "1,5555"}, "Montant demandé maximal (€) : deux décimales au plus."),
    ({"min_company_age_years": "trois"},
     "Âge minimal de l'entreprise (années) : un nombre entier est attendu, par ex. 8."),
    ({"max_company_age_years": "300"},
     "Âge maximal de l'entreprise (années) : doit être au plus 200."),
    ({"min_company_age_years": "9", "max_company_age_years": "3"},
     "« Âge minimal de l'entreprise (années) » ne doit pas dépasser « Âge maximal de "
     "l'entreprise (années) »."),
    ({"min_founders_full_time": "0"}, "Fondateurs à temps plein (minimum) : doit être au moins 1."),
    ({"stages": ["licorne"]}, "Stades financés : valeur inconnue « licorne »."),
    ({"instruments": []}, "Cochez au moins un instrument."),
])
def test_partner_edit_refuses_an_invalid_change(client, sessions, cepac_saved, change, message):
    csrf = log_in(client)
    data = {"csrf": csrf, "sla_days": "15", "instruments": ["bank_loan"],
            "required_attachments": ["kbis"], **change}
    r = client.post("/staff/partners/cepac", data=data)
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "Rien n'a été enregistré" in page and message in page, page
    assert 'aria-invalid="true"' in r.text
    for key, value in change.items():  # what was typed is shown again
        if isinstance(value, str) and value and key != "territory":
            assert f'value="{html.escape(value)}"' in r.text
    with sessions() as db:
        assert db.get(Partner, "cepac").config == cepac_saved[2]


def test_staff_pages_are_for_staff_only(client):
    for path in STAFF_PATHS:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"
    for email in ("founder@demo.example", "cepac@demo.example"):
        csrf = log_in(client, email)
        for path in STAFF_PATHS:
            r = client.get(path)
            assert r.status_code == 403, (email, path)
            assert r.headers["content-type"].startswith("text/html")
        r = client.post("/staff/partners/cepac", data={"csrf": csrf, "sla_days": "1"})
        assert r.status_code == 403
        r = client.post("/staff/exports", data={"csrf": csrf, "format": "csv"})
        assert r.status_code == 403
    unknown = f"/staff/exports/{uuid.uuid4().hex}"
    log_in(client)
    assert client.get(unknown).status_code == 404
    assert client.get("/staff/partners/inconnu").status_code == 404


def test_pages_read_in_english_too(client, pipeline_data):
    log_in(client)
    client.cookies.set("lang", "en")
    page = client.get("/staff").text
    assert "Median to decision (days)" in page and "12.0" in page
    assert "Stuck requests" in page
    svg = client.get("/staff/charts/funnel.svg").text
    assert "Drafts" in svg and "Decided" in svg
