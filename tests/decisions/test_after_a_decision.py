"""After a partner's decision: conditions between partners, the founder's acceptance, tranches,
revisions within the window, alternatives and the Médiation du crédit (issue 16)."""

from __future__ import annotations

import re
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

from dossier.db import utcnow
from dossier.models import Route
from tests.conftest import login
from tests.helpers import settle_deliveries
from tests.helpers.pages import browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def event(client, who, route_id, body, status=201):
    r = client.post(f"/api/v1/routes/{route_id}/events", headers=who, json=body)
    assert r.status_code == status, r.text
    return r.json()


def approve(client, who, route_id, instrument, amount, **more):
    return event(client, who, route_id, {"type": "approved", "instrument": instrument,
                                         "amount_eur": amount, **more})


def plan(client, founder, dossier_id):
    r = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder)
    assert r.status_code == 200, r.text
    return r.json()["funding_plan"]


def source(plan_, partner):
    return next(s for s in plan_["sources"] if s.get("partner") == partner)


def test_a_conditional_honour_loan_waits_for_the_bank_then_is_accepted_and_paid(
        client, founder, routed):
    mi, cepac = login(client, "mi-honor-loan@demo.example"), login(client, "cepac@demo.example")
    approve(client, mi, routed["mi-honor-loan"], "honor_loan", "50000",
            conditional_on=[{"partner": "cepac", "min_amount_eur": "150000"}])
    conditions = plan(client, founder, routed["dossier"])["conditions"]
    assert conditions == [{"partner": "mi-honor-loan", "on": "cepac",
                           "min_amount_eur": "150000.00", "status": "pending"}]
    # not yet: the bank has not said yes
    r = client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/accept",
                    headers={**founder, "Accept-Language": "fr"})
    assert r.status_code == 409 and r.json()["code"] == "condition_pending", r.text
    assert "pourra être acceptée une fois la condition remplie" in r.json()["detail"]

    approve(client, cepac, routed["cepac"], "bank_loan", "200000")
    current = plan(client, founder, routed["dossier"])
    assert current["conditions"][0]["status"] == "met"
    assert current["leverage"] == "4.00"  # 200 000 of bank loan per 50 000 of honour loan
    r = client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/accept", headers=founder)
    assert r.status_code == 200 and r.json()["state"] == "accepted", r.text

    for amount, day in (("30000", 10), ("20000", 3)):
        r = client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/disbursements", headers=mi,
                        json={"amount_eur": amount, "label": "Tranche",
                              "date": (utcnow() - timedelta(days=day)).date().isoformat()})
        assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/disbursements", headers=mi,
                    json={"amount_eur": "0.01", "date": utcnow().date().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "disbursement_exceeds_approved", r.text
    line = source(plan(client, founder, routed["dossier"]), "mi-honor-loan")
    assert (line["approved_eur"], line["accepted_eur"], line["disbursed_eur"]) == (
        "50000.00", "50000.00", "50000.00")
    tranches = client.get(f"/api/v1/routes/{routed['mi-honor-loan']}/disbursements",
                          headers=founder).json()
    assert [t["amount_eur"] for t in tranches] == ["30000.00", "20000.00"]
    types = [e["type"] for e in client.get(f"/api/v1/routes/{routed['mi-honor-loan']}/events",
                                           headers=mi).json()]
    assert types[-4:] == ["approved", "accepted", "disbursed", "disbursed"]


def test_a_failed_condition_is_flagged_and_the_offer_cannot_be_accepted(
        client, founder, routed, staff):
    mi, cepac = login(client, "mi-honor-loan@demo.example"), login(client, "cepac@demo.example")
    approve(client, mi, routed["mi-honor-loan"], "honor_loan", "50000",
            conditional_on=[{"partner": "cepac"}])
    event(client, cepac, routed["cepac"], {"type": "declined", "reason": "risk_profile"})
    failed = plan(client, founder, routed["dossier"])
    assert failed["conditions"][0]["status"] == "failed"
    assert failed["covered_by_decisions_eur"] == "0.00"  # a failed approval covers nothing
    r = client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/accept", headers=founder)
    assert r.status_code == 409 and r.json()["code"] == "condition_failed"
    for who in (founder, mi, staff):
        notices = client.get("/api/v1/notifications", headers=who).json()
        items = notices["items"] if isinstance(notices, dict) else notices
        assert any(n["kind"] == "condition_failed" for n in items), items


def test_illegal_moves_are_refused_with_409(client, founder, routed):
    cepac, bnp = login(client, "cepac@demo.example"), login(client, "bnp-paribas@demo.example")
    event(client, bnp, routed["bnp-paribas"], {"type": "declined", "reason": "too_early"})
    r = client.post(f"/api/v1/routes/{routed['bnp-paribas']}/accept", headers=founder)
    assert r.status_code == 409 and r.json()["code"] == "event_not_from_state"
    approve(client, cepac, routed["cepac"], "bank_loan", "200000")
    # paid before the founder accepted
    r = client.post(f"/api/v1/routes/{routed['cepac']}/disbursements", headers=cepac,
                    json={"amount_eur": "1000", "date": utcnow().date().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "offer_not_accepted"
    assert client.post(f"/api/v1/routes/{routed['cepac']}/accept",
                       headers=founder).status_code == 200
    r = client.post(f"/api/v1/routes/{routed['cepac']}/disbursements", headers=cepac,
                    json={"amount_eur": "200000.01", "date": utcnow().date().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "disbursement_exceeds_approved"
    assert r.json()["remaining_eur"] == "200000.00" if "remaining_eur" in r.json() else True
    # a condition on a partner the dossier was not sent to names the field
    r = event(client, login(client, "ampa@demo.example"), routed["ampa"],
              {"type": "approved", "instrument": "equity", "amount_eur": "300000",
               "conditional_on": [{"partner": "cic"}]}, status=422)
    assert r["errors"][0]["loc"] == "conditional_on[0].partner"


def test_bad_tranches_name_their_field_and_store_nothing(client, founder, routed):
    cepac = login(client, "cepac@demo.example")
    approve(client, cepac, routed["cepac"], "bank_loan", "200000")
    client.post(f"/api/v1/routes/{routed['cepac']}/accept", headers=founder)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    for body, field in (({"amount_eur": "-5", "date": "2026-01-01"}, "amount_eur"),
                        ({"amount_eur": 1.5e300, "date": "2026-01-01"}, "amount_eur"),
                        ({"amount_eur": "100", "date": tomorrow}, "date"),
                        ({"amount_eur": "100", "date": "2026-13-01"}, "date"),
                        ({"amount_eur": "100"}, "date")):
        r = client.post(f"/api/v1/routes/{routed['cepac']}/disbursements", headers=cepac,
                        json=body)
        assert r.status_code == 422, r.text
        assert [e["loc"] for e in r.json()["errors"]] == [field], r.text
    assert client.get(f"/api/v1/routes/{routed['cepac']}/disbursements",
                      headers=cepac).json() == []


def test_a_decision_is_revised_within_the_window_with_its_reason(client, founder, routed,
                                                                   sessions):
    cepac = login(client, "cepac@demo.example")
    event(client, cepac, routed["cepac"], {"type": "declined", "reason": "incomplete"})
    revised = event(client, cepac, routed["cepac"], {
        "type": "revised", "reason": "Pièces reçues par courrier",
        "decision": {"type": "approved", "instrument": "bank_loan", "amount_eur": "180000"}})
    assert (revised["from_state"], revised["to_state"]) == ("declined", "approved")
    summary = client.get(f"/api/v1/dossiers/{routed['dossier']}", headers=founder).json()
    cepac_route = next(r for r in summary["routes"] if r["partner"] == "cepac")
    assert cepac_route["decision"]["amount_eur"] == "180000.00"
    assert cepac_route["decision"]["revisions"][0]["before"]["reason"] == "incomplete"
    # past the window, refused
    with sessions() as db, db.begin():
        db.get(Route, uuid.UUID(routed["cepac"])).decided_at = utcnow() - timedelta(days=16)
    r = client.post(f"/api/v1/routes/{routed['cepac']}/events", headers=cepac, json={
        "type": "revised", "reason": "Erreur", "decision": {"type": "declined",
                                                            "reason": "other"}})
    assert r.status_code == 409 and r.json()["code"] == "revision_window_closed", r.text


def pdf_text(content: bytes, folder: Path) -> str:
    """The PDF's text (pdftotext), its pages also kept as PNG test artifacts to look at."""
    (folder / "referral.pdf").write_bytes(content)
    subprocess.run(["pdftotext", "-layout", str(folder / "referral.pdf")], check=True,
                   timeout=120)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-l", "2", "-png", str(folder / "referral.pdf"),
                    str(ARTIFACTS / "mediation-referral")], check=True, timeout=120)
    return (folder / "referral.txt").read_text("utf-8")


def test_after_a_bank_refusal_alternatives_and_a_mediation_referral(client, founder, routed,
                                                                    sessions, tmp_path):
    bnp = login(client, "bnp-paribas@demo.example")
    event(client, bnp, routed["bnp-paribas"], {"type": "declined", "reason": "risk_profile",
                                               "comment": "Fonds propres insuffisants"})
    others = client.get(f"/api/v1/dossiers/{routed['dossier']}/alternatives", headers=founder)
    assert others.status_code == 200, others.text
    assert {"cic", "ca-alpes-provence"} <= {a["partner"] for a in others.json()}
    assert not {"cepac", "bnp-paribas"} & {a["partner"] for a in others.json()}

    url = f"/api/v1/routes/{routed['bnp-paribas']}/mediation"
    assert client.post(url, headers=founder, json={}).status_code == 422  # consent first
    r = client.post(url, headers=founder, json={"consent": True})
    assert r.status_code == 201, r.text
    referral = r.json()
    assert (referral["partner"], referral["kind"], referral["state"]) == (
        "bdf", "mediation", "queued")
    assert client.post(url, headers=founder, json={"consent": True}).status_code == 409
    settle_deliveries(sessions)
    bdf = login(client, "bdf@demo.example")
    inbox = client.get("/api/v1/inbox", headers=bdf).json()["items"]
    assert len([i for i in inbox if i["dossier_id"] == routed["dossier"]]) == 2  # advice too
    with sessions() as db:
        row = db.get(Route, uuid.UUID(referral["id"]))
        assert row.origin["partner"] == "bnp-paribas" and row.origin["reason"] == "risk_profile"
    pdf = client.get(f"/api/v1/routes/{referral['id']}/pdf", headers=bdf)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), pdf.text[:200]
    text = pdf_text(pdf.content, tmp_path)
    for fact in ("Saisine de la Médiation du crédit", "Lumiphase", "843152760", "BNP Paribas",
                 "Profil de risque", "Fonds propres insuffisants", "100 000,00"):
        assert fact in text, fact
    assert text.count("\f") > 2  # the referral's page(s), then the dossier's
    # a refusal by a fund, or an approval, is not the mediator's
    r = client.post(f"/api/v1/routes/{routed['cepac']}/mediation", headers=founder,
                    json={"consent": True})
    assert r.status_code == 409


def test_staff_see_accepted_and_disbursed_amounts_and_leverage_per_partner(
        client, founder, routed, staff):
    mi, cepac = login(client, "mi-honor-loan@demo.example"), login(client, "cepac@demo.example")
    approve(client, cepac, routed["cepac"], "bank_loan", "200000")
    approve(client, mi, routed["mi-honor-loan"], "honor_loan", "25000")
    for route in (routed["cepac"], routed["mi-honor-loan"]):
        assert client.post(f"/api/v1/routes/{route}/accept", headers=founder).status_code == 200
    client.post(f"/api/v1/routes/{routed['mi-honor-loan']}/disbursements", headers=mi,
                json={"amount_eur": "10000", "date": utcnow().date().isoformat()})
    lines = {p["code"]: p for p in client.get("/api/v1/pipeline", headers=staff)
             .json()["partners"]}
    assert lines["mi-honor-loan"]["leverage"] == "8.00"
    assert lines["mi-honor-loan"]["disbursed_eur"] == "10000.00"
    assert lines["cepac"]["accepted_eur"] == "200000.00" and lines["cepac"]["approved"] == 1
    assert lines["cepac"]["leverage"] is None
    page = browser(client, "staff@demo.example").get("/staff")
    assert page.status_code == 200
    row = re.search(r'<th scope="row">Marseille Innovation[^<]*</th>(.*?)</tr>',
                    page.text, re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>",
                                                                     row.group(1), re.S)]
    assert "10\u202f000,00\xa0€" in cells and "×8,00" in cells, cells
