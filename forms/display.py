"""One stored value shown as text, according to its field in the form definition."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from dossier import funding
from dossier.catalogue import _l
from forms.definition import BYTES, enum_label
from forms.enums import PARTNER
from forms.formatting import (
    format_country,
    format_date,
    format_int,
    format_money,
    format_pct,
    format_size,
    to_decimal,
)
from forms.model import Field, Kind

EMPTY = _l("not provided")
YES, NO = _l("Yes"), _l("No")


def get_path(content: Any, path: str) -> Any:
    """The value at a dotted path (`company.address.city`) of a JSON dict, or None."""
    node = content
    for name in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(name)
    return node


def is_empty(value: Any) -> bool:
    """True for a missing value: None, blank text, empty list."""
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def display_value(f: Field, value: Any, lang: str = "fr",
                  partners: Mapping[str, str] | None = None) -> str | None:
    """The text people see for `value`, or None when it is missing."""
    if is_empty(value):
        return None
    try:
        return _display(f, value, lang, partners or {})
    except (ValueError, TypeError, InvalidOperation):
        return str(value)  # a draft may hold odd values: show them rather than fail


def _integer(f: Field, value: Any, lang: str) -> str:
    if f.unit is BYTES:
        return format_size(value, lang)
    shown = format_int(value, lang) if f.grouping else str(int(to_decimal(value)))
    return f"{shown} {f.unit.get(lang)}" if f.unit else shown


def _iban(value: Any) -> str:
    compact = str(value).replace(" ", "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _choices(f: Field, value: Any, lang: str, partners: Mapping[str, str]) -> str:
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(_choice(f, v, lang, partners) for v in values)


# How each kind of field shows a value: (field, value, language, partner names) -> text.
_SHOW: dict[Kind, Callable[[Field, Any, str, Mapping[str, str]], str]] = {
    Kind.MONEY: lambda f, v, lang, p: format_money(v, lang),
    Kind.PERCENT: lambda f, v, lang, p: format_pct(v, lang),
    Kind.INTEGER: lambda f, v, lang, p: _integer(f, v, lang),
    Kind.DATE: lambda f, v, lang, p: format_date(v, lang),
    Kind.BOOLEAN: lambda f, v, lang, p: (YES if v else NO).get(lang),
    Kind.ENUM: lambda f, v, lang, p: _choice(f, v, lang, p),
    Kind.MULTI_ENUM: _choices,
    Kind.IBAN: lambda f, v, lang, p: _iban(v),
}


def _display(f: Field, value: Any, lang: str, partners: Mapping[str, str]) -> str:
    if f.key == "country":  # stored as a code (FR), read as a name (France)
        return format_country(value, lang)
    show = _SHOW.get(f.kind)
    return show(f, value, lang, partners) if show else str(value)


def _choice(f: Field, value: Any, lang: str, partners: Mapping[str, str]) -> str:
    if f.enum == PARTNER:
        return partners.get(str(value), str(value))
    return enum_label(f.enum or "", str(value), lang)


def share_pct(amount: Any, total: Any) -> Decimal | None:
    """`amount` as a percent of `total` (dossier.funding's rule); None when not computable."""
    try:
        return funding.share_pct(to_decimal(amount), to_decimal(total))
    except (ValueError, TypeError):
        return None
