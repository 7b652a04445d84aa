"""Cross-field rules and submission requirements, checked on a parsed dossier."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from dossier.catalogue import LazyText, _l
from dossier.errors import FieldError
from dossier.formatting import per_language
from dossier.money import as_str
from dossier.schema.enums import Instrument
from dossier.schema.models import Company, DossierV1, Funding, PartnerRequest
from dossier.schema.types import is_required, min_items

Partners = Mapping[str, frozenset[str]]
Slot = tuple[str, FieldError | None]  # a required place: its loc, and its error if unfilled


def join(prefix: str, name: str | int) -> str:
    """Build a loc: "funding" + "sources" -> "funding.sources", + 2 -> "funding.sources[2]"."""
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name


# --- cross-field rules ---

@dataclass(frozen=True)
class CrossFieldRule:
    """One rule between fields, in words: its error code, the fields it checks."""

    code: str
    paths: tuple[str, ...]
    text: LazyText


# What the functions below check, for the data dictionary (docs/dossier.md, forms/datadict.py).
CROSS_FIELD_RULES = (
    CrossFieldRule("siret_siren_mismatch", ("company.siret",),
                   _l("The SIRET starts with the SIREN.")),
    CrossFieldRule("duplicate_label", ("company.labels",),
                   _l("Each label once.")),
    CrossFieldRule("equity_over_100", ("founders[].equity_pct",),
                   _l("The founders' shares add up to 100% at most.")),
    CrossFieldRule("duplicate_year", ("financials.history[].year", "financials.forecast[].year"),
                   _l("Each year once in the track record, and once in the forecast.")),
    CrossFieldRule("uses_unbalanced", ("funding.uses",),
                   _l("The uses add up to the total need, to the cent.")),
    CrossFieldRule("sources_unbalanced", ("funding.sources",),
                   _l("The sources add up to the total need, to the cent.")),
    CrossFieldRule("unknown_partner", ("funding.sources[].partner", "requests[].partner"),
                   _l("The partner is in the partner catalogue.")),
    CrossFieldRule("duplicate_partner", ("requests[].partner",),
                   _l("Each partner is requested once.")),
    CrossFieldRule("instrument_not_offered", ("requests[].instrument",),
                   _l("The instrument is one the partner offers (catalogue).")),
    CrossFieldRule("amount_required", ("requests[].amount_eur",),
                   _l("Amount required, except for an advice request.")),
    CrossFieldRule("amount_not_applicable", ("requests[].amount_eur",),
                   _l("No amount for an advice request.")),
)


def rule_errors(d: DossierV1, *, partners: Partners | None = None) -> list[FieldError]:
    """Every cross-field rule whose fields are all present (and partner rules if given)."""
    errors: list[FieldError] = []
    if d.company:
        errors += _company(d.company)
    if d.founders:
        total = sum((f.equity_pct for f in d.founders if f.equity_pct is not None), Decimal(0))
        if total > 100:
            errors.append(FieldError("founders", "equity_over_100",
                                     per_language(total=as_str(total))))
    if d.financials:
        errors += _distinct_years("financials.history", d.financials.history or [])
        errors += _distinct_years("financials.forecast", d.financials.forecast or [])
    if d.funding:
        errors += _funding(d.funding, partners)
    if d.requests:
        errors += _requests(d.requests, partners)
    return errors


def _company(company: Company) -> Iterator[FieldError]:
    if company.siren and company.siret and not company.siret.startswith(company.siren):
        yield FieldError("company.siret", "siret_siren_mismatch", {"siren": company.siren})
    for i in _duplicates(company.labels or []):
        yield FieldError(f"company.labels[{i}]", "duplicate_label",
                         {"label": str(company.labels[i])})


def _duplicates(values: Iterable[Any]) -> Iterator[int]:
    """Indices of values already seen earlier in the sequence (None ignored)."""
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value is not None and value in seen:
            yield i
        seen.add(value)


def _distinct_years(loc: str, items: Sequence[Any]) -> Iterator[FieldError]:
    for i in _duplicates(item.year for item in items):
        yield FieldError(f"{loc}[{i}].year", "duplicate_year", {"year": items[i].year})


def _balance(loc: str, code: str, total: Decimal | None,
             items: Sequence[Any]) -> Iterator[FieldError]:
    amounts = [item.amount_eur for item in items]
    if total is None or not amounts or None in amounts:
        return
    actual = sum(amounts, Decimal(0))
    if actual != total:
        yield FieldError(loc, code, per_language(expected=as_str(total), actual=as_str(actual),
                                                 difference=as_str(actual - total)))


def _funding(funding: Funding, partners: Partners | None) -> Iterator[FieldError]:
    yield from _balance("funding.uses", "uses_unbalanced", funding.total_need_eur,
                        funding.uses or [])
    yield from _balance("funding.sources", "sources_unbalanced", funding.total_need_eur,
                        funding.sources or [])
    if partners is not None:
        for i, source in enumerate(funding.sources or []):
            if source.partner and source.partner not in partners:
                yield FieldError(f"funding.sources[{i}].partner", "unknown_partner",
                                 {"partner": source.partner})


def _requests(requests: Sequence[PartnerRequest],
              partners: Partners | None) -> Iterator[FieldError]:
    for i in _duplicates(r.partner for r in requests):
        yield FieldError(f"requests[{i}].partner", "duplicate_partner",
                         {"partner": requests[i].partner})
    for i, req in enumerate(requests):
        loc = f"requests[{i}]"
        if partners is not None and req.partner:
            offered = partners.get(req.partner)
            if offered is None:
                yield FieldError(f"{loc}.partner", "unknown_partner", {"partner": req.partner})
            elif req.instrument and req.instrument not in offered:
                yield FieldError(f"{loc}.instrument", "instrument_not_offered", {
                    "partner": req.partner, "instrument": str(req.instrument),
                    "offered": ", ".join(sorted(offered))})
        if req.instrument == Instrument.advice and req.amount_eur is not None:
            yield FieldError(f"{loc}.amount_eur", "amount_not_applicable",
                             {"instrument": str(req.instrument)})
        elif req.instrument and req.instrument != Instrument.advice and req.amount_eur is None:
            yield FieldError(f"{loc}.amount_eur", "amount_required",
                             {"instrument": str(req.instrument)})


# --- what submission requires ---

def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The nested model class of a field annotation, and whether the field is a list."""
    for arg in get_args(annotation) or (annotation,):
        is_list = get_origin(arg) is list
        inner = get_args(arg)[0] if is_list else arg
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner, is_list
        if is_list:
            return None, True
    return None, False


def field_slots(value: Any, info: FieldInfo, loc: str) -> Iterator[Slot]:
    """Required places at and under one field, given its value (None when absent)."""
    model, is_list = _model_of(info.annotation)
    if value is None:
        if not is_required(info):
            return
        if model is not None and not is_list:
            yield from model_slots(None, model, loc)  # an absent object: each of its fields
        else:
            yield loc, FieldError(loc, "missing")
    elif isinstance(value, list):
        need = min_items(info)
        if is_required(info):
            ctx = {"min_length": need, "actual_length": len(value)}
            yield loc, FieldError(loc, "too_short", ctx) if len(value) < need else None
        for i, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from model_slots(item, type(item), join(loc, i))
    elif isinstance(value, BaseModel):
        yield from model_slots(value, type(value), loc)
    elif is_required(info):
        yield loc, None


def model_slots(model: BaseModel | None, cls: type[BaseModel], prefix: str = "") -> Iterator[Slot]:
    """Required places of a model instance (or of an absent one when model is None)."""
    for name, info in cls.model_fields.items():
        value = None if model is None else getattr(model, name)
        yield from field_slots(value, info, join(prefix, name))
