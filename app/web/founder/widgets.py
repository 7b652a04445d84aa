"""A section of the form definition as inputs for the wizard's template, errors in place."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.web.common.formdata import dom_id, max_rows, row_name
from dossier.catalogue import _l
from dossier.errors import FieldError
from forms.definition import SECTIONS
from forms.definition import field as definition_field
from forms.display import share_pct
from forms.enums import ENUMS, PARTNER
from forms.formatting import format_money, format_pct
from forms.model import Field, Kind, Section
from forms.numbers import NumberError, parse_number

TEMPLATE_INDEX = "__i__"
AUTOCOMPLETE = {
    "company.legal_name": "organization", "company.address.line1": "address-line1",
    "company.address.line2": "address-line2", "company.address.postal_code": "postal-code",
    "company.address.city": "address-level2", "company.address.country": "country",
    "company.website": "url", "founders[].first_name": "given-name",
    "founders[].last_name": "family-name", "founders[].email": "email",
    "founders[].phone": "tel", "founders[].role": "organization-title",
}
INPUT_TYPES = {Kind.DATE: "date", Kind.EMAIL: "email", Kind.URL: "url", Kind.PHONE: "tel"}
INPUT_MODES = {Kind.MONEY: "decimal", Kind.PERCENT: "decimal", Kind.INTEGER: "numeric"}
ROW_NAMES = {
    "founders": _l("Person {n}"),
    "financials.history": _l("Financial year {n}"),
    "financials.forecast": _l("Forecast year {n}"),
    "funding.uses": _l("Use {n}"),
    "funding.sources": _l("Source {n}"),
    "requests": _l("Request {n}"),
}
OPTIONAL = _l("optional")
MONEY_HELP = _l("For example 1,329,243.00")
MONEY_MESSAGE = _l("Invalid amount: write a number with at most 2 decimals, for example "
                   "1,329,243.00.")
AMOUNT_CODES = {"decimal_parsing", "decimal_type"}
_TAIL_ROW = re.compile(r"\[\d+\]$")


class _Ids:
    """The ids of a help text and an error message, made from the element's id."""

    id: str

    @property
    def help_id(self) -> str:
        """Id of the help text."""
        return "h-" + self.id

    @property
    def error_id(self) -> str:
        """Id of the error message."""
        return "e-" + self.id


@dataclass
class Widget(_Ids):
    """One input with its label, help, value and error."""

    name: str
    id: str
    kind: str
    label: str
    value: Any
    required: bool
    help: str | None = None
    error: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    unit: str | None = None
    max_length: int | None = None
    input_type: str = "text"
    inputmode: str | None = None
    autocomplete: str | None = None
    share: str | None = None  # derived text under an amount (share of the need)

    @property
    def describedby(self) -> str:
        """The aria-describedby list: help, then error."""
        ids = [self.help_id] if self.help else []
        return " ".join([*ids, self.error_id] if self.error else ids)


@dataclass
class RowView:
    """One row of a list of objects."""

    index: str
    legend: str
    widgets: list[Widget]
    error: str | None = None


@dataclass
class GroupView(_Ids):
    """A list of objects: its rows, a blank row for scripts, add and remove buttons."""

    path: str
    id: str
    label: str
    required: bool
    help: str | None
    rows: list[RowView]
    template: RowView
    error: str | None
    can_add: bool
    max_rows: int
    total: str | None = None
    total_key: str | None = None
    share_of: str | None = None


@dataclass
class SectionForm:
    """What the wizard's template shows for one section."""

    blocks: list[Widget | GroupView]
    summary: list[tuple[str, str, str]]  # (label, message, href) of every error


def error_messages(errors: list[FieldError], lang: str, *,
                   money_locs: set[str] = frozenset()) -> dict[str, str]:
    """loc -> one sentence (several errors on one input are joined)."""
    out: dict[str, str] = {}
    for e in errors:
        if e.code in AMOUNT_CODES and (e.loc in money_locs or _is_money(e.loc)):
            message = MONEY_MESSAGE.get(lang)
        else:
            message = e.message(lang)
        out[e.loc] = f"{out[e.loc]} {message}" if e.loc in out else message
    return out


def _is_money(loc: str) -> bool:
    try:
        return definition_field(re.sub(r"\[\d+\]", "[]", loc)).kind is Kind.MONEY
    except KeyError:
        return False


def _options(f: Field, lang: str, partners: Mapping[str, str], value: Any) -> list[tuple[str, str]]:
    if f.enum == PARTNER:
        options = list(partners.items())
    else:
        options = [(code, text.get(lang)) for code, text in ENUMS.get(f.enum or "", {}).items()]
    chosen = value if isinstance(value, list) else [value]
    known = {code for code, _ in options}
    options += [(v, v) for v in chosen if v and v not in known]  # an odd stored value stays
    return options


def _widget(f: Field, name: str, values: Mapping[str, Any], errors: Mapping[str, str],
            lang: str, partners: Mapping[str, str]) -> Widget:
    value = values.get(name, [] if f.kind is Kind.MULTI_ENUM else "")
    help_text = f.help.get(lang) if f.help else None
    if f.kind is Kind.MONEY and not help_text and "[" not in name:
        help_text = MONEY_HELP.get(lang)
    return Widget(
        name=name, id=dom_id(name), kind=str(f.kind), label=f.label.get(lang), value=value,
        required=f.required, help=help_text, error=errors.get(name),
        options=_options(f, lang, partners, value) if f.enum else [],
        unit="%" if f.kind is Kind.PERCENT else (f.unit.get(lang) if f.unit else None),
        max_length=f.max_length, input_type=INPUT_TYPES.get(f.kind, "text"),
        inputmode=INPUT_MODES.get(f.kind), autocomplete=AUTOCOMPLETE.get(f.path))


def _decimal(text: Any) -> Decimal | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return parse_number(text)
    except NumberError:
        return None


def _group(f: Field, values: Mapping[str, Any], rows: Mapping[str, int],
           errors: Mapping[str, str], lang: str, partners: Mapping[str, str]) -> GroupView:
    count = max(rows.get(f.path, 0), 1)
    limit = max_rows(f.path)
    whole = _decimal(values.get(f.share_of)) if f.share_of else None
    naming = ROW_NAMES.get(f.path, _l("Row {n}"))
    views, total = [], Decimal(0)
    for index in range(min(count, limit)):
        widgets = [_widget(sub, row_name(f.path, index, sub.key), values, errors, lang, partners)
                   for sub in f.items]
        for w, sub in zip(widgets, f.items, strict=True):
            if f.total and sub.key == f.total:
                amount = _decimal(w.value)
                total += amount or 0
                if f.share_of and amount is not None and whole:
                    share = share_pct(amount, whole)
                    w.share = None if share is None else format_pct(share, lang)
        views.append(RowView(str(index), naming.get(lang).format(n=index + 1), widgets,
                             errors.get(f"{f.path}[{index}]")))
    template = RowView(TEMPLATE_INDEX, naming.get(lang).format(n="__n__"), [
        _widget(sub, row_name(f.path, TEMPLATE_INDEX, sub.key), {}, {}, lang, partners)
        for sub in f.items])
    return GroupView(
        path=f.path, id=dom_id(f.path), label=f.label.get(lang), required=f.required,
        help=f.help.get(lang) if f.help else None, rows=views, template=template,
        error=errors.get(f.path), can_add=count < limit, max_rows=limit,
        total=format_money(total, lang) if f.total else None, total_key=f.total,
        share_of=f.share_of)


def section_form(section: Section, values: Mapping[str, Any], rows: Mapping[str, int],
                 errors: list[FieldError], lang: str, partners: Mapping[str, str],
                 *, section_href: Callable[[str], str] | None = None) -> SectionForm:
    """The section's inputs in definition order, each error beside its input."""
    messages = error_messages(errors, lang)
    blocks: list[Widget | GroupView] = []
    placed: dict[str, str] = {}  # loc -> element id
    for f in section.fields:
        if f.kind is Kind.LIST:
            group = _group(f, values, rows, messages, lang, partners)
            blocks.append(group)
            placed[f.path] = group.id
            for row in group.rows:
                placed[f"{f.path}[{row.index}]"] = f"{group.id}-{row.index}"
                placed.update({w.name: w.id for w in row.widgets})
        else:
            w = _widget(f, f.path, values, messages, lang, partners)
            blocks.append(w)
            placed[f.path] = w.id
    # An error on an item of a multiple choice (company.labels[1]) goes to the choice.
    for loc, message in messages.items():
        if loc not in placed and _TAIL_ROW.search(loc):
            parent = _TAIL_ROW.sub("", loc)
            for block in blocks:
                if isinstance(block, Widget) and block.name == parent and not block.error:
                    block.error = message
                    placed[loc] = block.id
    summary = [(_label_of(loc, lang), message, _href(loc, placed, section, section_href))
               for loc, message in messages.items()]
    return SectionForm(blocks, summary)


def _href(loc: str, placed: Mapping[str, str], section: Section,
          section_href: Callable[[str], str] | None) -> str:
    """Where an error's link leads: its input here, or the step that holds it."""
    if loc in placed:
        return "#" + placed[loc]
    top = re.split(r"[.\[]", loc, maxsplit=1)[0]
    if section_href and top != section.key and any(s.key == top for s in SECTIONS):
        return f"{section_href(top)}#{dom_id(loc)}"
    return "#errors"


def _label_of(loc: str, lang: str) -> str:
    generic = re.sub(r"\[\d+\]", "[]", loc)
    try:
        label = definition_field(generic).label.get(lang)
    except KeyError:
        return loc
    rows = re.findall(r"\[(\d+)\]", loc)
    if rows and "[]" in generic:
        head = generic.split("[]")[0]
        naming = ROW_NAMES.get(head, _l("Row {n}"))
        return f"{naming.get(lang).format(n=int(rows[0]) + 1)} — {label}"
    return label


def warning_links(warnings: list[tuple[str, str]], section: Section, lang: str,
                  section_href: Callable[[str], str]) -> list[tuple[str, str, str]]:
    """(label, message, href) of each (loc, message): its place in this step, or its step."""
    out = []
    for loc, message in warnings:
        top = re.split(r"[.\[]", loc, maxsplit=1)[0]
        anchor = "#" + dom_id(loc)
        href = anchor if top == section.key else f"{section_href(top)}{anchor}"
        out.append((_label_of(loc, lang), message, href))
    return out
