"""Typed numbers: one parser for every page, French and English, ambiguity refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.errors import Invalid
from forms.formatting import format_money
from forms.numbers import NumberError, parse_number, typed_decimals


@pytest.mark.parametrize(("typed", "number"), [
    ("1 250 000,00", "1250000.00"), ("1.250.000,00", "1250000.00"),
    ("1250000,5", "1250000.5"), ("1 250 000 €", "1250000"),
    ("1\u00a0250\u00a0000,00\u00a0€", "1250000.00"), ("1\u202f250\u202f000,00 €", "1250000.00"),
    ("1,250,000.00", "1250000.00"), ("€1,250,000.00", "1250000.00"), ("1250000", "1250000"),
    ("-210 000,00", "-210000.00"), ("\u2212210 000,00", "-210000.00"), ("42,5 %", "42.5"),
    ("0,250", "0.250"), ("3,5", "3.5"), ("1.5", "1.5"), ("1.250.000", "1250000"),
])
def test_french_and_english_typing_is_read(typed, number):
    assert parse_number(typed) == Decimal(number)
    assert str(parse_number(typed)) == number


@pytest.mark.parametrize("typed", ["", "  ", None])
def test_nothing_typed_is_none(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize(("typed", "code"), [
    ("1,250", "number_ambiguous"), ("1.250", "number_ambiguous"), ("12,500 €", "number_ambiguous"),
    ("douze", "number_unreadable"), ("1,2,3", "number_unreadable"), ("12 34", "number_unreadable"),
    ("1 250.000,00", "number_unreadable"), ("1e5", "number_unreadable"), ("€", "number_unreadable"),
    ("1.5.3", "number_unreadable"), ("1,2.3,4", "number_unreadable"), ("NaN", "number_unreadable"),
    ("9" * 60, "number_too_large"),
])
def test_ambiguous_and_garbage_are_refused_with_a_reason(typed, code):
    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert refused.value.code == code
    assert typed[:10] in refused.value.message("fr") or code == "number_too_large"


def test_ambiguity_is_explained_both_ways():
    with pytest.raises(NumberError) as refused:
        parse_number("1,250")
    assert refused.value.message("fr") == ("« 1,250 » se lit de deux façons : écrivez 1250 "
                                           "ou 1,25.")
    assert refused.value.message("en") == "“1,250” reads two ways: write 1250 or 1.25."


def test_typed_decimals_names_every_unreadable_field():
    assert typed_decimals({"amount_eur": "1.250.000,00", "rate_pct": ""}) == {
        "amount_eur": "1250000.00", "rate_pct": None}
    with pytest.raises(Invalid) as refused:
        typed_decimals({"amount_eur": "beaucoup", "rate_pct": "1,250", "duration_months": "12"})
    assert [(e.loc, e.code) for e in refused.value.errors] == [
        ("amount_eur", "number_unreadable"), ("rate_pct", "number_ambiguous")]


amounts = st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)


@settings(deadline=None)  # the first call loads Babel's locale data
@given(amounts, st.sampled_from(["fr", "en"]))
def test_a_formatted_amount_reads_back_the_same(amount, lang):
    assert parse_number(format_money(amount, lang)) == amount
