"""The reviewer page and the PDF show the computed figures after the financial tables."""

from __future__ import annotations

from forms.view import figures_block, sections_view
from tests.helpers import full_dossier


def test_the_financial_chapter_ends_with_the_computed_figures_in_french():
    [financials] = [s for s in sections_view(full_dossier(), []) if s.key == "financials"]
    block = financials.blocks[-1]
    assert block.type == "figures" and block.title == "Indicateurs calculés"
    shown = {r.path: r.value for r in block.rows}
    assert shown["figures.growth"] == "112,50\u00a0%"
    assert shown["figures.equity-ratio"] == "54,55\u00a0%"
    assert shown["figures.burn"].startswith("12\u202f500,00")
    assert shown["figures.cash-months"] == "15,2 mois"
    assert shown["figures.obtained"] == "21,06\u00a0%"


def test_a_draft_without_figures_shows_no_block():
    assert figures_block({"schema_version": 1}) is None
    assert all(b.type != "figures" for s in sections_view({"schema_version": 1}, [])
               for b in s.blocks)
