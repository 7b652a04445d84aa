"""Decimal euro amounts and percentages: parsed exactly, dumped as strings with 2 decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from dossier.bounded_numbers import MAX_DIGITS, decimal_fits, number_too_large

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_WHOLE_DIGITS = 12

_DECIMAL_STRING = re.compile(r"-?\d+(\.\d+)?")
_PATTERNS = {
    "signed": r"^-?\d{1,12}(\.\d{1,2})?$",
    "non_negative": r"^\d{1,12}(\.\d{1,2})?$",
    "positive": r"^(?!0*(\.0*)?$)\d{1,12}(\.\d{1,2})?$",
    "percent": r"^(100(\.00?)?|\d{1,2}(\.\d{1,2})?)$",
}
_LIMIT = Decimal(10) ** MAX_WHOLE_DIGITS - CENT


def to_decimal(value: Any) -> Decimal:
    """Turn a JSON number, a Decimal or a decimal string into a Decimal, exactly."""
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Input should be a number or a decimal string")
    if isinstance(value, Decimal):
        return _bounded(value)
    if isinstance(value, int):
        return _bounded(Decimal(value)) if value.bit_length() < 256 else _too_large()
    if isinstance(value, float):
        return _bounded(Decimal(str(value)))  # the shortest repr, not the binary expansion
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL_STRING.fullmatch(text):
            return _bounded(Decimal(text)) if len(text) <= MAX_DIGITS + 2 else _too_large()
        try:
            special = Decimal(text)
        except InvalidOperation:
            special = None
        if special is not None and not special.is_finite():  # "NaN", "Infinity"
            raise PydanticCustomError("finite_number", "Input should be a finite number")
        raise PydanticCustomError("decimal_parsing", "Input should be a valid decimal")
    raise PydanticCustomError("decimal_type", "Input should be a number or a decimal string")


def _too_large() -> Decimal:
    raise number_too_large()


def _bounded(value: Decimal) -> Decimal:
    """The Decimal itself, once its size is known to be cheap to compute with."""
    if value.is_finite() and not decimal_fits(value):
        return ZERO if value.is_zero() else _too_large()
    return value


def cents(value: Any, *, whole_digits: int = MAX_WHOLE_DIGITS, gt: Decimal | None = None,
          ge: Decimal | None = None, le: Decimal | None = None) -> Decimal:
    """Validate a value as a finite decimal with at most 2 places; return it quantized to cents."""
    number = to_decimal(value)
    if not number.is_finite():
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    if abs(number) >= Decimal(10) ** whole_digits:
        raise PydanticCustomError(
            "decimal_whole_digits",
            "Decimal input should have no more than {whole_digits} digits before the decimal point",
            {"whole_digits": whole_digits},
        )
    quantized = number.quantize(CENT)
    if quantized != number:
        raise PydanticCustomError(
            "decimal_max_places",
            "Decimal input should have no more than {decimal_places} decimal places",
            {"decimal_places": 2},
        )
    if gt is not None and not quantized > gt:
        raise PydanticCustomError(
            "greater_than", "Input should be greater than {gt}", {"gt": str(gt)})
    if ge is not None and not quantized >= ge:
        raise PydanticCustomError(
            "greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": str(ge)})
    if le is not None and not quantized <= le:
        raise PydanticCustomError(
            "less_than_equal", "Input should be less than or equal to {le}", {"le": str(le)})
    return quantized if quantized else ZERO  # no "-0.00"


def as_str(value: Decimal) -> str:
    """Format a cents Decimal the way the API writes money: "1329243.00"."""
    return f"{value:.2f}"


def _json_schema(kind: str, description: str, **bounds: Any) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number"}
    number.update({k: v for k, v in bounds.items() if v is not None})
    return {
        "anyOf": [{"type": "string", "pattern": _PATTERNS[kind]}, number],
        "description": description,
    }


def _decimal_type(kind: str, description: str, *, whole_digits: int = MAX_WHOLE_DIGITS,
                  gt: Decimal | None = None, ge: Decimal | None = None,
                  le: Decimal | None = None) -> Any:
    def validate(value: Any) -> Decimal:
        return cents(value, whole_digits=whole_digits, gt=gt, ge=ge, le=le)

    maximum = le if le is not None else _LIMIT
    minimum = ge if ge is not None else (None if gt is not None else -_LIMIT)
    schema = _json_schema(
        kind, description, maximum=float(maximum),
        minimum=None if minimum is None else float(minimum),
        exclusiveMinimum=None if gt is None else float(gt),
    )
    return Annotated[
        Decimal,
        PlainValidator(validate, json_schema_input_type=str | int | float | Decimal),
        PlainSerializer(as_str, return_type=str, when_used="json"),
        WithJsonSchema(schema, mode="validation"),
        WithJsonSchema({"type": "string", "pattern": _PATTERNS[kind]}, mode="serialization"),
    ]


Money = _decimal_type("signed", "Euros, at most 2 decimals; may be negative.")
NonNegativeMoney = _decimal_type("non_negative", "Euros ≥ 0, at most 2 decimals.", ge=ZERO)
PositiveMoney = _decimal_type("positive", "Euros > 0, at most 2 decimals.", gt=ZERO)
Percent = _decimal_type("percent", "Percent 0–100, at most 2 decimals.", whole_digits=3,
                        ge=ZERO, le=Decimal(100))


def as_cents(value: Decimal | None) -> int | None:
    """Whole cents of a money amount, for exact integer columns."""
    return None if value is None else int((value * 100).to_integral_value())


def from_cents(value: int | None) -> Decimal | None:
    """Back from whole cents to a 2-decimal amount."""
    return None if value is None else (Decimal(value) / 100).quantize(CENT)
