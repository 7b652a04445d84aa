"""The dossier PDF and HTML: contents, French formatting, drafts, speed."""

from __future__ import annotations

import re

from markupsafe import escape

from forms import pdf as pdf_module
from forms.definition import SECTIONS, enum_label
from forms.display import share_pct
from forms.formatting import format_money, format_pct
from forms.pdf import render_dossier_html, render_dossier_pdf


def squash(text: str) -> str:
    """Text without any whitespace, to match across line breaks."""
    return "".join(text.split())


def test_full_pdf_has_the_dossier(full_pdf, full_text):
    content, pdf = full_pdf
    assert pdf.startswith(b"%PDF-")
    assert content["company"]["legal_name"] in full_text
    assert "1 329 243,00 €" in full_text
    assert "5,27 %" in full_text
    for s in SECTIONS:
        assert s.title.fr in full_text, s.key
    for source in content["funding"]["sources"]:
        share = share_pct(source["amount_eur"], content["funding"]["total_need_eur"])
        assert format_pct(share).replace("\u202f", " ").replace("\xa0", " ") in full_text
    assert "100,00 %" in full_text
    for use in content["funding"]["uses"]:
        assert enum_label("use_category", use["category"]) in full_text
    assert "Caisse d'Epargne CEPAC" in full_text
    assert "Orientation/conseil" in full_text
    assert "Extrait Kbis" in full_text and "kbis-2025-05.pdf" in full_text


def test_footer_cover_and_hashes(full_pdf, full_text, attachments):
    squashed = squash(full_text)
    pages = len(re.findall(r"Dossier unique de financement — version 3 — page \d+ / \d+",
                           full_text))
    assert pages >= 3
    assert "page 1 / " in full_text
    assert "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c" in squashed
    assert "3 juin 2025 à 16:05" in full_text  # 14:05 UTC on the Paris clock (summer time)
    for item in attachments:
        assert item["sha256"] in squashed


def test_long_text_keeps_its_line_breaks(full_pdf, full_text):
    content, _ = full_pdf
    innovation = content["project"]["innovation"]
    assert "\n" in innovation
    second = innovation.split("\n")[1].strip()
    lines = [line.strip() for line in full_text.splitlines()]
    assert any(line.startswith(second[:25]) for line in lines)
    html = render_dossier_html(content, attachments=[])
    assert escape(innovation) in html


def test_empty_draft_renders(pdf_text):
    text = pdf_text(render_dossier_pdf({}, attachments=[]))
    assert "non renseigné" in text
    assert "Dossier unique de financement — brouillon — page 1 / " in text
    for s in SECTIONS:
        assert s.title.fr in text


def test_odd_draft_values_never_crash():
    draft = {
        "company": None,
        "founders": "not a list",
        "project": {"summary": ""},
        "financials": {"history": [None, {"year": "x", "revenue_eur": "abc"}]},
        "funding": {"total_need_eur": "0", "uses": [{}],
                    "sources": [{"amount_eur": "12.5", "type": "mystery"}]},
        "requests": [{"partner": "unknown"}],
    }
    html = render_dossier_html(draft, attachments=[{"kind": "kbis"}], version=1)
    assert "mystery" in html and "unknown" in html and "abc" in html
    assert render_dossier_html("not even a dict", attachments=[])  # type: ignore[arg-type]


def test_english_document(full_pdf):
    content, _ = full_pdf
    html = render_dossier_html(content, attachments=[], lang="en", version=2)
    plain = html.replace("\u202f", " ").replace("\xa0", " ")
    assert '<html lang="en">' in html
    assert "Funding need and plan" in plain and "€1,329,243.00" in plain and "5.27%" in plain


def test_money_in_tables_is_french(full_pdf, full_text):
    content, _ = full_pdf
    for row in content["financials"]["history"]:
        plain = format_money(row["net_income_eur"]).replace("\u202f", " ").replace("\xa0", " ")
        assert plain in full_text


def test_stylesheet_and_templates_are_parsed_once():
    assert pdf_module.stylesheet() is pdf_module.stylesheet()
    assert pdf_module.environment() is pdf_module.environment()
