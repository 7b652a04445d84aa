"""Type a dossier into the wizard the way a founder does, field by field, from the definition."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forms.model import Field, Kind, Section


def french_number(value: Any, decimals: int = 2) -> str:
    """1329243.5 → '1 329 243,50', as a founder types it."""
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{grouped},{frac}" if decimals else f"{sign}{grouped}"


def _lookup(data: dict, path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _fill_widget(page, name: str, kind: Kind, value: Any) -> None:
    target = page.locator(f'[name="{name}"]')
    if kind == Kind.ENUM:
        target.select_option(str(value))
    elif kind == Kind.MULTI_ENUM:
        for code in value:
            page.locator(f'input[name="{name}"][value="{code}"]').check()
    elif kind == Kind.BOOLEAN:
        page.locator(f'input[name="{name}"][value="{"true" if value else "false"}"]').check()
    elif kind in (Kind.MONEY, Kind.PERCENT):
        target.fill(french_number(value))
    else:  # text, textarea, date (ISO for <input type=date>), integer, url, e-mail, phone, IBAN
        target.fill(str(value))


def _fill_list(page, field: Field, rows: list[dict]) -> None:
    group = page.locator(f'fieldset[data-list="{field.path}"]')
    row_boxes = group.locator(".rows > fieldset.row")
    while row_boxes.count() < len(rows):
        group.locator("[data-add-row]").click()  # rows are added in place by founder.js
    for index, row in enumerate(rows):
        for item in field.items:
            key = item.path.rsplit(".", 1)[1]
            if row.get(key) is not None:
                _fill_widget(page, f"{field.path}[{index}].{key}", item.kind, row[key])


def fill_section(page, section: Section, data: dict) -> None:
    """Fill every field of one wizard section that the data holds."""
    for field in section.fields:
        value = _lookup(data, field.path)
        if value is None:
            continue
        if field.kind == Kind.LIST:
            _fill_list(page, field, value)
        else:
            _fill_widget(page, field.path, field.kind, value)
