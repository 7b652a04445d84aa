"""What the staff pages share: the staff-only dependency, their texts, number wording."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from babel.numbers import format_decimal

from app.web.common.deps import page_area
from dossier.access import Action
from dossier.catalogue import _l
from dossier.formatting import locale_for
from dossier.models import User

StaffUser = Annotated[User, page_area(Action.staff_pages)]
ExportsUser = Annotated[User, page_area(Action.exports)]
CatalogueUser = Annotated[User, page_area(Action.partner_catalogue)]


def number(value: int | None, lang: str) -> str:
    """A count with thousands separators."""
    return "—" if value is None else _decimal(value, "#,##0", lang)


def ratio(value: str | None, lang: str) -> str:
    """A leverage ratio, `×7,50`, or a dash when there is none."""
    return "—" if not value else "×" + _decimal(Decimal(value), "#,##0.00", lang)


def days(value: float | None, lang: str) -> str:
    """A number of days with one decimal (`3,5`), or a dash when there is none."""
    return "—" if value is None else _decimal(value, "#,##0.0", lang)


@lru_cache(maxsize=4096, typed=True)
def _decimal(value: int | float | Decimal, pattern: str, lang: str) -> str:
    """The dashboard shows the same counts again and again: each is formatted once."""
    return format_decimal(value, pattern, locale=locale_for(lang))


KINDS = {
    "public_advisor": _l("Public advisor"),
    "bank": _l("Bank"),
    "seed_fund": _l("Seed fund"),
    "honor_loan": _l("Honour loan"),
}
CHANNELS = {
    "portal": _l("Portal (inbox in the application)"),
    "webhook": _l("Signed webhook to the partner's own system"),
}

