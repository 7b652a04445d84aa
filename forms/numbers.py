"""Numbers as people type them on a page, French or English: the one parser of every form.

Accepted: `1 250 000,00`, `1.250.000,00`, `1250000,5`, `1 250 000 €`, `€1,250,000.00`,
`1,250,000.00`, `42,5 %` (spaces may be NBSP or narrow NBSP). Refused with a code saying why:
garbage, badly grouped digits, and `1,250` or `1.250`, which French and English read apart.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from dossier.bounded_numbers import MAX_DIGITS, MAX_EXPONENT, number_fits
from dossier.catalogue import N_
from dossier.errors import FieldError, Invalid
from dossier.i18n import register, translate

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]+")
_SHAPE = re.compile(r"(?P<sign>[+-]?)€?(?P<body>[\d., ]+?)(?:€|%)?")
# Digits before the decimals: plain, or grouped by threes with one kind of mark.
_WHOLE = re.compile(r"\d*|\d{1,3}([ .,])\d{3}(?:\1\d{3})*")
_FRACTION = re.compile(r"\d*")

register({
    "number_unreadable": N_("“{typed}” is not a number: write for example 1,250,000.00."),
    "number_ambiguous": N_("“{typed}” reads two ways: write {whole} or {fraction}."),
})


class NumberError(ValueError):
    """A typed number refused: `code` is number_unreadable, number_ambiguous or
    number_too_large; `ctx` fills its message."""

    def __init__(self, code: str, ctx: dict[str, Any]) -> None:
        super().__init__(code)
        self.code, self.ctx = code, ctx

    def message(self, lang: str = "fr") -> str:
        """The reason in words."""
        return translate(self.code, self.ctx, lang)


def parse_number(text: str | None) -> Decimal | None:
    """The typed number as a Decimal (None when left empty); NumberError when unreadable."""
    raw = (text or "").strip()
    if not raw:
        return None
    compact = _SPACES.sub(" ", raw.replace("\u2212", "-"))
    shape = _SHAPE.fullmatch(compact.replace(" €", "€").replace(" %", "%").replace("€ ", "€"))
    if shape is None:
        raise _unreadable(raw)
    body = shape["body"].strip()
    whole, fraction = _split(body, raw)
    digits = f"{shape['sign']}{whole or '0'}" + (f".{fraction}" if fraction else "")
    if not number_fits(digits):
        raise NumberError("number_too_large",
                          {"typed": raw[:40], "max_digits": MAX_DIGITS,
                           "max_exponent": MAX_EXPONENT})
    return Decimal(digits)


def decimal_string(text: str) -> str:
    """A typed number as the services read it (`1329243.00`); unreadable text as typed."""
    try:
        number = parse_number(text)
    except NumberError:
        return text.strip()
    return "" if number is None else str(number)


def _split(body: str, raw: str) -> tuple[str, str]:
    """Whole digits and fraction digits of a number body, its separators checked."""
    decimal = _decimal_mark(body, raw)
    whole, _, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    if not (whole or fraction) or not _FRACTION.fullmatch(fraction) \
            or not _WHOLE.fullmatch(whole):
        raise _unreadable(raw)
    return re.sub(r"\D", "", whole), fraction


def _decimal_mark(body: str, raw: str) -> str | None:
    """Which mark separates the decimals: the last of `,` and `.` when both are written;
    a single one unless it looks like a thousands group (`1,250`: refused as ambiguous)."""
    marks = [c for c in body if not c.isdigit()]
    if "," in marks and "." in marks:
        last = "," if body.rfind(",") > body.rfind(".") else "."
        if marks.count(last) > 1:
            raise _unreadable(raw)
        return last
    for mark in ",.":
        if marks.count(mark) == 1:
            whole, _, fraction = body.partition(mark)
            if _looks_grouped(whole, fraction):
                short = fraction.rstrip("0") or "0"
                raise NumberError("number_ambiguous", {
                    "typed": raw[:40], "whole": f"{whole}{fraction}",
                    "fraction_fr": f"{whole},{short}", "fraction_en": f"{whole}.{short}"})
            return mark
    return None


def _looks_grouped(whole: str, fraction: str) -> bool:
    """`1,250` or `12.500`: three digits after a lone mark may be a thousands group."""
    return (len(fraction) == 3 and fraction.isdigit() and whole.isdigit()
            and 1 <= len(whole) <= 3 and whole != "0")


def _unreadable(raw: str) -> NumberError:
    return NumberError("number_unreadable", {"typed": raw[:40]})


def typed_decimals(values: dict[str, str]) -> dict[str, str | None]:
    """Typed numbers by field name as decimal strings (None when empty); Invalid naming
    every field that cannot be read."""
    out: dict[str, str | None] = {}
    errors = []
    for name, typed in values.items():
        try:
            number = parse_number(typed)
        except NumberError as exc:
            errors.append(FieldError(name, exc.code, exc.ctx))
            continue
        out[name] = None if number is None else str(number)
    if errors:
        raise Invalid(errors=errors)
    return out
