"""Bounds on what clients send, checked before any conversion: digits, exponents, nesting.

Converting a number costs time in its size: `int("9" * 5000)` is refused by Python, and a
JSON `1e999999999` turned into an int by a schema computes a billion-digit integer. Every
reader of client input (JSON bodies, form fields, the schema's number types) checks these
bounds first, and refuses with a field error instead of converting.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from dossier.errors import DomainError, FieldError, Invalid

MAX_DIGITS = 40  # digits of a number as written (money needs 14)
MAX_EXPONENT = 40  # |exponent| of a number in scientific notation
MAX_DEPTH = 64  # nesting of JSON arrays and objects (a dossier needs 4)
MAX_INDEX = 999  # largest row number in a form field name such as `founders[2].email`

_NUMBER = re.compile(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?")
_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # a backslash and the character it escapes
_NOT_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))


def number_fits(text: str) -> bool:
    """True when a written number has at most MAX_DIGITS digits and a small exponent."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return len(text) <= MAX_DIGITS + 8  # not a number at all: its reader will say so
    whole, fraction, _, exponent = match.groups()
    if len(whole.lstrip("0") or "0") + len(fraction or "") > MAX_DIGITS:
        return False
    exponent = (exponent or "0").lstrip("0") or "0"
    return len(exponent) <= 3 and int(exponent) <= MAX_EXPONENT


def decimal_fits(value: Decimal) -> bool:
    """True for a finite Decimal within the digit and exponent bounds (no context needed)."""
    if not value.is_finite():
        return False
    digits = value.as_tuple().digits
    return len(digits) <= MAX_DIGITS and -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT


def number_too_large() -> PydanticCustomError:
    """The schema's field error for a number beyond the bounds, to raise."""
    return PydanticCustomError(
        "number_too_large",
        "The number has more than {max_digits} digits or an exponent beyond {max_exponent}",
        _bounds())


def small_index(text: str) -> int | None:
    """A row number typed in a name (`2` in `founders[2]`), or None beyond MAX_INDEX."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_INDEX)):
        return None
    number = int(text)
    return number if number <= MAX_INDEX else None


def json_depth_ok(data: bytes) -> bool:
    """True when no array or object of this JSON text is nested deeper than MAX_DEPTH.

    Counted on the text's brackets outside strings, without recursing (a recursion limit
    depends on the thread's stack and is not a bound one can state). Escapes removed, the
    text splits on quotes into outside and inside parts: C-speed bytes operations, so a 1 MB
    body costs milliseconds (a per-character regular expression cost 130-420 ms).
    """
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return True
    unescaped = _ESCAPE.sub(b"", data) if b"\\" in data else data
    brackets = b"".join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKET)
    if len(brackets) <= 2 * MAX_DEPTH:
        return True
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_DEPTH:
            return False
    return True


class Refused:
    """A number replaced while parsing because it breaks a bound; found afterwards by loc."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


def read_json(data: bytes | bytearray | str) -> Any:
    """Parse a client's JSON: bounded nesting and numbers, Decimal never float, no duplicates.

    Raises DomainError (json_too_deep, json_invalid), or Invalid naming the field of each
    number that is too large, too long or not finite.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if not json_depth_ok(raw):
        raise DomainError("json_too_deep", {"max_depth": MAX_DEPTH})
    refused: list[Refused] = []

    def refuse(code: str) -> Refused:
        refused.append(Refused(code))
        return refused[-1]

    def parse_float(text: str) -> Decimal | Refused:
        return Decimal(text) if number_fits(text) else refuse("number_too_large")

    def parse_int(text: str) -> int | Refused:
        return int(text) if number_fits(text) else refuse("number_too_large")

    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        value = json.loads(text, parse_float=parse_float, parse_int=parse_int,
                           parse_constant=lambda _: refuse("finite_number"),
                           object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError) as exc:
        raise DomainError("json_invalid", {"reason": str(exc)[:200]}) from exc
    if refused:
        raise Invalid(errors=[FieldError(loc or "body", item.code, _bounds())
                              for loc, item in _refused_at(value, "")])
    return value


def _bounds() -> dict[str, int]:
    return {"max_digits": MAX_DIGITS, "max_exponent": MAX_EXPONENT}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins; a body that says two things is refused.
    out = dict(pairs)  # built in C: this hook runs once per object of the body
    if len(out) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {key!r}")
    return out


def _refused_at(value: Any, loc: str) -> list[tuple[str, Refused]]:
    """Each refused number with its loc (`funding.uses[0].amount_eur`); depth is bounded."""
    if isinstance(value, Refused):
        return [(loc, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in _refused_at(item, f"{loc}.{key}" if loc else str(key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value)
                for found in _refused_at(item, f"{loc}[{index}]")]
    return []
