"""The e-mails the SMTP server receives and the people's exports, read as a French reader reads
them: no codes, no UTC, no ISO dates, no '(s)', no floats (issue 14, points 3 and 4).

The pages and PDFs are scanned by tests/web/test_french_everywhere.py with the same rules.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from dossier.services import notifications
from tests.conftest import login
from tests.routing.test_reminders import (  # noqa: F401  (fixtures)
    POLICY,
    backdate_delivery,
    create_due,
    event,
    routes,
    settings,
)
from tests.web.test_french_everywhere import problems
from workflows.mail import MailSettings, send_pending


def decide(client, founder, route_of: dict[str, str]) -> None:
    """AMPA asks, CEPAC approves on AMPA's condition, BPMED declines, the founder writes."""
    event(client, route_of["ampa"], "ampa", {
        "type": "info_requested", "request_kind": "missing_document",
        "message": "Merci de joindre la table de capitalisation à jour."})
    event(client, route_of["cepac"], "cepac", {"type": "in_review"})
    event(client, route_of["cepac"], "cepac", {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000.00",
        "rate_pct": "3.45", "duration_months": 84, "conditions": "Caution BPI 50 %",
        "conditional_on": [{"partner": "ampa"}]})
    event(client, route_of["bpmed"], "bpmed", {
        "type": "declined", "reason": "risk_profile", "comment": "Endettement trop élevé."})
    r = client.post(f"/api/v1/routes/{route_of['cepac']}/messages", headers=founder,
                    json={"body": "Merci pour votre accord."})
    assert r.status_code == 201, r.text


def test_every_email_reads_in_french(client, founder, app, routes, sessions, smtp):  # noqa: F811
    decide(client, founder, routes)  # then BDF is late and AMPA's request goes unanswered
    backdate_delivery(sessions, routes["bdf"], days=20)
    policy = notifications.Policy(info_after_days=1, every_days=2)
    create_due(sessions, days=1.5, policy=policy)
    sent = send_pending(app.state.dossier.runtime, MailSettings(), policy=POLICY)
    assert sent["emailed"] >= 5 and sent["refused"] == 0, sent
    mails = smtp.wait_for(sent["emailed"])
    if os.environ.get("DUMP_TEXTS"):  # to read them: DUMP_TEXTS=/tmp/mails.txt
        Path(os.environ["DUMP_TEXTS"]).write_text("\n\n".join(
            f"=== To: {m.rcpt_tos}\nSubject: {m.subject}\n{m.text}" for m in mails), "utf-8")
    kinds = " ".join(m.subject for m in mails)
    for words in ("accord", "refusé", "Relance", "demande"):
        assert words in kinds, (words, kinds)
    found = [p for m in mails for p in problems(f"e-mail « {m.subject} »",
                                                 f"{m.subject} {m.text}")]
    assert not found, "\n".join(found)
    approved = next(m for m in mails if "accord" in m.subject)
    assert "200\u202f000,00\xa0€" in approved.text


def test_the_peoples_exports_read_in_french(client, founder, routes):  # noqa: F811
    decide(client, founder, routes)
    staff = login(client, "staff@demo.example")
    raw = client.get("/api/v1/pipeline/export.csv", headers=staff).content
    assert raw.startswith(b"\xef\xbb\xbf")
    partners = [p["code"] for p in client.get("/api/v1/partners", headers=founder).json()]
    partner_code = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, partners))})(?![\w-])")

    def read(where: str, text: str) -> list[str]:
        """The scan of every page, and partners named, never by their codes."""
        return problems(where, text) + [f"{where}: partner code {m.group(0)!r}"
                                        for m in partner_code.finditer(text)]

    found = read("CSV", raw.decode("utf-8-sig"))
    xlsx = client.get("/api/v1/pipeline/export.xlsx", headers=staff).content
    if os.environ.get("DUMP_TEXTS"):  # to open them: DUMP_TEXTS=/tmp/export
        Path(os.environ["DUMP_TEXTS"] + ".csv").write_bytes(raw)
        Path(os.environ["DUMP_TEXTS"] + ".xlsx").write_bytes(xlsx)
    book = load_workbook(io.BytesIO(xlsx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if sheet.title == "Lisez-moi" and row[0] == "Pour les intégrateurs":
                continue  # it names the codes' shape (ISO 8601, UTC) on purpose
            for value in row:
                assert not isinstance(value, float), (sheet.title, row)  # Decimal or int
                if isinstance(value, str):
                    found += read(f"XLSX {sheet.title}", value)
    assert not found, "\n".join(found)
    cepac = next(r for r in book["Demandes"].iter_rows(min_row=2)
                 if r[4].value == "Caisse d'Epargne CEPAC")
    assert cepac[8].value == Decimal("200000")
    assert isinstance(cepac[13].value, datetime)
    assert cepac[17].value == "Aix-Marseille Provence Amorçage"
