"""POST /dossiers/{id}/fec proposes a year of financial history from the accounting file."""

from __future__ import annotations

from datetime import date

from tests.dossier.test_fec import _line, encode, fec_year
from tests.helpers import full_dossier


def _post(client, headers, dossier_id, data: bytes, lang="fr"):
    return client.post(f"/api/v1/dossiers/{dossier_id}/fec",
                       headers={**headers, "Accept-Language": lang},
                       files={"file": ("843152760FEC20251231.txt", data, "text/plain")})


def test_a_fec_proposes_the_year_and_saves_nothing(client, founder):
    dossier_id = client.post("/api/v1/dossiers", headers=founder,
                             json=full_dossier()).json()["id"]
    before = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    lines, expected = fec_year(2025)
    r = _post(client, founder, dossier_id, b"".join(encode(lines)))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2025 and body["closing_date"] == "2025-12-31"
    assert body["history"]["revenue_eur"] == f"{expected['revenue_eur']:.2f}"
    assert body["history"]["debt_eur"] == "70000.00" and body["warnings"] == []
    after = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    assert after["content"] == before["content"]


def test_a_malformed_fec_is_a_422_naming_the_line_in_french(client, founder):
    dossier_id = client.post("/api/v1/dossiers", headers=founder,
                             json=full_dossier()).json()["id"]
    lines, _ = fec_year(2025)
    lines[41] = lines[41].replace("1250,50", "12x0,50", 1)
    r = _post(client, founder, dossier_id, b"".join(encode(lines)))
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["loc"] == "file" and error["msg"].startswith("Ligne 42 : montant illisible")


def test_a_negative_cash_is_proposed_as_zero_with_a_warning(client, founder):
    dossier_id = client.post("/api/v1/dossiers", headers=founder,
                             json=full_dossier()).json()["id"]
    lines, _ = fec_year(2025, sales=0)
    day = date(2025, 12, 30)  # a large payment with no sales: the bank account is overdrawn
    lines += [_line(day, "641000", "Salaires", "90000,00", "0,00", 999),
              _line(day, "512000", "Banque", "0,00", "90000,00", 999)]
    body = _post(client, founder, dossier_id, b"".join(encode(lines))).json()
    assert body["history"]["cash_eur"] == "0.00"
    assert body["warnings"][0]["loc"] == "financials.history.cash_eur"


def test_another_founder_may_not_send_a_fec_to_my_dossier(client, founder):
    dossier_id = client.post("/api/v1/dossiers", headers=founder,
                             json=full_dossier()).json()["id"]
    other = client.post("/api/v1/auth/token", data={"username": "cepac@demo.example",
                                                     "password": "demo1234"}).json()
    r = _post(client, {"Authorization": f"Bearer {other['access_token']}"}, dossier_id, b"x")
    assert r.status_code in (403, 404)
