"""French and English display of amounts, percentages, integers and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms.formatting import (
    format_date,
    format_int,
    format_money,
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
    assert plain(format_size(184_320)) == "180,0 Ko"
    assert format_size(1_245_678, "en") == "1.2 MB"
