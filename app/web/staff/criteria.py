"""The partner form of the staff pages: one input per eligibility criterion, read from what was
typed, checked by the catalogue's own model (banks.catalogue.PartnerSpec), errors in words.

Every rule of `EligibilityRules` has its criterion here (tests/web/test_staff_pages.py checks
it), so that a new rule cannot be left without a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args

from pydantic import ValidationError

from app.web.common.formdata import display_decimal
from banks.catalogue import AttachmentKind, EligibilityRules, Instrument, PartnerSpec
from dossier.catalogue import LazyText, _, _l
from dossier.labels import LABELS
from forms.numbers import decimal_string

INSTRUMENTS = get_args(Instrument)
ATTACHMENTS = get_args(AttachmentKind)
TERRITORIES = ("", "metropole_amp", "france", "departments")
MAX_TYPED = 40  # characters kept of a typed number or list of departments


@dataclass(frozen=True)
class Criterion:
    """One eligibility rule as a form field: its key, words, and how it is typed."""

    key: str
    label: LazyText
    help: LazyText
    kind: str  # "territory", "int", "money" or "choices"
    enum: str = ""  # for "choices": the list in dossier.labels

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes a "choices" criterion offers, in their declared order."""
        return tuple(LABELS.get(self.enum, {}))


YEARS_HELP = _l("Completed years, from 0 to 200. Empty: no condition.")
AMOUNT_HELP = _l("In euros, e.g. 10,000 or 2,000,000.00. Empty: no condition.")
NONE_TICKED = _l("Tick none when the partner sets no condition on it.")
CRITERIA: tuple[Criterion, ...] = (
    Criterion("territory", _l("Head office territory"),
              _l("Where the company's head office must be."), "territory"),
    Criterion("min_company_age_years", _l("Minimum company age (years)"), YEARS_HELP, "int"),
    Criterion("max_company_age_years", _l("Maximum company age (years)"), YEARS_HELP, "int"),
    Criterion("stages", _l("Stages funded"), NONE_TICKED, "choices", "stage"),
    Criterion("sectors", _l("Sectors funded"), NONE_TICKED, "choices", "sector"),
    Criterion("amount_min_eur", _l("Minimum amount requested (€)"), AMOUNT_HELP, "money"),
    Criterion("amount_max_eur", _l("Maximum amount requested (€)"), AMOUNT_HELP, "money"),
    Criterion("min_founders_full_time", _l("Founders working full time (minimum)"),
              _l("From 1 to 10. Empty: no condition."), "int"),
    Criterion("labels_any", _l("Labels (at least one of them)"), NONE_TICKED, "choices",
              "label"),
)
BY_KEY = {c.key: c for c in CRITERIA}
DEPARTMENTS_LABEL = _l("Departments")
# The form's fields in page order (the error summary follows it) and the id each one starts at.
FIELDS = ("sla_days", "instruments", "required_attachments", "territory", "departments",
          *(c.key for c in CRITERIA if c.key != "territory"))
ANCHORS = {"sla_days": "sla_days", "instruments": f"instruments-{INSTRUMENTS[0]}",
           "required_attachments": f"required_attachments-{ATTACHMENTS[0]}",
           "territory": "territory-none", "departments": "departments",
           **{c.key: f"{c.key}-{c.codes[0]}" if c.kind == "choices" else c.key
              for c in CRITERIA if c.key != "territory"}}


# --- the values shown in the form -----------------------------------------------------------

def stored_values(config: dict[str, Any], lang: str) -> dict[str, Any]:
    """The form's values for a partner's saved terms."""
    rules = config.get("eligibility") or {}
    territory = rules.get("territory")
    values: dict[str, Any] = {
        "sla_days": str(config.get("sla_days", "")),
        "instruments": list(config.get("instruments", [])),
        "required_attachments": list(config.get("required_attachments", [])),
        "territory": "departments" if isinstance(territory, list) else (territory or ""),
        "departments": ", ".join(territory) if isinstance(territory, list) else "",
    }
    for c in CRITERIA[1:]:
        value = rules.get(c.key)
        if c.kind == "choices":
            values[c.key] = list(value or [])
        elif c.kind == "money":
            values[c.key] = "" if value is None else display_decimal(value, lang)
        else:
            values[c.key] = "" if value is None else str(value)
    return values


def posted_values(form: Any) -> dict[str, Any]:
    """What was typed and ticked, kept as typed (shown again when something is refused)."""
    values: dict[str, Any] = {
        "sla_days": str(form.get("sla_days", "")).strip()[:20],
        "instruments": [str(v) for v in form.getlist("instruments")][:20],
        "required_attachments": [str(v) for v in form.getlist("required_attachments")][:20],
        "territory": str(form.get("territory", "")).strip()[:20],
        "departments": str(form.get("departments", "")).strip()[:200],
    }
    for c in CRITERIA[1:]:
        if c.kind == "choices":
            values[c.key] = [str(v) for v in form.getlist(c.key)][:50]
        else:
            values[c.key] = str(form.get(c.key, "")).strip()[:MAX_TYPED]
    return values


# --- from the form to the catalogue's model -------------------------------------------------

def _territory(values: dict[str, Any]) -> Any:
    choice = values["territory"]
    if choice == "departments":
        return [d.upper() for d in re.split(r"[\s,;]+", values["departments"]) if d]
    return choice or None


def _number(c: Criterion, typed: str) -> Any:
    if not typed:
        return None
    if c.kind == "money":
        return decimal_string(typed)
    compact = re.sub(r"\s", "", typed)
    return int(compact) if compact.isascii() and compact.isdigit() else typed


def rules_of(values: dict[str, Any]) -> dict[str, Any]:
    """The eligibility rules the form says (absent rules left out), not yet validated."""
    rules: dict[str, Any] = {"territory": _territory(values)}
    for c in CRITERIA[1:]:
        typed = values[c.key]
        rules[c.key] = (typed or None) if c.kind == "choices" else _number(c, typed)
    return {k: v for k, v in rules.items() if v is not None}


def check(partner: Any, values: dict[str, Any], lang: str
          ) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The partner's whole entry with the new terms, validated by the catalogue's model;
    (None, errors by field) when anything is refused."""
    errors: dict[str, list[str]] = {}
    entry = PartnerSpec.from_row(partner).model_dump(mode="json")
    entry.update(instruments=values["instruments"],
                 required_attachments=values["required_attachments"],
                 eligibility=rules_of(values))
    try:
        entry["sla_days"] = int(values["sla_days"])
    except ValueError:
        errors["sla_days"] = [_("Give a whole number of days, from 1 to 365.", lang)]
    try:  # an unreadable answer time keeps its saved value here, and its error
        entry = PartnerSpec.model_validate(entry).model_dump(mode="json")
    except ValidationError as exc:
        for key, messages in spec_errors(exc, values, lang).items():
            errors.setdefault(key, messages)
    return (None, errors) if errors else (entry, {})


def preview_rules(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The rules to show in the preview: those the form says, less the ones refused."""
    rules = rules_of(values)
    refused = set(errors) | ({"territory"} if "departments" in errors else set())
    kept = {k: v for k, v in rules.items() if k not in refused}
    try:
        return EligibilityRules.model_validate(kept).model_dump(mode="json")
    except ValidationError:
        return {}


# --- the model's complaints, in words, by field ---------------------------------------------

BOUNDS = re.compile(r"(\w+) \(([^)]*)\) must not be greater than (\w+) \(([^)]*)\)")


def spec_errors(exc: ValidationError, values: dict[str, Any], lang: str
                ) -> dict[str, list[str]]:
    """The catalogue model's complaints, each naming its field, grouped by form field."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        key, message = _place(err, values, lang)
        if message not in errors.setdefault(key, []):
            errors[key].append(message)
    return errors


def _place(err: Any, values: dict[str, Any], lang: str) -> tuple[str, str]:
    """The form field an error belongs to, and its message."""
    loc, kind, given = err["loc"], err["type"], err.get("input")
    shown = f" « {given} »" if isinstance(given, str | int | Decimal) else ""
    if loc[0] != "eligibility":
        return str(loc[0]), _field_message(str(loc[0]), kind, shown, lang)
    if len(loc) == 1:  # the rules as a whole: bounds in the wrong order, no department
        return _whole_rules(str(err.get("ctx", {}).get("error", err["msg"])), lang)
    rule = str(loc[1])
    if rule == "territory":
        return _territory_error(values, shown, lang)
    c = BY_KEY.get(rule)
    if c is None:
        return "territory", _("Unknown rule: \"{rule}\".", lang).format(rule=rule)
    return rule, named(c.label.get(lang), _problem(c, kind, err.get("ctx") or {}, shown, lang),
                       lang)


def named(field: str, problem: str, lang: str) -> str:
    """A message that names its field: « Minimum company age (years): … »."""
    return _("{field}: {problem}", lang).format(field=field, problem=problem)


def _field_message(key: str, kind: str, shown: str, lang: str) -> str:
    """The message of a field other than the criteria."""
    if key == "sla_days":
        return _("The answer time{shown} must be a whole number of days, from 1 to 365.",
                 lang).format(shown=shown)
    if key == "instruments":
        if kind == "too_short":
            return _("Tick at least one instrument.", lang)
        return _("Unknown instrument{shown}.", lang).format(shown=shown)
    if key == "required_attachments":
        return _("Unknown attachment{shown}.", lang).format(shown=shown)
    return _("value refused{shown}.", lang).format(shown=shown)


def _territory_error(values: dict[str, Any], shown: str, lang: str) -> tuple[str, str]:
    if values["territory"] == "departments":
        problem = _("{shown} is not a department number (e.g. 13, 84, 2A, 971).",
                    lang).format(shown=shown.strip() or "?")
        return "departments", named(DEPARTMENTS_LABEL.get(lang), problem, lang)
    return "territory", named(BY_KEY["territory"].label.get(lang),
                              _("unknown choice{shown}.", lang).format(shown=shown), lang)


def _whole_rules(text: str, lang: str) -> tuple[str, str]:
    bounds = BOUNDS.search(text)
    if bounds is not None:
        low, _a, high, _b = bounds.groups()
        low_label, high_label = BY_KEY[low].label.get(lang), BY_KEY[high].label.get(lang)
        return low, _("\"{low}\" must not be greater than \"{high}\".", lang).format(
            low=low_label, high=high_label)
    return "departments", named(DEPARTMENTS_LABEL.get(lang),
                                _("give at least one department.", lang), lang)


def _problem(c: Criterion, kind: str, ctx: dict[str, Any], shown: str, lang: str) -> str:
    """What is wrong with one criterion's value (after its name)."""
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return _("must be at least {bound}.", lang).format(bound=bound) if kind.endswith(
            "equal") else _("must be more than {bound}.", lang).format(bound=bound)
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most {bound}.", lang).format(bound=ctx.get("le", ctx.get("lt")))
    if c.kind == "int":
        return _("a whole number is expected, e.g. 8.", lang)
    if c.kind == "money":
        if kind == "decimal_max_places":
            return _("at most two decimals.", lang)
        if kind == "decimal_whole_digits":
            return _("the amount is too large.", lang)
        return _("an amount in euros is expected, e.g. 10,000 or 2,000,000.00.", lang)
    return _("unknown value{shown}.", lang).format(shown=shown)
