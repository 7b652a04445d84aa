"""The dossier laid out from the form definition, ready for a template (PDF or web page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from dossier import content_cache
from dossier.catalogue import _, _l, lazy_pgettext
from forms.definition import SECTIONS, field
from forms.display import EMPTY, display_value, get_path, share_pct
from forms.figures_view import figure_rows
from forms.formatting import format_datetime, format_money, format_pct, to_decimal
from forms.model import Field, Kind
from forms.registry_view import TONES, difference_lines, headline

UI = {
    "title": _l("Single funding dossier"),
    "unnamed": _l("Company not provided"),
    "version": _l("Version"),
    "draft": _l("draft"),
    "hash": _l("Content digest (SHA-256)"),
    "generated": _l("Document generated on"),
    "total": _l("Total"),
    "share": _l("Share of need"),
    "none": _l("Nothing provided."),
    "contents": _l("Contents"),
    "page": _l("page"),
    "empty": EMPTY,
    "colon": lazy_pgettext("pdf", ":"),
}


def ui_words(lang: str) -> dict[str, str]:
    """The document's own words (UI) in one language, for the templates."""
    return {key: text.get(lang) for key, text in UI.items()}


NUMERIC = (Kind.MONEY, Kind.PERCENT, Kind.INTEGER)
COVER_FACTS = ("company.siren", "company.address.city", "company.sector", "company.stage",
               "funding.total_need_eur")


@dataclass(frozen=True)
class Row:
    """A label and its value (None when missing)."""

    label: str
    value: str | None
    path: str


@dataclass(frozen=True)
class Pairs:
    """Consecutive short fields, shown as label/value lines."""

    rows: tuple[Row, ...]
    type: str = "pairs"


@dataclass(frozen=True)
class Prose:
    """A long text, shown with its line breaks."""

    label: str
    value: str | None
    path: str
    type: str = "prose"


@dataclass(frozen=True)
class FiguresBlock:
    """The computed figures, after the financial tables (nothing in them is typed)."""

    title: str
    note: str
    rows: tuple[Row, ...]
    type: str = "figures"


def figures_block(content: Mapping[str, Any], lang: str = "fr") -> FiguresBlock | None:
    """The block of computed figures; None when the content cannot give any."""
    rows = figure_rows(content, lang)
    if not rows:
        return None
    return FiguresBlock(_("Computed indicators", lang),
                        _("Computed from the dossier's own figures; nothing here is typed.",
                          lang), tuple(Row(*row) for row in rows))


@dataclass(frozen=True)
class RegistryBlock:
    """What the company registry said, first in the company chapter (nothing in it is typed)."""

    title: str
    status: str
    tone: str
    headline: str
    lines: tuple[Row, ...]
    type: str = "registry"


def registry_block(record: Mapping[str, Any] | None, lang: str = "fr") -> RegistryBlock | None:
    """The registry status of the company; None when no record is given (a founder's copy)."""
    if not isinstance(record, Mapping) or record.get("status") not in TONES:
        return None
    status = str(record["status"])
    lines = tuple(Row("", line, path) for path, line in difference_lines(record, lang))
    return RegistryBlock(_("Company register", lang), status, TONES[status],
                         headline(record, lang), lines)


@dataclass(frozen=True)
class Column:
    """A table column: its label and CSS classes (kind, key, and `num` for a number)."""

    label: str
    css: str


@dataclass(frozen=True)
class Table:
    """A list of objects: one row per item, with an optional totals row."""

    label: str
    path: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str | None, ...], ...]
    totals: tuple[str | None, ...] | None
    type: str = "table"


@dataclass(frozen=True)
class SectionView:
    """A chapter of the document."""

    key: str
    title: str
    intro: str | None
    blocks: tuple[Pairs | Prose | Table | FiguresBlock | RegistryBlock, ...]


@dataclass(frozen=True)
class Cover:
    """The first page: who asks, for how much, from whom; which version."""

    company: str | None
    facts: tuple[Row, ...]
    requests: Table
    version: str
    draft: bool
    content_hash: str | None
    generated: str | None


def _shown(f: Field, value: Any, lang: str, partners: Mapping[str, str]) -> str | None:
    """The displayed value; None when a required value is missing, "" for an optional one."""
    shown = display_value(f, value, lang, partners)
    return "" if shown is None and not f.required else shown


def _column(f: Field, lang: str) -> Column:
    numeric = " num" if f.kind in NUMERIC else ""
    return Column(f.label.get(lang), f"k-{f.kind} c-{f.key}{numeric}")


def _sum(items: Sequence[Any], key: str) -> Decimal:
    total = Decimal(0)
    for item in items:
        try:
            total += to_decimal(item.get(key) if isinstance(item, Mapping) else None)
        except (ValueError, TypeError):
            continue  # a missing amount in a draft adds nothing
    return total


def _columns(f: Field, lang: str) -> list[Column]:
    """The list's columns, with a "share of the need" column after its total one."""
    columns = []
    for sub in f.items:
        columns.append(_column(sub, lang))
        if f.share_of and sub.key == f.total:
            columns.append(Column(UI["share"].get(lang), "k-percent c-share num"))
    return columns


def _pct(amount: Any, whole: Any, lang: str) -> str | None:
    share = share_pct(amount, whole)
    return None if share is None else format_pct(share, lang)


def _row(f: Field, item: Mapping[str, Any], whole: Any, lang: str,
         partners: Mapping[str, str]) -> tuple[str | None, ...]:
    cells: list[str | None] = []
    for sub in f.items:
        cells.append(_shown(sub, item.get(sub.key), lang, partners))
        if f.share_of and sub.key == f.total:
            cells.append(_pct(item.get(sub.key), whole, lang))
    return tuple(cells)


def _totals(f: Field, items: Sequence[Mapping[str, Any]], whole: Any, width: int,
            lang: str) -> tuple[str | None, ...] | None:
    """The totals row (with its share of the need), or None for a list without a total."""
    if not (f.total and items):
        return None
    amount = _sum(items, f.total)
    cells: list[str | None] = [UI["total"].get(lang)] + [None] * (width - 1)
    at = next(i for i, sub in enumerate(f.items) if sub.key == f.total)
    cells[at] = format_money(amount, lang)
    if f.share_of:
        cells[at + 1] = _pct(amount, whole, lang)
    return tuple(cells)


def _table(f: Field, content: Mapping[str, Any], lang: str,
           partners: Mapping[str, str]) -> Table:
    items = get_path(content, f.path)
    items = [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
    whole = get_path(content, f.share_of) if f.share_of else None
    columns = _columns(f, lang)
    rows = tuple(_row(f, item, whole, lang, partners) for item in items)
    totals = _totals(f, items, whole, len(columns), lang)
    return Table(f.label.get(lang), f.path, tuple(columns), rows, totals)


def _blocks(fields: Sequence[Field], content: Mapping[str, Any], lang: str,
            partners: Mapping[str, str]) -> tuple[Pairs | Prose | Table, ...]:
    blocks: list[Pairs | Prose | Table] = []
    pairs: list[Row] = []
    for f in fields:
        if f.kind in (Kind.LIST, Kind.TEXTAREA) and pairs:
            blocks.append(Pairs(tuple(pairs)))
            pairs = []
        value = None if f.kind is Kind.LIST else get_path(content, f.path)
        if f.kind is Kind.LIST:
            blocks.append(_table(f, content, lang, partners))
        elif f.kind is Kind.TEXTAREA:
            blocks.append(Prose(f.label.get(lang), _shown(f, value, lang, partners), f.path))
        else:
            pairs.append(Row(f.label.get(lang), _shown(f, value, lang, partners), f.path))
    if pairs:
        blocks.append(Pairs(tuple(pairs)))
    return tuple(blocks)


def sections_view(content: Mapping[str, Any], attachments: Sequence[Mapping[str, Any]],
                  lang: str = "fr", partners: Mapping[str, str] | None = None,
                  registry: Mapping[str, Any] | None = None) -> list[SectionView]:
    """Every section of the definition, in order, with the dossier's values; the company
    chapter opens with the registry's status when its record (`company.registry`) is given.

    Kept per value of all it reads: a delivered version reads the same on every visit, and
    wording it was most of the reviewer's route page."""
    parts = [content, list(attachments), lang, dict(partners or {}), registry]
    return list(content_cache.by_value(
        "sections", parts,
        lambda: _sections(content, attachments, lang, partners or {}, registry)))


def _sections(content: Mapping[str, Any], attachments: Sequence[Mapping[str, Any]],
              lang: str, partners: Mapping[str, str],
              registry: Mapping[str, Any] | None) -> list[SectionView]:
    data = dict(content) if isinstance(content, Mapping) else {}
    data["attachments"] = list(attachments)
    views = []
    for s in SECTIONS:
        intro = s.intro.get(lang) if s.intro else None
        blocks: tuple[Any, ...] = _blocks(s.fields, data, lang, partners)
        if s.key == "company" and (status := registry_block(registry, lang)):
            blocks = (status, *blocks)
        if s.key == "financials" and (extra := figures_block(content, lang)):
            blocks = (*blocks, extra)
        views.append(SectionView(s.key, s.title.get(lang), intro, blocks))
    return views


def cover_view(content: Mapping[str, Any], *, lang: str = "fr",
               partners: Mapping[str, str] | None = None, version: int | None = None,
               content_hash: str | None = None, generated_at: datetime | None = None) -> Cover:
    """The cover page's facts, taken from the definition's fields."""
    data = content if isinstance(content, Mapping) else {}
    name = get_path(data, "company.legal_name")
    facts = tuple(
        Row(field(p).label.get(lang), display_value(field(p), get_path(data, p), lang), p)
        for p in COVER_FACTS
    )
    shown_version = str(version) if version is not None else UI["draft"].get(lang)
    return Cover(
        company=name if isinstance(name, str) and name.strip() else None,
        facts=facts,
        requests=_table(field("requests"), data, lang, partners or {}),
        version=shown_version,
        draft=version is None,
        content_hash=content_hash,
        generated=format_datetime(generated_at, lang) if generated_at else None,
    )
