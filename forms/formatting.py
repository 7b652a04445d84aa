"""Numbers, amounts and dates as people read them, French first (Babel, never floats)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from forms.text import babel_locale

CENT = Decimal("0.01")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from a Decimal, an int or a decimal string; floats are refused."""
    if isinstance(value, bool | float):
        raise TypeError("amounts are never floats")
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"not a decimal: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return number


def format_money(value: Decimal | int | str, lang: str = "fr") -> str:
    """Euros with 2 decimals: `1 329 243,00 €` (fr), `€1,329,243.00` (en)."""
    number = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return format_currency(number + 0, "EUR", locale=babel_locale(lang))


def format_pct(value: Decimal | int | str, lang: str = "fr") -> str:
    """A percentage given in percent (5.27 means 5,27 %) with 2 decimals: `5,27 %`."""
    number = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    locale = Locale.parse(babel_locale(lang))
    pattern = locale.percent_formats[None].pattern.replace("0", "0.00", 1)
    return format_percent(number / 100, pattern, locale=locale)


def format_int(value: int | str, lang: str = "fr") -> str:
    """An integer with thousands separators: `12 500`."""
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"not an integer: {value!r}")
    return format_decimal(int(number), locale=babel_locale(lang))


def format_date(value: date | str, lang: str = "fr") -> str:
    """A date in words: `15 mars 2021` (fr), `15 March 2021` (en)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return _babel_date(day, "long", locale=babel_locale(lang))


def format_datetime(value: datetime, lang: str = "fr") -> str:
    """A moment to the minute: `15 mars 2021 à 14:05` (fr)."""
    pattern = "d MMMM y 'à' HH:mm" if lang != "en" else "d MMMM y, HH:mm"
    return _babel_datetime(value, pattern, tzinfo=value.tzinfo, locale=babel_locale(lang))


def format_size(value: int | str, lang: str = "fr") -> str:
    """A file size in octets/bytes, kilo or mega: `245,3 Ko`, `1,2 Mo`."""
    size = int(to_decimal(value))
    units = ("octets", "Ko", "Mo", "Go") if lang != "en" else ("bytes", "KB", "MB", "GB")
    if size < 1024:
        return f"{format_decimal(size, locale=babel_locale(lang))} {units[0]}"
    scaled, unit = Decimal(size), 0
    while scaled >= 1024 and unit < len(units) - 1:
        scaled, unit = scaled / 1024, unit + 1
    shown = scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{format_decimal(shown, '#,##0.0', locale=babel_locale(lang))} {units[unit]}"
