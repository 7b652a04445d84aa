"""Field types of the dossier: clean text, French identifiers, contacts, dates, years."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from dossier.bounded_numbers import decimal_fits, number_fits, number_too_large

# --- submission markers: the one place that says what a complete dossier needs ---

REQUIRED_KEY = "x-required"
MIN_ITEMS_KEY = "x-min-items"


def required(default: Any = None, *, min_items: int | None = None, **kwargs: Any) -> Any:
    """A field optional in a draft but required at submission (with a list minimum if given)."""
    extra: dict[str, Any] = {REQUIRED_KEY: True}
    if min_items:
        extra[MIN_ITEMS_KEY] = min_items
    return Field(default, json_schema_extra=extra, **kwargs)


def is_required(info: FieldInfo) -> bool:
    """Whether a model field is marked required at submission."""
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get(REQUIRED_KEY) is True


def min_items(info: FieldInfo) -> int:
    """The submission minimum length of a list field (0 if none)."""
    extra = info.json_schema_extra
    return int(extra.get(MIN_ITEMS_KEY, 0)) if isinstance(extra, dict) else 0


# --- text ---

# Control characters (category Cc: U+0000-U+001F, U+007F-U+009F) and lone surrogates (Cs),
# then bidi embeddings, overrides and isolates: they make text read differently from what it
# is ("Trojan Source", reversed file extensions in names). Plain marks (LRM, RLM) stay
# allowed. One compiled class, so a 1 MB field is scanned in C, not character by character.
_FORBIDDEN = "\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_LINE = re.compile(f"[\x00-\x1f{_FORBIDDEN}]")
_FORBIDDEN_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f{_FORBIDDEN}]")  # \t and \n allowed


# NFC composition shortens a text by at most this factor in practice (Hangul jamo: 3 to 1).
_SHRINK = 4


def _clean(value: Any, *, multiline: bool, max_length: int) -> Any:
    if not isinstance(value, str):
        return value  # pydantic reports string_type
    if len(value) > _SHRINK * max_length and len(value.strip()) > _SHRINK * max_length:
        return value  # too long whatever cleaning does: refused as such, without a scan
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_LINE).search(value):
        raise PydanticCustomError("control_characters", "Text contains control characters")
    return unicodedata.normalize("NFC", value).strip()


def _cleaner(max_length: int, *, multiline: bool = False) -> BeforeValidator:
    """The cleaning step of a text field whose bound is `max_length`."""
    return BeforeValidator(lambda v: _clean(v, multiline=multiline, max_length=max_length))


def text(max_length: int, *, min_length: int = 1, multiline: bool = False) -> Any:
    """A stripped, NFC-normalised string of bounded length without control characters."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        _cleaner(max_length, multiline=multiline),
    ]


Text100 = text(100)
Text200 = text(200)
Summary = text(1_000, multiline=True)
LongText = text(5_000, multiline=True)


# --- French identifiers and banking ---

def _compact(value: Any) -> Any:
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


def _check_siren(value: str) -> str:
    if not stdnum_siren.is_valid(value) or len(value) != 9:
        raise PydanticCustomError("siren_invalid", "The SIREN is not a valid 9-digit number")
    return value


def _check_siret(value: str) -> str:
    if not stdnum_siret.is_valid(value) or len(value) != 14:
        raise PydanticCustomError("siret_invalid", "The SIRET is not a valid 14-digit number")
    return value


def _check_iban(value: str) -> str:
    try:
        return IBAN(value, validate_bban=True).compact
    except SchwiftyException:
        raise PydanticCustomError("iban_invalid", "The IBAN is not valid") from None


def _check_bic(value: str) -> str:
    try:
        return str(BIC(value))
    except SchwiftyException:
        raise PydanticCustomError("bic_invalid", "The BIC is not valid") from None


def _identifier(check: Any, pattern: str, *, upper: bool = False) -> Any:
    def before(value: Any) -> Any:
        value = _compact(value)
        return value.upper() if upper and isinstance(value, str) else value

    return Annotated[
        str, StringConstraints(max_length=64), BeforeValidator(before), AfterValidator(check),
        WithJsonSchema({"type": "string", "pattern": pattern}),
    ]


Siren = _identifier(_check_siren, r"^\s*(\d\s*){9}$")
Siret = _identifier(_check_siret, r"^\s*(\d\s*){14}$")
Iban = _identifier(_check_iban, r"^\s*([A-Za-z]{2}\s*\d{2}\s*)([A-Za-z0-9]\s*){10,30}$", upper=True)
Bic = _identifier(_check_bic, r"^\s*[A-Za-z0-9]{8}([A-Za-z0-9]{3})?\s*$", upper=True)


def _naf(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().upper()
        if re.fullmatch(r"\d{4}[A-Z]", value):
            value = f"{value[:2]}.{value[2:]}"
    return value


def _matching(pattern: str, code: str, message: str) -> Any:
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise PydanticCustomError(code, message)
        return value

    return check


NafCode = Annotated[
    str, StringConstraints(max_length=20), BeforeValidator(_naf),
    AfterValidator(_matching(r"\d{2}\.\d{2}[A-Z]", "naf_code_invalid", "Like 26.70Z")),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d{2}\.?\d{2}[A-Za-z]\s*$"}),
]
PostalCode = Annotated[
    str, StringConstraints(max_length=20), BeforeValidator(_compact),
    AfterValidator(_matching(r"\d{5}", "postal_code_invalid", "A postal code has 5 digits")),
    WithJsonSchema({"type": "string", "pattern": r"^\s*(\d\s*){5}$"}),
]
PartnerCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]


# CLDR regions that are not ISO 3166-1 countries (reserved, grouping or pseudo codes)
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB",
                  "ZZ"}


@cache
def _countries() -> frozenset[str]:
    codes = (k for k in Locale("en").territories if len(k) == 2 and k.isalpha())
    return frozenset(codes) - _NOT_COUNTRIES


def _check_country(value: str) -> str:
    if value not in _countries():
        raise PydanticCustomError("country_invalid", "Unknown country code {country}",
                                  {"country": value})
    return value


Country = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"),
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    AfterValidator(_check_country),
]


# --- contacts ---

def _check_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("email_invalid", "The e-mail address is not valid") from None


Email = Annotated[
    str, StringConstraints(max_length=254), _cleaner(254),
    AfterValidator(_check_email), WithJsonSchema({"type": "string", "format": "email",
                                                  "maxLength": 254}),
]

_PHONE_TEXT = re.compile(r"\+?[0-9 .()\-]{6,30}")
_PHONE_E164 = re.compile(r"\+[1-9]\d{7,14}")
_PHONE_FR_INTL = re.compile(r"\+33[1-9]\d{8}")
_PHONE_FR_NATIONAL = re.compile(r"0[1-9]\d{8}")


def _check_phone(value: str) -> str:
    digits = re.sub(r"[ .()\-]", "", value.replace("(0)", ""))
    if _PHONE_TEXT.fullmatch(value):
        if digits.startswith("+33"):
            if _PHONE_FR_INTL.fullmatch(digits):
                return value
        elif _PHONE_E164.fullmatch(digits) or _PHONE_FR_NATIONAL.fullmatch(digits):
            return value
    raise PydanticCustomError("phone_invalid", "The phone number is not valid")


Phone = Annotated[
    str, StringConstraints(max_length=30), _cleaner(30),
    AfterValidator(_check_phone), WithJsonSchema({"type": "string", "pattern": _PHONE_TEXT.pattern,
                                                  "maxLength": 30}),
]

_HTTP_URL = TypeAdapter(HttpUrl)


def _check_url(value: str) -> str:
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise PydanticCustomError(err["type"], err["msg"], err.get("ctx")) from None
    return value


WebUrl = Annotated[
    str, StringConstraints(max_length=2000), _cleaner(2000),
    AfterValidator(_check_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                    "maxLength": 2000}),
]


# --- dates and numbers ---

def _today(info: ValidationInfo) -> date:
    context = info.context if isinstance(info.context, dict) else {}
    return context.get("today") or date.today()


def date_input(value: Any) -> Any:
    """Refuse numbers where a date is expected (pydantic would read a Unix timestamp)."""
    if isinstance(value, bool | int | float | Decimal):  # pydantic would read a Unix timestamp
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


def _not_in_future(value: date, info: ValidationInfo) -> date:
    today = _today(info)
    if value > today:
        raise PydanticCustomError("date_in_future", "The date cannot be after {today}",
                                  {"today": today.isoformat()})
    return value


PastDate = Annotated[date, Field(ge=date(1800, 1, 1)), BeforeValidator(date_input),
                     AfterValidator(_not_in_future)]


def _integer_input(value: Any) -> Any:
    """Refuse booleans, and numbers too large to convert cheaply (1e999999999 is an int)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    too_large = (isinstance(value, Decimal) and value.is_finite() and not decimal_fits(value)) \
        or (isinstance(value, str) and not number_fits(value)) \
        or (isinstance(value, int) and value.bit_length() > 256)
    if too_large:
        raise number_too_large()
    return value


def integer(ge: int, le: int) -> Any:
    """An integer within bounds (booleans and oversized numbers refused before converting)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_integer_input)]


def _year_not_in_future(value: int, info: ValidationInfo) -> int:
    current = _today(info).year
    if value > current:
        raise PydanticCustomError("year_in_future", "The year cannot be after {max_year}",
                                  {"max_year": current})
    return value


Year = integer(1900, 2100)
PastYear = Annotated[Year, AfterValidator(_year_not_in_future)]
Headcount = integer(0, 1_000_000)
Months = integer(1, 600)
