"""The wizard's FEC import: upload, review beside the dossier, save only what is ticked."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from markupsafe import escape

from forms.formatting import format_money, format_number
from tests.dossier.test_fec import _line, encode, fec_year
from tests.helpers import full_dossier
from tests.web.test_founder_pages import content, page_login

FEC_NAME = "843152760FEC{year}1231.txt"


def _fec(year: int, **kw) -> tuple[bytes, dict]:
    lines, expected = fec_year(year, **kw)
    return b"".join(encode(lines)), expected


def _read(client, dossier_id: str, csrf: str, data: bytes, year: int = 2025,
          carried: dict[str, str] | None = None):
    return client.post(f"/founder/dossiers/{dossier_id}/fec",
                       files={"file": (FEC_NAME.format(year=year), data, "text/plain")},
                       data={"csrf": csrf, **(carried or {})})


def _form(html: str) -> dict[str, str]:
    """The review form as the browser posts it (checked boxes only)."""
    form = re.search(r'<form method="post" action="[^"]*/fec/apply".*?</form>', html, re.S).group(0)
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag).group(1)
        if not name or kind == "file" or (kind == "checkbox" and " checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    return fields


def _dossier(client, founder, **changes) -> str:
    body = full_dossier()
    for path, value in changes.items():
        body["financials"][path] = value
    r = client.post("/api/v1/dossiers", headers=founder, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_the_financial_step_offers_the_fec_import(client, founder):
    dossier_id = _dossier(client, founder)
    page_login(client)
    html = client.get(f"/founder/dossiers/{dossier_id}/edit/financials").text
    assert "Importer votre FEC" in html
    assert f'action="/founder/dossiers/{dossier_id}/fec" enctype="multipart/form-data"' in html
    company = client.get(f"/founder/dossiers/{dossier_id}/edit/company").text
    assert "Importer votre FEC" not in company


def test_upload_review_and_apply_two_years(client, founder):
    dossier_id = _dossier(client, founder, history=[
        {"year": 2024, "revenue_eur": "240000.00", "net_income_eur": "-180000.00",
         "equity_eur": "215000.00", "cash_eur": "310000.00", "debt_eur": "120000.00"}])
    before = content(client, founder, dossier_id)
    csrf = page_login(client)
    data, expected = _fec(2025)
    r = _read(client, dossier_id, csrf, data)
    assert r.status_code == 200, r.text
    html = r.text
    assert "Exercice 2025" in html and "Ajouter 2025 à l&#39;historique du dossier" in html
    assert 'value="' + format_number(expected["revenue_eur"], "fr") + '"' in html
    assert "Clos le 31 décembre 2025" in html
    assert content(client, founder, dossier_id) == before  # read, shown, not saved
    # a second file, for the year already in the dossier: shown beside the dossier's figures
    data_2024, expected_2024 = _fec(2024, sales=80)
    r = _read(client, dossier_id, csrf, data_2024, 2024, carried=_form(html))
    html = r.text
    assert r.status_code == 200 and "Exercice 2024" in html and "Exercice 2025" in html
    assert "Remplacer les chiffres de 2024 du dossier par ceux-ci" in html
    assert str(escape(format_money("240000.00", "fr"))) in html  # what the dossier holds
    assert content(client, founder, dossier_id) == before
    # the founder corrects 2025's cash, keeps both years and saves
    form = _form(html)
    form["fec.2025.cash_eur"] = "12 345,67"
    r = client.post(f"/founder/dossiers/{dossier_id}/fec/apply", data=form,
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "saved=1&fec=2024-2025" in r.headers["location"]
    history = content(client, founder, dossier_id)["financials"]["history"]
    assert [h["year"] for h in history] == [2024, 2025]
    assert history[1]["cash_eur"] == "12345.67"
    assert history[1]["revenue_eur"] == f"{expected['revenue_eur']:.2f}"
    assert history[0]["revenue_eur"] == f"{expected_2024['revenue_eur']:.2f}"
    page = client.get(r.headers["location"]).text
    assert "Exercices 2024, 2025 repris de votre FEC et enregistrés." in page


def test_an_unticked_year_is_left_out_and_nothing_ticked_saves_nothing(client, founder):
    dossier_id = _dossier(client, founder)
    before = content(client, founder, dossier_id)
    csrf = page_login(client)
    form = _form(_read(client, dossier_id, csrf, _fec(2026)[0], 2026).text)
    form.pop("fec.2026.take")
    r = client.post(f"/founder/dossiers/{dossier_id}/fec/apply", data=form)
    assert r.status_code == 422
    assert "Cochez au moins un exercice à enregistrer, ou annulez." in r.text
    assert 'id="fec-2026-take"' in r.text  # the review is shown again, as it was
    assert content(client, founder, dossier_id) == before


def test_a_fourth_year_pushes_the_oldest_out_and_says_so(client, founder):
    dossier_id = _dossier(client, founder)  # 2023, 2024, 2025
    csrf = page_login(client)
    html = _read(client, dossier_id, csrf, _fec(2026)[0], 2026).text
    assert "enregistrer retire 2023 du dossier" in html
    r = client.post(f"/founder/dossiers/{dossier_id}/fec/apply", data=_form(html),
                    follow_redirects=False)
    assert r.status_code == 303 and "fec_dropped=2023" in r.headers["location"]
    history = content(client, founder, dossier_id)["financials"]["history"]
    assert [h["year"] for h in history] == [2024, 2025, 2026]


def test_a_wrong_figure_is_refused_with_its_field_and_nothing_is_saved(client, founder):
    dossier_id = _dossier(client, founder)
    before = content(client, founder, dossier_id)
    csrf = page_login(client)
    form = _form(_read(client, dossier_id, csrf, _fec(2025)[0]).text)
    form["fec.2025.debt_eur"] = "-5 000,00"
    form["fec.2025.revenue_eur"] = "beaucoup"
    # hidden fields come back from the browser: odd ones are ignored, never a 5xx
    form |= {"fec.2025.closing": "31/12/2025", "fec.2025.lines": "beaucoup",
             "fec.2025.negative.cash_eur": "<b>", "fec.0000.offered": "1",
             "fec.0000.take": "1", **{f"fec.0000.{n}": "1" for n in (
                 "revenue_eur", "net_income_eur", "equity_eur", "cash_eur", "debt_eur")}}
    r = client.post(f"/founder/dossiers/{dossier_id}/fec/apply", data=form)
    assert r.status_code == 422
    assert "<b>" not in r.text and "Exercice 0" in r.text
    assert 'id="fec-2025-debt_eur" name="fec.2025.debt_eur"' in r.text
    assert 'value="-5 000,00" aria-describedby="e-fec-2025-debt_eur" aria-invalid="true"' in r.text
    assert "Dettes financières, 2025" in r.text and 'href="#fec-2025-revenue_eur"' in r.text
    assert content(client, founder, dossier_id) == before


def test_cancel_stores_nothing(client, founder):
    dossier_id = _dossier(client, founder)
    before = content(client, founder, dossier_id)
    csrf = page_login(client)
    html = _read(client, dossier_id, csrf, _fec(2025)[0]).text
    cancel = f'<a class="button secondary" href="/founder/dossiers/{dossier_id}/edit/financials">'
    assert cancel + "Annuler</a>" in html
    assert client.get(f"/founder/dossiers/{dossier_id}/edit/financials").status_code == 200
    assert content(client, founder, dossier_id) == before


def test_a_malformed_file_names_its_line_and_the_page_stays_usable(client, founder):
    dossier_id = _dossier(client, founder)
    before = content(client, founder, dossier_id)
    csrf = page_login(client)
    lines, _ = fec_year(2025)
    lines[36] = lines[36].replace("1250,50", "12x0,50", 1)
    r = _read(client, dossier_id, csrf, b"".join(encode(lines)))
    assert r.status_code == 422
    assert "Ligne 37 : montant illisible" in r.text and 'role="alert"' in r.text
    assert 'aria-invalid="true"' in r.text and 'id="e-fec-file"' in r.text
    assert content(client, founder, dossier_id) == before
    # the same page reads a good file next
    good = _read(client, dossier_id, csrf, _fec(2025)[0])
    assert good.status_code == 200 and "Exercice 2025" in good.text
    # no file at all, or a file with no entries: said, nothing stored
    empty = _read(client, dossier_id, csrf, b"")
    assert empty.status_code == 422 and "Choisissez le fichier FEC à lire." in empty.text
    assert content(client, founder, dossier_id) == before


def test_a_bad_second_file_keeps_the_years_already_read(client, founder):
    dossier_id = _dossier(client, founder)
    csrf = page_login(client)
    html = _read(client, dossier_id, csrf, _fec(2025)[0]).text
    r = _read(client, dossier_id, csrf, b"JournalCode\tCompte\n", carried=_form(html))
    assert r.status_code == 422 and "Ligne 1 : " in r.text
    assert "Exercice 2025" in r.text and 'name="fec.2025.revenue_eur"' in r.text


def test_a_negative_cash_is_proposed_as_zero_with_the_files_figure(client, founder):
    dossier_id = _dossier(client, founder)
    csrf = page_login(client)
    lines, _ = fec_year(2025, sales=0)
    day = date(2025, 12, 30)
    lines += [_line(day, "641000", "Salaires", "190000,00", "0,00", 999),
              _line(day, "512000", "Banque", "0,00", "190000,00", 999)]
    html = _read(client, dossier_id, csrf, b"".join(encode(lines))).text
    assert 'name="fec.2025.cash_eur" type="text" inputmode="decimal" value="0,00"' in html
    assert "Le fichier donne -154 000,00 €" in html.replace("\u202f", " ").replace("\xa0", " ")


def test_the_upload_needs_the_csrf_token_and_a_large_file_streams(client, founder, app):
    dossier_id = _dossier(client, founder)
    csrf = page_login(client)
    assert _read(client, dossier_id, "forged", _fec(2025)[0]).status_code == 403
    lines, expected = fec_year(2025, sales=4_000)  # 1.6 MB: past the 1 MB a JSON body may be
    data = b"".join(encode(lines))
    assert 1024 * 1024 < len(data) < app.state.dossier.settings.max_upload_bytes
    r = _read(client, dossier_id, csrf, data)
    assert r.status_code == 200, r.text[:300]
    assert 'value="' + format_number(expected["revenue_eur"], "fr") + '"' in r.text
    assert Decimal(expected["revenue_eur"]) > 0


def test_applying_to_a_submitted_dossier_makes_an_amendment(client, founder, app,
                                                             prefect_harness):
    from tests.web.test_founder_pages import submitted_dossier

    dossier_id, _, csrf = submitted_dossier(client, founder, app)
    form = _form(_read(client, dossier_id, csrf, _fec(2025)[0]).text)
    r = client.post(f"/founder/dossiers/{dossier_id}/fec/apply", data=form,
                    follow_redirects=False)
    assert r.status_code == 303 and "saved=2&fec=2025" in r.headers["location"]
    assert "Nouvelle version 2 enregistrée" in client.get(r.headers["location"]).text
