"""Eligibility before submission, and submissions refused with their reasons, storing nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from dossier.models import Delivery, Dossier, DossierVersion, Partner, Route, RoutingRequest
from tests.helpers import full_dossier, ready_dossier, upload_pdf

PARTNERS = {"bdf", "cepac", "ca-alpes-provence", "cic", "bnp-paribas", "bpmed", "ampa",
            "mi-honor-loan"}
REQUESTED = ["ampa", "bdf", "bpmed", "cepac", "mi-honor-loan"]


def nothing_stored(sessions, dossier_id: str) -> None:
    """The dossier is still a draft: no version, no route, no outbox row, no delivery."""
    with sessions() as db:
        dossier = db.get(Dossier, uuid.UUID(dossier_id))
        assert (dossier.status, dossier.current_version) == ("draft", None)
        for model in (DossierVersion, Route, RoutingRequest, Delivery):
            assert db.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_eligibility_lists_every_partner_with_reasons_in_both_languages(client, founder):
    dossier_id = ready_dossier(client, founder, kinds=["kbis"])
    fr = client.get(f"/api/v1/dossiers/{dossier_id}/eligibility", headers=founder)
    en = client.get(f"/api/v1/dossiers/{dossier_id}/eligibility",
                    headers={**founder, "Accept-Language": "en-GB,en;q=0.9"})
    assert fr.status_code == en.status_code == 200, fr.text
    by_fr = {v["partner"]: v for v in fr.json()}
    by_en = {v["partner"]: v for v in en.json()}
    assert set(by_fr) == set(by_en) == PARTNERS and len(fr.json()) == 8
    assert [v["partner"] for v in fr.json()[:5]] == REQUESTED

    cepac, cepac_en = by_fr["cepac"], by_en["cepac"]
    assert cepac["eligible"] is True and cepac["requested"] is True
    assert cepac["missing"] == cepac_en["missing"] == ["statuts", "business_plan", "forecast",
                                                       "rib"]
    assert by_fr["bdf"]["missing"] == [] and by_fr["bdf"]["eligible"] is True
    territory = next(r for r in cepac["reasons"] if r["rule"] == "territory")
    territory_en = next(r for r in cepac_en["reasons"] if r["rule"] == "territory")
    assert territory["ok"] and "13013 Marseille" in territory["message"]
    assert "dans la Métropole Aix-Marseille-Provence" in territory["message"]
    assert "within the Aix-Marseille-Provence metropolis" in territory_en["message"]
    amount = next(r for r in cepac["reasons"] if r["rule"] == "amount")
    amount_en = next(r for r in cepac_en["reasons"] if r["rule"] == "amount")
    assert amount["message"].startswith("Montant demandé")
    assert amount_en["message"].startswith("Amount requested")
    for code in PARTNERS:
        assert by_fr[code]["reasons"] and all(r["message"] for r in by_fr[code]["reasons"])
        assert [r["message"] for r in by_fr[code]["reasons"]] != [
            r["message"] for r in by_en[code]["reasons"]], code
    # A partner nobody asks is listed too, with what it offers and what it would still need.
    cic, cic_en = by_fr["cic"], by_en["cic"]
    assert cic["requested"] is False and cic["eligible"] is True
    assert cic["missing"] == ["statuts", "business_plan", "forecast", "financial_statements"]
    assert any(r["message"].startswith("Aucune demande") for r in cic["reasons"])
    assert any(r["message"].startswith("Nothing is requested") for r in cic_en["reasons"])


def test_refused_submissions_name_the_request_and_store_nothing(client, founder, sessions):
    body = full_dossier()
    body["company"]["address"].update({"postal_code": "13200", "city": "Arles", "line2": None})
    dossier_id = ready_dossier(client, founder, body)
    arles = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                        json={"consent": True})
    assert arles.status_code == 422, arles.text
    errors = arles.json()["errors"]
    assert {e["loc"] for e in errors} == {f"requests[{i}].partner" for i in range(5)}
    cepac = next(e for e in errors if e["loc"] == "requests[0].partner")
    assert cepac["code"] == "partner_ineligible"
    assert "cepac" in cepac["msg"] and "13200 Arles" in cepac["msg"]
    assert "hors de la Métropole" in cepac["msg"]
    english = client.post(f"/api/v1/dossiers/{dossier_id}/submit", json={"consent": True},
                          headers={**founder, "Accept-Language": "en"})
    assert "outside the Aix-Marseille-Provence metropolis" in english.json()["errors"][0]["msg"]
    nothing_stored(sessions, dossier_id)

    # One partner out of five refuses: the index names it and no other partner is routed.
    body = full_dossier()
    body["requests"][3]["amount_eur"] = "95000.00"
    body["funding"]["sources"][5]["amount_eur"] = "95000.00"
    body["funding"]["sources"][9]["amount_eur"] = "54243.00"
    r = client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder, json=body)
    assert r.status_code == 200, r.text
    refused = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                          json={"consent": True})
    assert refused.status_code == 422, refused.text
    assert [(e["loc"], e["code"]) for e in refused.json()["errors"]] == [
        ("requests[3].partner", "partner_ineligible")]
    assert "mi-honor-loan" in refused.json()["errors"][0]["msg"]
    assert "90000" in refused.json()["errors"][0]["msg"].replace(" ", "").replace("\u202f", "")
    nothing_stored(sessions, dossier_id)

    body["requests"][3]["amount_eur"] = "50000.00"
    body["funding"]["sources"][5]["amount_eur"] = "50000.00"
    body["funding"]["sources"][9]["amount_eur"] = "99243.00"
    assert client.put(f"/api/v1/dossiers/{dossier_id}", headers=founder,
                      json=body).status_code == 200
    for consent in ({"consent": False}, {}):
        r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder, json=consent)
        assert r.status_code == 422, r.text
        assert [e["loc"] for e in r.json()["errors"]] == ["consent"]
    nothing_stored(sessions, dossier_id)


def test_missing_attachments_refuse_submission_with_the_kinds(client, founder, sessions):
    dossier_id = ready_dossier(client, founder, full_dossier(partners=["cepac", "bdf"]),
                               kinds=["kbis", "statuts"])
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["loc"], error["code"]) == ("requests[0].partner", "attachments_missing")
    assert "cepac" in error["msg"] and "business_plan, forecast, rib" in error["msg"]
    nothing_stored(sessions, dossier_id)


def test_verdicts_follow_a_catalogue_change_and_a_new_document_at_once(client, founder,
                                                                       sessions):
    """Verdicts are kept per content, files and catalogue: a change of either is seen."""
    dossier_id = ready_dossier(client, founder, kinds=["kbis"])

    def cepac() -> dict:
        verdicts = client.get(f"/api/v1/dossiers/{dossier_id}/eligibility", headers=founder)
        return next(v for v in verdicts.json() if v["partner"] == "cepac")

    assert cepac()["eligible"] is True and "rib" in cepac()["missing"]
    with sessions() as db, db.begin():
        partner = db.get(Partner, "cepac")
        saved = partner.config
        rules = {**saved["eligibility"], "amount_min_eur": "100.00", "amount_max_eur": "1000.00"}
        partner.config = {**saved, "eligibility": rules}
    try:
        assert cepac()["eligible"] is False
    finally:  # the catalogue is shared by every later test
        with sessions() as db, db.begin():
            db.get(Partner, "cepac").config = saved
    assert cepac()["eligible"] is True
    upload_pdf(client, founder, dossier_id, "rib")
    assert "rib" not in cepac()["missing"]
