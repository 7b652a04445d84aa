"""A whole journey read as people read it: no codes, no UTC, no ISO dates, no '(s)', no floats.

A founder submits to five partners through the pages; one partner asks for information, one
approves, one declines; then every page, PDF and export a founder, a reviewer and staff see
is read as text and scanned for what a French reader should never meet.
"""

from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.routing.machine import State
from dossier.schema.enums import Instrument, Sector, SourceStatus, SourceType
from tests.helpers import browser
from tests.web.test_founder_pages import page_login, reviewer_event, submitted_dossier

# Every code of these lists, "grant" and "other" included: French pages never use them.
CODES = sorted({*(c.value for c in Instrument), *(c.value for c in SourceType),
                *(c.value for c in SourceStatus), *(c.value for c in Sector),
                *(c.value for c in State), "(founder)", "(reviewer)", "(staff)",
                "missing_document", "risk_profile", "too_early", "seed", "jei"})
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|\b)")
FLOAT_AMOUNT = re.compile(r"\b\d{4,}\.\d{1,2}\b|\b\d+\.\d{2}\s*€|\b\d{5,}(?:[.,]\d{2})?\s*€")
PLURAL_HEDGE = re.compile(r"\w\(s\)|\(e\)s?\b")
UTC_WORD = re.compile(r"\bUTC\b|\+00:00")
# French: 0 and 1 take the singular
SINGULAR_AS_PLURAL = re.compile(r"(?<![\d,.])\b[01] (?:dossiers|demandes|ans|jours|points|"
                                r"pièces|critères|messages|versions)\b")


class VisibleText(HTMLParser):
    """The text a person sees: no scripts, styles, attributes or hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag in ("td", "th"):  # cells read apart ("0 | dossiers" in a unit column)
            self.parts.append("|")
        for name, value in attrs:  # what a screen reader or a tooltip says
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") not in (
                    "hidden", "checkbox", "radio"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in
                                        PdfReader(io.BytesIO(content)).pages))


def problems(where: str, text: str) -> list[str]:
    """What a French reader should never meet in this text."""
    found = [f"{where}: code {code!r}" for code in CODES
             if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/-])", text)]
    for name, pattern in (("ISO date", ISO_MOMENT), ("float-looking amount", FLOAT_AMOUNT),
                          ("'(s)'", PLURAL_HEDGE), ("UTC", UTC_WORD),
                          ("plural after 0 or 1", SINGULAR_AS_PLURAL)):
        found += [f"{where}: {name} {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]}…"
                  for m in pattern.finditer(text)]
    return found


@pytest.fixture
def journey(client, founder, app, prefect_harness):
    """A submitted dossier: AMPA asked for information, CEPAC approved, BPMED declined."""
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    reviewer_event(client, "ampa", route_of["ampa"], {
        "type": "info_requested", "request_kind": "missing_document",
        "message": "Merci de joindre la table de capitalisation à jour."})
    reviewer_event(client, "cepac", route_of["cepac"], {"type": "in_review"})
    reviewer_event(client, "cepac", route_of["cepac"], {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000",
        "rate_pct": "3.45", "duration_months": 84})
    reviewer_event(client, "bpmed", route_of["bpmed"], {
        "type": "declined", "reason": "risk_profile", "comment": "Endettement trop élevé."})
    return dossier_id, route_of


def journey_texts(client, dossier_id: str, route_of: dict[str, str]) -> dict[str, str]:
    """Every page and document of the journey, as text, by where it comes from."""
    texts: dict[str, str] = {}
    page_login(client)
    base = f"/founder/dossiers/{dossier_id}"
    for path in ("/founder", base, f"{base}/preview", f"{base}/partners",
                 f"{base}/edit/funding", f"{base}/attachments", f"{base}/team", "/founder/data",
                 "/notifications", "/account", "/account/notifications"):
        r = client.get(path)
        assert r.status_code == 200, path
        texts[f"founder {path}"] = visible(r.text)
    for path in (f"{base}/pdf", f"{base}/receipt.pdf"):
        texts[f"founder {path}"] = pdf_text(client.get(path).content)
    for partner, route_id in (("cepac", route_of["cepac"]), ("bpmed", route_of["bpmed"]),
                              ("ampa", route_of["ampa"])):
        reviewer = browser(client, f"{partner}@demo.example")
        for path in ("/reviewer", f"/reviewer/routes/{route_id}", "/notifications"):
            texts[f"{partner} {path}"] = visible(reviewer.get(path).text)
        texts[f"{partner} pdf"] = pdf_text(reviewer.get(f"/reviewer/routes/{route_id}/pdf").content)
    honor = browser(client, "mi-honor-loan@demo.example")
    texts["approve form"] = honor.get(
        f"/reviewer/routes/{route_of['mi-honor-loan']}?decision=approve").text
    staff = browser(client, "staff@demo.example")
    for path in ("/staff", "/staff/exports", "/staff/partners", "/staff/partners/cepac",
                 "/staff/reviewers", "/committees/cepac", "/notifications"):
        texts[f"staff {path}"] = visible(staff.get(path).text)
    return texts


def test_a_whole_journey_reads_in_french(client, journey):
    dossier_id, route_of = journey
    texts = journey_texts(client, dossier_id, route_of)
    if os.environ.get("DUMP_TEXTS"):
        Path(os.environ["DUMP_TEXTS"]).write_text(
            "\n\n".join(f"=== {k}\n{v}" for k, v in texts.items()), "utf-8")
    approve_form = texts.pop("approve form")
    texts["approve form"] = visible(approve_form)
    found = [p for where, text in texts.items() for p in problems(where, text)]
    assert not found, "\n".join(found)
    status = texts[f"founder /founder/dossiers/{dossier_id}"]
    plan = status.split("Détail des ressources")[1].split("Total")[0]
    assert ("Prêt Banque Populaire Méditerranée Prêt bancaire | 150 000,00 € | 11,28 % | Refusé"
            in plan)
    assert "Prêt d'investissement CEPAC Prêt bancaire | 200 000,00 € | 15,05 % | Accordé" in plan
    assert "Retirer mon dossier d'Aix-Marseille Provence Amorçage" in status
    assert "Pays France" in texts[f"founder /founder/dossiers/{dossier_id}/preview"]
    # the approval form offers the amount asked, written as the founder typed it
    assert re.search(r'name="amount_eur"[^>]*value="50 000,00"', approve_form)


def test_the_scan_finds_what_it_looks_for():
    text = ("Montant 1100000.00 € · 2021-03-15 (5 an(s)) · 2026-12-05T10:00:00+00:00 · "
            "bank_loan · Camille (founder) · photonics · 1 point(s) · Déposés : 1 dossiers")
    kinds = " ".join(problems("sample", text))
    for expected in ("bank_loan", "(founder)", "photonics", "ISO date", "float-looking",
                     "'(s)'", "UTC", "plural after 0 or 1"):
        assert expected in kinds, expected
    assert problems("ok", "Montant 1 100 000,00 € · 15 mars 2021 (5 ans) · Prêt bancaire · "
                          "1 dossier · 11 dossiers · 2,1 ans") == []
