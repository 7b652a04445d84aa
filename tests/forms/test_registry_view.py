"""The registry's status opens the company chapter, worded once for the page and the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from forms.pdf import render_dossier_pdf
from forms.view import registry_block, sections_view
from tests.helpers import full_dossier

AT = "2026-12-03T09:30:00+00:00"


def record(status: str, **extra) -> dict:
    return {"status": status, "source": "recherche-entreprises", "fetched_at": AT,
            "differences": [], **extra}


def test_each_status_in_french():
    assert registry_block(record("verified")).headline == "Vérifié au registre le 3 décembre 2026"
    pending = {"status": "pending", "source": None, "fetched_at": None, "differences": []}
    assert registry_block(pending).headline == \
        "À vérifier\u00a0: registre indisponible lors de l'envoi"
    assert registry_block(record("pending")).headline == \
        "À vérifier\u00a0: numéro inconnu du registre le 3 décembre 2026"
    assert registry_block(record("closed", closed_on="2025-06-30")).headline == \
        "Entreprise fermée au registre depuis le 30 juin 2025"
    assert registry_block(record("closed")).headline == \
        "Entreprise fermée au registre (constaté le 3 décembre 2026)"
    assert registry_block(record("verified")).tone == "ok"
    assert registry_block(record("closed")).tone == "alert"


def test_differences_field_by_field_as_people_read_them():
    block = registry_block(record("mismatch", differences=[
        {"field": "company.legal_name", "typed": "Lumiphase", "registry": "LUMIPHASE SAS"},
        {"field": "company.legal_form", "typed": "SAS", "registry": "SASU"},
        {"field": "company.creation_date", "typed": "2019-06-03", "registry": "2019-07-01"}]))
    assert block.headline == "Écarts avec le registre (vérifié le 3 décembre 2026)\u00a0:"
    assert [r.value for r in block.lines] == [
        "Raison sociale — saisie\u00a0: Lumiphase\u00a0; registre\u00a0: LUMIPHASE SAS",
        "Forme juridique — saisie\u00a0: SAS (société par actions simplifiée)\u00a0; "
        "registre\u00a0: SASU (SAS unipersonnelle)",
        "Date de création — saisie\u00a0: 3 juin 2019\u00a0; registre\u00a0: 1 juillet 2019"]
    english = registry_block(record("mismatch", differences=[
        {"field": "company.legal_name", "typed": "A", "registry": "B"}]), "en")
    assert english.lines[0].value == "Company name — typed: A; register: B"


def test_the_company_chapter_opens_with_it_and_a_founders_copy_has_none():
    [company] = [s for s in sections_view(full_dossier(), [], registry=record("verified"))
                 if s.key == "company"]
    assert company.blocks[0].type == "registry"
    assert all(b.type != "registry" for s in sections_view(full_dossier(), [])
               for b in s.blocks)
    assert registry_block({"status": "nonsense"}) is None and registry_block(None) is None


def test_the_pdf_shows_the_status_and_the_differences():
    pdf = render_dossier_pdf(full_dossier(), attachments=[], registry=record(
        "mismatch", differences=[{"field": "company.address.city", "typed": "Marseille",
                                  "registry": "AIX-EN-PROVENCE"}]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Écarts avec le registre (vérifié le 3 décembre 2026)" in flat
    assert "saisie : Marseille ; registre : AIX-EN-PROVENCE" in flat.replace("\u00a0", " ")
