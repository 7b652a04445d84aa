"""The deposit receipt fits one page for a usual dossier, and never leaves one line alone."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from forms.receipt import render_receipt_pdf

PARTNERS = [("Caisse d'Epargne CEPAC", "bank_loan", "200000.00"),
            ("Banque Populaire Méditerranée", "bank_loan", "150000.00"),
            ("Aix-Marseille Provence Amorçage", "equity", "300000.00"),
            ("Marseille Innovation — prêt d'honneur à l'innovation", "honor_loan", "50000.00"),
            ("Banque de France — correspondant TPE-PME", "advice", None)]
KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "financial_statements",
         "pitch_deck", "cap_table", "id_founder")


def receipt(attachments: int) -> list[str]:
    """The receipt of a version sent to five partners, as the text of each page."""
    at = datetime(2026, 12, 5, 21, 36, tzinfo=UTC)
    kinds = [*KINDS, *["other"] * max(0, attachments - len(KINDS))][:attachments]
    pdf = render_receipt_pdf({
        "company": "Lumiphase", "siren": "843152760", "version": 2,
        "dossier_id": "aa1c1985-10cd-4b4e-8635-90ae50bc8c70", "submitted_at": at,
        "first_version_at": datetime(2026, 11, 5, 9, 0, tzinfo=UTC), "content_hash": "b" * 64,
        "partners": [{"name": n, "instrument": i, "amount_eur": a, "consent_at": at,
                      "consent_version": 2} for n, i, a in PARTNERS],
        "attachments": [{"kind": k, "filename": f"piece-{n}.pdf", "size": 52_428_800,
                         "sha256": "a" * 64} for n, k in enumerate(kinds)],
        "generated_at": at})
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_usual_receipt_is_one_page_in_paris_time_and_french_sizes():
    pages = receipt(len(KINDS))
    assert len(pages) == 1
    text = pages[0]
    assert "5 décembre 2026 à 22:36" in text and "21:36" not in text  # Paris, not UTC
    assert "50 Mo" in text and "octets" not in text


def test_a_long_receipt_breaks_with_its_header_and_several_rows():
    pages = receipt(13)
    assert len(pages) == 2
    second = pages[1]
    assert "SHA-256" in second  # the list's header is repeated
    assert second.count("piece-") >= 3  # never one line alone
    assert "Document établi le" in second
