"""Money and percentages: exact decimals in, strings with 2 decimals out."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dossier.money import Money, NonNegativeMoney, Percent, PositiveMoney

MONEY = TypeAdapter(Money)
POSITIVE = TypeAdapter(PositiveMoney)
NON_NEGATIVE = TypeAdapter(NonNegativeMoney)
PERCENT = TypeAdapter(Percent)
LIMIT = Decimal("999999999999.99")


@pytest.mark.parametrize("raw", ["1329243", "1329243.00", "1329243.0", " 1329243.00 ", 1329243,
                                 Decimal("1329243"), Decimal("1.329243E+6"), 1329243.0])
def test_accepts_numbers_and_strings(raw):
    value = MONEY.validate_python(raw)
    assert value == Decimal("1329243") and str(value) == "1329243.00"
    assert MONEY.dump_python(value, mode="json") == "1329243.00"


def test_floats_go_through_their_shortest_text():
    assert MONEY.validate_python(1329243.5) == Decimal("1329243.50")
    assert MONEY.validate_python(0.1) == Decimal("0.10")  # not 0.1000000000000000055...
    assert MONEY.dump_json(MONEY.validate_python(0.07)) == b'"0.07"'


def test_python_mode_keeps_decimals():
    assert isinstance(MONEY.dump_python(MONEY.validate_python("5")), Decimal)


def test_negative_zero_is_zero():
    assert MONEY.dump_python(MONEY.validate_python("-0.00"), mode="json") == "0.00"


@pytest.mark.parametrize(("raw", "code"), [
    ("1.234", "decimal_max_places"),
    (Decimal("0.001"), "decimal_max_places"),
    ("1000000000000", "decimal_whole_digits"),
    (Decimal("1E+12"), "decimal_whole_digits"),
    (1e300, "number_too_large"),  # beyond the exponent bound: refused before computing
    ("NaN", "finite_number"),
    ("-Infinity", "finite_number"),
    (Decimal("sNaN"), "finite_number"),
    (float("inf"), "finite_number"),
    (True, "decimal_type"),
    (False, "decimal_type"),
    ([1], "decimal_type"),
    (None, "decimal_type"),
    ("1e3", "decimal_parsing"),
    ("1,50", "decimal_parsing"),
    ("", "decimal_parsing"),
    ("+5", "decimal_parsing"),
    ("0x10", "decimal_parsing"),
])
def test_refuses(raw, code):
    with pytest.raises(ValidationError) as exc:
        MONEY.validate_python(raw)
    assert [e["type"] for e in exc.value.errors()] == [code]


def test_bounds_of_each_variant():
    assert MONEY.validate_python("-999999999999.99") == -LIMIT
    assert NON_NEGATIVE.validate_python(0) == 0
    assert POSITIVE.validate_python("0.01") == Decimal("0.01")
    for adapter, raw, code in [(POSITIVE, 0, "greater_than"),
                               (NON_NEGATIVE, "-0.01", "greater_than_equal"),
                               (PERCENT, "100.01", "less_than_equal"),
                               (PERCENT, "-1", "greater_than_equal"),
                               (PERCENT, "1000", "decimal_whole_digits")]:
        with pytest.raises(ValidationError) as exc:
            adapter.validate_python(raw)
        assert exc.value.errors()[0]["type"] == code


in_bounds = st.decimals(min_value=-LIMIT, max_value=LIMIT, places=2, allow_nan=False,
                        allow_infinity=False)


@given(in_bounds)
def test_round_trip_is_identity(amount):
    parsed = MONEY.validate_python(amount)
    dumped = MONEY.dump_json(parsed)
    again = MONEY.validate_json(dumped)
    assert again == parsed == amount
    assert MONEY.dump_json(again) == dumped
    text = json.loads(dumped)
    assert text == f"{amount:.2f}" and len(text.split(".")[1]) == 2
    assert MONEY.validate_python(text) == amount


@given(in_bounds)
def test_json_number_input_matches_string_input(amount):
    as_number = json.loads(str(amount), parse_float=Decimal)
    assert MONEY.validate_python(as_number) == MONEY.validate_python(str(amount))
