"""Numbers, amounts, dates and times as people read them, French first (Babel, never floats).

The one formatter of every page, PDF, e-mail, export and eligibility sentence: it lives in
the domain so that every layer may use it (banks' verdicts, the domain's e-mails, forms'
documents, the app's pages); `forms.formatting` is the same module under the forms' name.
Every moment is shown on the Paris clock (Europe/Paris), whatever the zone it is stored in:
stored times are UTC, and a naive one is read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal, format_percent

CENT = Decimal("0.01")


def babel_locale(lang: str) -> str:
    """The Babel locale used to display numbers and dates in `lang`."""
    return "en_GB" if lang == "en" else "fr_FR"


@lru_cache(maxsize=8)
def locale_for(lang: str) -> Locale:
    """The parsed Babel locale of `lang` (Babel parses a locale name again on every call)."""
    return Locale.parse(babel_locale(lang))


PARIS = ZoneInfo("Europe/Paris")


def paris(moment: datetime) -> datetime:
    """The moment on the Paris clock (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


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
    return _euros(number + 0, lang)


@lru_cache(maxsize=4096)
def _euros(number: Decimal, lang: str) -> str:
    """A page lists the same amounts again and again: each is formatted once."""
    return format_currency(number, "EUR", locale=locale_for(lang))


def format_pct(value: Decimal | int | str, lang: str = "fr") -> str:
    """A percentage given in percent (5.27 means 5,27 %) with 2 decimals: `5,27 %`."""
    number = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    locale = locale_for(lang)
    pattern = locale.percent_formats[None].pattern.replace("0", "0.00", 1)
    return format_percent(number / 100, pattern, locale=locale)


def format_int(value: int | str, lang: str = "fr") -> str:
    """An integer with thousands separators: `12 500`."""
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"not an integer: {value!r}")
    return format_decimal(int(number), locale=locale_for(lang))


def format_date(value: date | datetime | str, lang: str = "fr") -> str:
    """A date in words: `15 mars 2021` (fr), `15 March 2021` (en); a moment's Paris day."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    day = paris(value).date() if isinstance(value, datetime) else value
    return _long_day(day, lang)


@lru_cache(maxsize=4096)
def _long_day(day: date, lang: str) -> str:
    return _babel_date(day, "long", locale=locale_for(lang))


def format_datetime(value: datetime | str, lang: str = "fr") -> str:
    """A moment to the minute on the Paris clock: `15 mars 2021 à 15:05` (fr)."""
    moment = paris(datetime.fromisoformat(value) if isinstance(value, str) else value)
    pattern = "d MMMM y 'à' HH:mm" if lang != "en" else "d MMMM y, HH:mm"
    return _babel_datetime(moment, pattern, tzinfo=PARIS, locale=locale_for(lang))


def format_appointment(value: datetime | str, lang: str = "fr") -> str:
    """A meeting's day and time on the Paris clock, as an invitation says it:
    `12 janvier 2027 à 14 h 30` (fr, `14 h` on the hour), `12 January 2027 at 14:30` (en)."""
    moment = paris(datetime.fromisoformat(value) if isinstance(value, str) else value)
    if lang == "en":
        pattern = "d MMMM y 'at' HH:mm"
    else:
        pattern = "d MMMM y 'à' H 'h'" + (" mm" if moment.minute else "")
    return _babel_datetime(moment, pattern, tzinfo=PARIS, locale=locale_for(lang))


def format_number(value: Decimal | int | str, lang: str = "fr", decimals: int = 2) -> str:
    """A number as typed back into a form field, without unit: `300 000,00` (fr)."""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(number + 0, pattern, locale=locale_for(lang))
    return text.replace("\u202f", " ").replace("\u00a0", " ")  # plain spaces to edit


def format_size(value: int | str, lang: str = "fr") -> str:
    """A file size in octets/bytes, kilo or mega: `245,3 Ko`, `1,2 Mo`, `50 Mo`."""
    size = int(to_decimal(value))
    units = ("octets", "Ko", "Mo", "Go") if lang != "en" else ("bytes", "KB", "MB", "GB")
    if size < 1024:
        return f"{format_decimal(size, locale=locale_for(lang))} {units[0]}"
    scaled, unit = Decimal(size), 0
    while scaled >= 1024 and unit < len(units) - 1:
        scaled, unit = scaled / 1024, unit + 1
    shown = scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    pattern = "#,##0" if shown == shown.to_integral_value() else "#,##0.0"
    return f"{format_decimal(shown, pattern, locale=locale_for(lang))} {units[unit]}"


_VOWEL_START = re.compile(r"[AEIOUÀÂÆÉÈÊËÎÏÔŒÙÛÜaeiouàâæéèêëîïôœùûü]")


def fill(template: str, lang: str = "fr", **names: Any) -> str:
    """A sentence with names put in, French elision done: `de {name}` with "Aix-Marseille…"
    reads `d'Aix-Marseille…`, `que {name}` reads `qu'…` (vowels only; "h" and "y" are left)."""
    if lang != "en":
        for key, value in names.items():
            if _VOWEL_START.match(str(value)):
                template = re.sub(rf"\b([dD]e|[qQ]ue) \{{{key}\}}",
                                  lambda m, k=key: f"{m.group(1)[:-1]}'{{{k}}}", template)
    return template.format(**names)


def format_country(code: str, lang: str = "fr") -> str:
    """A country's name from its two-letter code: `FR` → `France` (the code when unknown)."""
    return Locale.parse(babel_locale(lang)).territories.get(str(code).upper(), str(code))


def per_language(**numbers: Decimal) -> dict[str, str]:
    """Context for a message: each number as a machine string (`name`) and as people read it
    in each language (`name_fr`: "1 329 243,00", `name_en`: "1,329,243.00")."""
    ctx: dict[str, str] = {}
    for name, value in numbers.items():
        ctx[name] = str(value)
        for lang in ("fr", "en"):
            ctx[f"{name}_{lang}"] = format_number(value, lang)
    return ctx
