"""The building blocks of the form definition: field kinds, fields, sections."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dossier.catalogue import LazyText as Text


class Kind(StrEnum):
    """How a field is typed in and shown."""

    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    MONEY = "money"
    PERCENT = "percent"
    INTEGER = "integer"
    ENUM = "enum"
    MULTI_ENUM = "multi-enum"
    BOOLEAN = "boolean"
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    LIST = "list-of-objects"


@dataclass(frozen=True)
class Field:
    """One field; a list-of-objects field carries its item fields (paths `founders[].x`)."""

    path: str
    kind: Kind
    label: Text
    help: Text | None = None
    required: bool = False
    enum: str | None = None
    max_length: int | None = None
    unit: Text | None = None
    grouping: bool = True  # thousands separators; off for years
    items: tuple[Field, ...] = ()
    # For lists of amounts: the item key summed under the table, and the path of the
    # total each item's amount is shown as a share of (derived, never typed in).
    total: str | None = None
    share_of: str | None = None

    @property
    def key(self) -> str:
        """The last name of the path: `first_name` for `founders[].first_name`."""
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Section:
    """A step of the wizard and a chapter of the PDF."""

    key: str
    title: Text
    intro: Text | None
    fields: tuple[Field, ...]
    # True when the section is not part of the dossier's JSON content (uploaded files).
    uploaded: bool = False
