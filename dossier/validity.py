"""How long a document stays valid: a Kbis extract 3 months, annual accounts 18 months after
the fiscal year end, others unless a partner sets a validity (data dictionary, "Additions")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

# kind -> months of validity from its issue date (for annual accounts: the fiscal year end).
DEFAULT_MONTHS: dict[str, int] = {"kbis": 3, "financial_statements": 18}
# Kinds whose date is a fiscal year's end rather than an issue date (the upload form says so).
DATED_BY_YEAR_END = frozenset({"financial_statements"})
# Open dossiers are reminded this many days before a document expires.
REMIND_DAYS_BEFORE = 14


@dataclass(frozen=True)
class Document:
    """An attachment as validity sees it."""

    kind: str
    issued_on: date | None = None
    name: str = ""


def partner_months(config: Mapping[str, object] | None) -> dict[str, int]:
    """A partner's own validities (its catalogue entry's `document_validity_months`)."""
    given = (config or {}).get("document_validity_months")
    if not isinstance(given, Mapping):
        return {}
    return {str(k): v for k, v in given.items() if isinstance(v, int) and not isinstance(v, bool)}


def months_of(kind: str, overrides: Mapping[str, int] | None = None) -> int | None:
    """Months a document of this kind is valid for (a partner's own figure first)."""
    return (overrides or {}).get(kind, DEFAULT_MONTHS.get(kind))


def expires_on(doc: Document, overrides: Mapping[str, int] | None = None) -> date | None:
    """The first day the document is no longer valid; None if it does not expire (or has no
    date: a date is asked at upload, and a document without one is judged by the reviewer)."""
    months = months_of(doc.kind, overrides)
    if months is None or doc.issued_on is None:
        return None
    return doc.issued_on + relativedelta(months=months)


def is_valid(doc: Document, today: date, overrides: Mapping[str, int] | None = None) -> bool:
    """Whether the document still counts on `today`."""
    ends = expires_on(doc, overrides)
    return ends is None or today < ends


def valid_kinds(docs: Iterable[Document], today: date,
                overrides: Mapping[str, int] | None = None) -> set[str]:
    """The kinds held by at least one document valid on `today`."""
    return {d.kind for d in docs if is_valid(d, today, overrides)}


def expired(docs: Iterable[Document], today: date,
            overrides: Mapping[str, int] | None = None) -> list[tuple[Document, date]]:
    """Documents no longer valid, each with the day it expired, for kinds with no valid one."""
    docs = list(docs)
    held = valid_kinds(docs, today, overrides)
    out = []
    for doc in docs:
        ends = expires_on(doc, overrides)
        if ends is not None and today >= ends and doc.kind not in held:
            out.append((doc, ends))
    return out


def expiring(docs: Iterable[Document], today: date, within_days: int = REMIND_DAYS_BEFORE,
             overrides: Mapping[str, int] | None = None) -> list[tuple[Document, date]]:
    """Valid documents that expire within `within_days` days, each with its last valid day + 1."""
    out = []
    for doc in docs:
        ends = expires_on(doc, overrides)
        if ends is not None and today < ends <= today + relativedelta(days=within_days):
            out.append((doc, ends))
    return out


@dataclass(frozen=True)
class Standing:
    """How long a document counts for some partners (for none named: by the defaults)."""

    partners: tuple[str, ...]
    months: int | None  # None: it does not expire for them
    ends: date | None  # the first day it no longer counts (None: no expiry, or no date)
    valid: bool

    @property
    def last_day(self) -> date | None:
        """The last day it still counts."""
        return self.ends - relativedelta(days=1) if self.ends else None


def standings(doc: Document, today: date,
              partners: Mapping[str, Mapping[str, int] | None]) -> list[Standing]:
    """The document's validity for each partner (name -> its own months), partners asking the
    same months together, expired first; with no partner, the default validity."""
    groups: dict[int | None, list[str]] = {}
    for name, overrides in partners.items():
        groups.setdefault(months_of(doc.kind, overrides), []).append(name)
    if not groups:
        groups[months_of(doc.kind)] = []
    out = []
    for months, names in groups.items():
        ends = expires_on(doc, {doc.kind: months}) if months is not None else None
        out.append(Standing(tuple(names), months, ends, ends is None or today < ends))
    return sorted(out, key=lambda s: (s.valid, s.ends or date.max, s.partners))
