"""French and English display of amounts, percentages, integers and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from forms.formatting import (
    fill,
    format_country,
    format_date,
    format_datetime,
    format_int,
    format_money,
    format_number,
    format_pct,
    format_size,
)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(("value", "fr", "en"), [
    ("1329243.00", "1 329 243,00 €", "€1,329,243.00"),
    (Decimal("1329243"), "1 329 243,00 €", "€1,329,243.00"),
    (70000, "70 000,00 €", "€70,000.00"),
    ("-210000.00", "-210 000,00 €", "-€210,000.00"),
    ("-0.5", "-0,50 €", "-€0.50"),
    ("0", "0,00 €", "€0.00"),
    ("-0.00", "0,00 €", "€0.00"),
    ("999999999999.99", "999 999 999 999,99 €", "€999,999,999,999.99"),
])
def test_format_money(value, fr, en):
    assert plain(format_money(value)) == fr
    assert plain(format_money(value, "en")) == en


@pytest.mark.parametrize(("value", "fr", "en"), [
    ("5.27", "5,27 %", "5.27%"),
    ("5.2661", "5,27 %", "5.27%"),
    (Decimal("100"), "100,00 %", "100.00%"),
    ("0", "0,00 %", "0.00%"),
    ("-12.5", "-12,50 %", "-12.50%"),
    ("0.005", "0,01 %", "0.01%"),  # half up, as people round
])
def test_format_pct(value, fr, en):
    assert plain(format_pct(value)) == fr
    assert plain(format_pct(value, "en")) == en


@pytest.mark.parametrize("value", [1.5, float("nan"), "NaN", "Infinity", "12,5", "abc", True])
def test_floats_and_non_numbers_are_refused(value):
    with pytest.raises((TypeError, ValueError)):
        format_money(value)
    with pytest.raises((TypeError, ValueError)):
        format_pct(value)


def test_integers_and_dates():
    assert plain(format_int(1250000)) == "1 250 000"
    assert format_int("-3", "en") == "-3"
    assert plain(format_int(12500, "en")) == "12,500"
    with pytest.raises(ValueError):
        format_int("1.5")
    assert format_date("2021-03-15") == "15 mars 2021"
    assert format_date(date(2021, 3, 15), "en") == "15 March 2021"
    assert format_date("2024-02-01") == "1 février 2024"


def test_file_sizes():
    assert format_size(512) == "512 octets"
    assert plain(format_size(184_320)) == "180 Ko"
    assert format_size(52_428_800) == "50 Mo"
    assert plain(format_size(251_187)) == "245,3 Ko"
    assert format_size(1_245_678, "en") == "1.2 MB"


def test_moments_are_shown_on_the_paris_clock():
    """Stored UTC (or naive, read as UTC) moments read in Paris time, winter and summer."""
    winter = datetime(2026, 12, 5, 21, 36, tzinfo=UTC)
    assert format_datetime(winter) == "5 décembre 2026 à 22:36"
    assert format_datetime(datetime(2026, 7, 1, 22, 30)) == "2 juillet 2026 à 00:30"
    assert format_datetime("2026-07-01T22:30:00+00:00", "en") == "2 July 2026, 00:30"
    assert format_date(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "2 mars 2026"  # its Paris day


def test_numbers_typed_back_into_a_form_and_names_after_de():
    assert format_number("300000") == "300 000,00"
    assert format_number(Decimal("1250.5"), "en") == "1,250.50"
    assert fill("Retirer mon dossier de {name}", name="Aix-Marseille Provence Amorçage") == (
        "Retirer mon dossier d'Aix-Marseille Provence Amorçage")
    assert fill("Votre réponse à la demande de {name}", name="CIC") == (
        "Votre réponse à la demande de CIC")
    assert fill("Dossier withdrawn from {name}.", "en", name="Aix") == "Dossier withdrawn from Aix."
    assert format_country("FR") == "France" and format_country("DE", "en") == "Germany"
