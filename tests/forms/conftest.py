"""Fixtures of the forms tests: a full dossier, its partners' names and its attachments."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from forms.pdf import render_dossier_pdf
from tests.helpers import full_dossier

PARTNERS = {
    "bdf": "Banque de France",
    "cepac": "Caisse d'Epargne CEPAC",
    "ca-alpes-provence": "Crédit Agricole Alpes Provence",
    "cic": "CIC",
    "bnp-paribas": "BNP Paribas",
    "bpmed": "Banque Populaire Méditerranée",
    "ampa": "Aix-Marseille Provence Amorçage",
    "mi-honor-loan": "Marseille Innovation — prêt d'honneur à l'innovation",
}

ATTACHMENTS = [
    {"kind": "kbis", "filename": "kbis-2025-05.pdf", "content_type": "application/pdf",
     "size": 184_320,
     "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"},
    {"kind": "financial_statements", "filename": "liasse-fiscale-2024.pdf",
     "content_type": "application/pdf", "size": 1_245_678,
     "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    {"kind": "forecast", "filename": "previsionnel_2026-2030.xlsx",
     "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "size": 58_211,
     "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"},
]


@pytest.fixture
def dossier() -> dict[str, Any]:
    """The shared complete dossier (tests/fixtures/dossier_full.json), a fresh copy."""
    return full_dossier()


@pytest.fixture
def partners() -> dict[str, str]:
    """Partner code -> name, as the catalogue gives them."""
    return dict(PARTNERS)


@pytest.fixture
def attachments() -> list[dict[str, Any]]:
    """Three uploaded documents, as the storage layer describes them."""
    return copy.deepcopy(ATTACHMENTS)


@pytest.fixture(scope="session")
def full_pdf() -> tuple[dict[str, Any], bytes]:
    """The full dossier and its PDF, rendered once for the whole session."""
    content = full_dossier()
    pdf = render_dossier_pdf(
        content, attachments=ATTACHMENTS, partners=PARTNERS, version=3,
        content_hash="b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c",
        generated_at=datetime(2025, 6, 3, 14, 5, tzinfo=UTC),
    )
    return content, pdf


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture(scope="session")
def pdf_text() -> Callable[[bytes], str]:
    """Text of every page of a PDF, with U+202F and U+00A0 turned into plain spaces."""
    return _pdf_text


@pytest.fixture(scope="session")
def full_text(full_pdf: tuple[dict[str, Any], bytes]) -> str:
    """The extracted text of the full dossier's PDF."""
    return _pdf_text(full_pdf[1])
