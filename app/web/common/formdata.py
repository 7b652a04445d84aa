"""Form fields ↔ nested dossier JSON, driven by the form definition (forms.definition).

An input is named after the dossier path it fills, with row numbers for lists of objects:
`company.siren`, `company.address.city`, `founders[0].email`, `funding.uses[2].amount_eur`.
These names are exactly the `loc` of the services' FieldErrors, so an error finds its input.
People type French numbers (`1 329 243,00`); forms.numbers reads them, and they reach the
services as decimal strings (`1329243.00`), never as floats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from babel.numbers import format_decimal
from pydantic import BaseModel

from dossier.bounded_numbers import MAX_INDEX, decimal_fits, small_index
from dossier.errors import FieldError, Invalid
from dossier.schema import DossierV1
from forms.display import get_path
from forms.model import Field, Kind, Section
from forms.numbers import NumberError, decimal_string, parse_number
from forms.text import babel_locale

_ROW = re.compile(r"\[(\d+)\]")
_FR_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
NUMERIC_KINDS = (Kind.MONEY, Kind.PERCENT)


class FormLike(Protocol):
    """What a parsed form offers: starlette's FormData, or a dict of lists in tests."""

    def getlist(self, key: str) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


# --- numbers as people type them (read by forms.numbers) ---

def whole_number(text: str) -> int | str:
    """`12 500` -> 12500; anything else as typed, so the schema explains it."""
    try:
        number = parse_number(text)
    except NumberError:
        return text
    whole = number is not None and number.as_tuple().exponent == 0
    return int(number) if whole else text


def display_decimal(value: Any, lang: str) -> str:
    """A stored decimal string shown in an input: `1 329 243,00` (fr), `1,329,243.00` (en)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not decimal_fits(number):
        return str(value)
    shown = format_decimal(number, "#,##0.00", locale=babel_locale(lang))
    return shown.replace("\u202f", " ").replace("\u00a0", " ")


def _to_json(f: Field, raw: str) -> Any:
    """One typed value as the dossier's JSON expects it (None when left empty)."""
    text = raw.strip() if f.kind is not Kind.TEXTAREA else raw
    if not text.strip():
        return None
    if f.kind in NUMERIC_KINDS:
        return decimal_string(text)
    if f.kind is Kind.INTEGER:
        return whole_number(text)
    if f.kind is Kind.BOOLEAN:
        return {"true": True, "false": False}.get(text, text)
    if f.kind is Kind.DATE:
        match = _FR_DATE.fullmatch(text)
        if match:
            day, month, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def _to_form(f: Field, value: Any, lang: str) -> Any:
    """A stored value as the text an input shows."""
    if value is None:
        return [] if f.kind is Kind.MULTI_ENUM else ""
    if f.kind is Kind.MULTI_ENUM:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if f.kind in NUMERIC_KINDS:
        return display_decimal(value, lang)
    if f.kind is Kind.BOOLEAN:
        return "true" if value is True else "false" if value is False else str(value)
    return str(value)


# --- names ---

def row_name(list_path: str, index: int, key: str) -> str:
    """The input name of one cell: `founders[2].email`."""
    return f"{list_path}[{index}].{key}"


def dom_id(name: str) -> str:
    """An HTML id for an input name: `founders[2].email` -> `f-founders-2-email`."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-")


def list_fields(section: Section) -> Iterator[Field]:
    """The section's lists of objects."""
    return (f for f in section.fields if f.kind is Kind.LIST)


def _set(root: dict[str, Any], path: str, value: Any) -> None:
    node = root
    *parents, last = path.split(".")
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value


def _rows_in_form(form: FormLike, list_path: str) -> list[int]:
    """The row numbers posted for a list; a name with an unreadable one is refused."""
    prefix = re.compile(re.escape(list_path) + r"\[(\w+)\]\.")
    found = set()
    for key in form:
        if match := prefix.match(str(key)):
            index = small_index(match.group(1))
            if index is None:
                raise Invalid(errors=[FieldError(list_path, "row_index_invalid",
                                                 {"max_index": MAX_INDEX})])
            found.add(index)
    return sorted(found)


def _first(form: FormLike, name: str) -> str:
    values = form.getlist(name)
    return str(values[0]) if values else ""


# --- parsing a posted section ---

@dataclass
class Parsed:
    """A posted section: the JSON to store, and what was typed (rows renumbered from 0)."""

    value: Any  # the section's JSON (None when the founder left everything empty)
    typed: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    # list path -> for each kept row, its number in the posted form (rows left blank are dropped)
    index_map: dict[str, list[int]] = field(default_factory=dict)

    def form_name(self, loc: str) -> str:
        """The posted input name of an error's loc (row numbers as the browser has them)."""
        for list_path, kept in self.index_map.items():
            head = list_path + "["
            if loc.startswith(head):
                match = _ROW.match(loc, len(list_path))
                if match and int(match.group(1)) < len(kept):
                    return f"{list_path}[{kept[int(match.group(1))]}]{loc[match.end():]}"
        return loc


def parse_section(section: Section, form: FormLike, *,
                  remove: tuple[str, int] | None = None) -> Parsed:
    """Read a section's inputs into the dossier's nested JSON; empty inputs are left out."""
    root: dict[str, Any] = {}
    parsed = Parsed(value=None)
    for f in section.fields:
        if f.kind is Kind.LIST:
            _parse_list(f, form, root, parsed, remove)
            continue
        if f.kind is Kind.MULTI_ENUM:
            chosen = [str(v) for v in form.getlist(f.path) if str(v).strip()]
            parsed.typed[f.path] = chosen
            if chosen:
                _set(root, f.path, chosen)
            continue
        raw = _first(form, f.path)
        parsed.typed[f.path] = raw
        value = _to_json(f, raw)
        if value is not None:
            _set(root, f.path, value)
    parsed.value = root.get(section.key)
    return parsed


def _parse_list(f: Field, form: FormLike, root: dict[str, Any], parsed: Parsed,
                remove: tuple[str, int] | None) -> None:
    items, kept = [], []
    for index in _rows_in_form(form, f.path):
        if remove == (f.path, index):
            continue
        raw = {sub.key: _first(form, row_name(f.path, index, sub.key)) for sub in f.items}
        item = {sub.key: v for sub in f.items
                if (v := _to_json(sub, raw[sub.key])) is not None}
        if not item:
            continue  # a row left blank is not part of the dossier
        for sub in f.items:
            parsed.typed[row_name(f.path, len(kept), sub.key)] = raw[sub.key]
        items.append(item)
        kept.append(index)
    parsed.rows[f.path] = len(kept)
    parsed.index_map[f.path] = kept
    if items:
        _set(root, f.path, items)


def merge(content: Mapping[str, Any], section: Section, value: Any) -> dict[str, Any]:
    """The whole dossier with one section replaced (removed when left empty)."""
    merged = dict(content)
    merged.setdefault("schema_version", 1)
    if value is None:
        merged.pop(section.key, None)
    else:
        merged[section.key] = value
    return merged


# --- the stored dossier shown in a section's inputs ---

def form_values(section: Section, content: Mapping[str, Any], lang: str
                ) -> tuple[dict[str, Any], dict[str, int]]:
    """The inputs' values for a section of stored content, and the number of rows per list."""
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for f in section.fields:
        if f.kind is Kind.LIST:
            items = get_path(content, f.path)
            items = [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
            rows[f.path] = len(items)
            for index, item in enumerate(items):
                for sub in f.items:
                    values[row_name(f.path, index, sub.key)] = _to_form(
                        sub, item.get(sub.key), lang)
        else:
            values[f.path] = _to_form(f, get_path(content, f.path), lang)
    return values, rows


# --- list sizes, from the schema (one source of truth) ---

def _model_field(path: str) -> Any:
    model: type[BaseModel] | None = DossierV1
    info = None
    for name in path.replace("[]", "").split("."):
        if model is None or name not in model.model_fields:
            return None
        info = model.model_fields[name]
        model = _nested_model(info.annotation)
    return info


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    for arg in getattr(annotation, "__args__", ()) or (annotation,):
        inner = getattr(arg, "__args__", (arg,))[0] if getattr(arg, "__origin__", None) is list \
            else arg
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None


def max_rows(list_path: str, default: int = 50) -> int:
    """How many rows a list of objects may hold (the schema's max_length)."""
    info = _model_field(list_path)
    for meta in getattr(info, "metadata", ()) if info is not None else ():
        limit = getattr(meta, "max_length", None)
        if isinstance(limit, int):
            return limit
    return default
