"""An expired document counts as missing for eligibility and submission, with its reason."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import full_dossier
from tests.helpers.files import minimal_pdf

KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib")


def _upload(client, headers, dossier_id, kind, issued_on=None):
    data = {"kind": kind} | ({"issued_on": issued_on} if issued_on else {})
    return client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                       files={"file": (f"{kind}.pdf", minimal_pdf(kind), "application/pdf")},
                       data=data)


def _draft(client, founder, kbis_issued_on):
    r = client.post("/api/v1/dossiers", headers=founder, json=full_dossier(partners=["cepac"]))
    dossier_id = r.json()["id"]
    for kind in KINDS:
        r = _upload(client, founder, dossier_id, kind,
                    kbis_issued_on if kind == "kbis" else None)
        assert r.status_code == 201, r.text
    return dossier_id


def test_an_old_kbis_is_missing_with_its_reason_and_blocks_submission(client, founder):
    old = (date.today() - timedelta(days=120)).isoformat()
    dossier_id = _draft(client, founder, old)
    fr = {**founder, "Accept-Language": "fr"}
    [cepac] = [v for v in client.get(f"/api/v1/dossiers/{dossier_id}/eligibility",
                                     headers=fr).json() if v["partner"] == "cepac"]
    assert "kbis" in cepac["missing"]
    [reason] = [r for r in cepac["reasons"] if r["code"] == "document_expired"]
    assert reason["message"].startswith("Pièce « kbis.pdf » (Extrait Kbis) : expirée le")
    assert "pendant 3 mois" in reason["message"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=fr, json={"consent": True})
    assert r.status_code == 422
    assert any("expiré" in e["msg"] for e in r.json()["errors"]), r.json()


def test_a_recent_kbis_counts_and_the_api_says_when_it_expires(client, founder):
    recent = (date.today() - timedelta(days=10)).isoformat()
    dossier_id = _draft(client, founder, recent)
    files = client.get(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder).json()
    [kbis] = [f for f in files if f["kind"] == "kbis"]
    assert kbis["issued_on"] == recent and kbis["expires_on"] > date.today().isoformat()
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 202, r.text


def test_an_issue_date_in_the_future_or_garbled_is_refused_naming_the_field(client, founder):
    r = client.post("/api/v1/dossiers", headers=founder, json=full_dossier(partners=["cepac"]))
    dossier_id = r.json()["id"]
    for bad in ((date.today() + timedelta(days=3)).isoformat(), "31/02/2026", "hier"):
        r = _upload(client, founder, dossier_id, "kbis", bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["errors"][0]["loc"] == "issued_on"
    assert _upload(client, founder, dossier_id, "kbis", "05/11/2026").json()["issued_on"] \
        == "2026-11-05"
    assert len(client.get(f"/api/v1/dossiers/{dossier_id}/attachments",
                          headers=founder).json()) == 1  # the refused uploads stored nothing
