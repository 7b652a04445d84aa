"""What the company registry said of the company, worded for reviewers (the one home of these
words: the reviewer page and the PDF show them beside the company chapter, as forms.view's
RegistryBlock)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dossier.catalogue import _
from forms import definition
from forms.display import display_value
from forms.formatting import format_date

# record status -> how the block looks: "ok" (verified), "warn" (to check), "alert" (closed)
TONES = {"verified": "ok", "pending": "warn", "mismatch": "warn", "closed": "alert"}


def _when(record: Mapping[str, Any], lang: str) -> str:
    at = record.get("fetched_at")
    return format_date(at, lang) if at else "—"


def headline(record: Mapping[str, Any], lang: str = "fr") -> str:
    """One sentence: verified on a day, to be checked (and why), differing, or closed."""
    status = record.get("status")
    if status == "verified":
        return _("Checked against the company register on {date}", lang).format(
            date=_when(record, lang))
    if status == "mismatch":
        return _("Differs from the company register (checked on {date}):", lang).format(
            date=_when(record, lang))
    if status == "closed":
        if record.get("closed_on"):
            return _("Company closed in the register since {date}", lang).format(
                date=format_date(record["closed_on"], lang))
        return _("Company closed in the register (checked on {date})", lang).format(
            date=_when(record, lang))
    if record.get("fetched_at"):  # the register answered, without this number
        return _("To be checked: the company register did not know this number on {date}",
                 lang).format(date=_when(record, lang))
    return _("To be checked: the company register was unavailable when the dossier was sent",
             lang)


def _shown(path: str, value: Any, lang: str) -> str:
    try:
        return display_value(definition.field(path), value, lang) or str(value)
    except (KeyError, ValueError, TypeError):
        return str(value)


def _label(path: str, lang: str) -> str:
    try:
        return definition.label(path, lang)
    except KeyError:
        return path


def difference_lines(record: Mapping[str, Any], lang: str = "fr") -> list[tuple[str, str]]:
    """(field path, "Raison sociale — saisie : X ; registre : Y") for each difference."""
    lines = []
    for d in record.get("differences") or []:
        if not isinstance(d, Mapping) or not isinstance(d.get("field"), str):
            continue
        path = d["field"]
        lines.append((path, _("{field} — typed: {typed}; register: {registry}", lang).format(
            field=_label(path, lang), typed=_shown(path, d.get("typed"), lang),
            registry=_shown(path, d.get("registry"), lang))))
    return lines
