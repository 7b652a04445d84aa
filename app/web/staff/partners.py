"""The partner catalogue for staff: each partner in words, and a form to edit its terms."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from app.deps import SessionDep
from app.web.common.deps import Csrf
from app.web.common.templating import page_lang, render
from app.web.staff.common import CHANNELS, KINDS, CatalogueUser
from banks.catalogue import AttachmentKind, Instrument, PartnerSpec
from banks.rules.messages import value_label
from dossier.bounded_numbers import read_json
from dossier.catalogue import N_, _, ngettext
from dossier.errors import DomainError, NotFound
from dossier.models import Partner
from dossier.services import partners as catalogue
from forms.formatting import format_money

router = APIRouter(include_in_schema=False)
INSTRUMENTS = get_args(Instrument)
ATTACHMENTS = get_args(AttachmentKind)
FIELDS = ("sla_days", "instruments", "required_attachments", "eligibility")
ANCHORS = {"sla_days": "sla_days", "instruments": f"instruments-{INSTRUMENTS[0]}",
           "required_attachments": f"required_attachments-{ATTACHMENTS[0]}",
           "eligibility": "eligibility"}


def load_partner(db: SessionDep, code: Annotated[str, Path(max_length=40)]) -> Partner:
    """The partner of the URL, or a 404 page."""
    partner = db.get(Partner, code)
    if partner is None:
        raise NotFound()
    return partner


PartnerDep = Annotated[Partner, Depends(load_partner)]




def _territory(territory: Any, lang: str) -> str | None:
    if territory == "metropole_amp":
        return _("Head office within the Aix-Marseille-Provence metropolis.", lang)
    if territory == "france":
        return _("Head office in France.", lang)
    if territory:
        return _("Head office in one of these departments: ", lang) + ", ".join(territory) + "."
    return None


def _age(low: Any, high: Any, lang: str) -> str | None:
    if low is not None and high is not None:
        return _("Company aged {low} to {high} years.", lang).format(low=low, high=high)
    if low is not None:
        return ngettext("Company at least {low} year old.",
                        "Company at least {low} years old.", low, lang).format(low=low)
    if high is not None:
        return ngettext("Company at most {high} year old.",
                        "Company at most {high} years old.", high, lang).format(high=high)
    return None


def _amount(low: Any, high: Any, lang: str) -> str | None:
    money = {k: format_money(Decimal(str(v)), lang) for k, v in
             (("min", low), ("max", high)) if v is not None}
    if len(money) == 2:
        return _("Amount requested from {min} to {max}.", lang).format(min=money['min'],
                                                                       max=money['max'])
    if "min" in money:
        return _("Amount requested of at least {min}.", lang).format(min=money['min'])
    if "max" in money:
        return _("Amount requested up to {max}.", lang).format(max=money['max'])
    return None


def rules_in_words(rules: dict[str, Any], lang: str) -> list[str]:
    """A partner's eligibility rules as sentences people read."""

    def listed(lead: str, kind: str, codes: list[str] | None) -> str | None:
        if not codes:
            return None
        return _(lead, lang) + ", ".join(value_label(kind, c, lang) for c in codes) + "."

    count = rules.get("min_founders_full_time")
    words = [
        _territory(rules.get("territory"), lang),
        _age(rules.get("min_company_age_years"), rules.get("max_company_age_years"), lang),
        listed(N_("Stages funded: "), "stage", rules.get("stages")),
        listed(N_("Sectors funded: "), "sector", rules.get("sectors")),
        _amount(rules.get("amount_min_eur"), rules.get("amount_max_eur"), lang),
        ngettext("At least {count} founder working full time.",
                 "At least {count} founders working full time.",
                 count, lang).format(count=count) if count else None,
        listed(N_("At least one of these labels: "), "label",
               rules.get("labels_any")),
    ]
    return [w for w in words if w]


def _view(partner: Partner, lang: str) -> dict[str, Any]:
    spec = partner.config or {}
    channel = (spec.get("delivery") or {}).get("channel", "portal")
    kind = KINDS.get(partner.kind)
    words = CHANNELS.get(channel)
    return {**catalogue.partner_view(partner), "active": partner.active,
            "kind_label": kind.get(lang) if kind else partner.kind,
            "rules": rules_in_words(spec.get("eligibility") or {}, lang),
            "channel": channel, "channel_label": words.get(lang) if words else channel}


@router.get("/staff/partners")
def partners_page(request: Request, user: CatalogueUser, db: SessionDep,
                  saved: Annotated[str | None, Query(max_length=40)] = None):
    """Every partner of the catalogue, in words."""
    lang = page_lang(request)
    views = [_view(p, lang) for p in catalogue.list_partners(db=db, active_only=False)]
    saved_name = next((v["name"] for v in views if v["code"] == saved), None)
    return render(request, "staff/partners.html", section="partners", partners=views,
                  saved=saved_name)


def _form_values(partner: Partner) -> dict[str, Any]:
    cfg = partner.config or {}
    return {"sla_days": str(cfg.get("sla_days", "")),
            "instruments": list(cfg.get("instruments", [])),
            "required_attachments": list(cfg.get("required_attachments", [])),
            "eligibility": json.dumps(cfg.get("eligibility") or {}, ensure_ascii=False,
                                      indent=2)}


def _edit_page(request: Request, partner: Partner, values: dict[str, Any],
               errors: dict[str, list[str]], status_code: int = 200):
    lang = page_lang(request)
    return render(request, "staff/partner_edit.html", status_code=status_code,
                  section="partners", partner=_view(partner, lang), values=values,
                  errors=errors, instruments=INSTRUMENTS, attachments=ATTACHMENTS,
                  fields=FIELDS, anchors=ANCHORS)


@router.get("/staff/partners/{code}")
def partner_form(request: Request, user: CatalogueUser, partner: PartnerDep):
    """The edit form of one partner."""
    return _edit_page(request, partner, _form_values(partner), {})


@router.post("/staff/partners/{code}", dependencies=[Csrf])
async def partner_save(request: Request, user: CatalogueUser, db: SessionDep, partner: PartnerDep):
    """Validate the new terms with the catalogue's own model; save only when all is right."""
    lang = page_lang(request)
    form = await request.form()
    values = {"sla_days": str(form.get("sla_days", "")).strip()[:20],
              "instruments": [str(v) for v in form.getlist("instruments")][:20],
              "required_attachments": [str(v) for v in form.getlist("required_attachments")][:20],
              "eligibility": str(form.get("eligibility", ""))[:20000]}
    errors: dict[str, list[str]] = {}
    entry = PartnerSpec.from_row(partner).model_dump(mode="json")
    entry.update(instruments=values["instruments"],
                 required_attachments=values["required_attachments"])
    try:
        entry["sla_days"] = int(values["sla_days"])
    except ValueError:
        errors["sla_days"] = [_("Give a whole number of days, from 1 to 365.", lang)]
    try:
        entry["eligibility"] = read_json(values["eligibility"] or "{}")
    except DomainError as exc:
        errors["eligibility"] = [_json_error(exc, lang)]
    try:  # fields that could not be read keep their saved value here, and their error
        entry = PartnerSpec.model_validate(entry).model_dump(mode="json")
    except ValidationError as exc:
        for key, messages in spec_errors(exc, lang).items():
            errors.setdefault(key, messages)
    if errors:
        return _edit_page(request, partner, values, errors, status_code=422)
    catalogue.update_partner(db=db, code=partner.code, entry=entry)
    return RedirectResponse(f"/staff/partners?saved={partner.code}#partner-{partner.code}",
                            status_code=303)


def _json_error(exc: DomainError, lang: str) -> str:
    if exc.errors:  # numbers beyond the bounds, each named by its place in the rules
        return " ; ".join(f"{e.loc} : {e.message(lang)}" for e in exc.errors)
    cause = exc.__cause__
    if not isinstance(cause, json.JSONDecodeError):
        return exc.message(lang)
    return _("Invalid JSON (line {lineno}, column {colno}): check the quotes, commas and braces.",
             lang).format(lineno=cause.lineno, colno=cause.colno)


BOUNDS = re.compile(r"(\w+) \(([^)]*)\) must not be greater than (\w+) \(([^)]*)\)")


def spec_errors(exc: ValidationError, lang: str) -> dict[str, list[str]]:
    """The catalogue model's complaints, in words, grouped by form field."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = err["loc"]
        key = loc[0] if loc and loc[0] in FIELDS else "eligibility"
        message = _message(key, loc, err, lang)
        if message not in errors.setdefault(key, []):
            errors[key].append(message)
    return errors


def _message(key: str, loc: tuple, err: dict[str, Any], lang: str) -> str:
    kind, given = err["type"], err.get("input")
    shown = f" « {given} »" if isinstance(given, str | int | Decimal) else ""
    field = _field_message(key, kind, shown, lang)
    if field is not None:
        return field
    rule = loc[1] if len(loc) > 1 else None
    if kind == "extra_forbidden":
        return _("Unknown rule: \"{rule}\".", lang).format(rule=rule)
    if rule is None:
        return _rules_message(str(err.get("ctx", {}).get("error", err["msg"])), lang)
    prefix = _("{rule}: ", lang).format(rule=rule)
    return prefix + _rule_message(rule, kind, err.get("ctx") or {}, shown, lang)


def _field_message(key: str, kind: str, shown: str, lang: str) -> str | None:
    """The message of a form field other than the rules."""
    if key == "sla_days":
        return _("The answer time{shown} must be a whole number of days, from 1 to 365.",
                 lang).format(shown=shown)
    if key == "instruments":
        if kind == "too_short":
            return _("Tick at least one instrument.", lang)
        return _("Unknown instrument{shown}.", lang).format(shown=shown)
    if key == "required_attachments":
        return _("Unknown attachment{shown}.", lang).format(shown=shown)
    return None


def _rules_message(text_: str, lang: str) -> str:
    """The message about the rules as a whole."""
    if (bounds := BOUNDS.search(text_)) is not None:
        low, a, high, b = bounds.groups()
        return _("{low} ({a}) must not be greater than {high} ({b}).", lang).format(low=low, a=a,
                                                                                    high=high, b=b)
    if "territory" in text_:
        return _("territory: give at least one department.", lang)
    return _("The rules must be a JSON object, e.g. {\"territory\": \"metropole_amp\"}.", lang)


def _rule_message(rule: str, kind: str, ctx: dict[str, Any], shown: str, lang: str) -> str:
    """The message about one rule (after its name)."""
    if rule == "territory":
        return _("\"metropole_amp\", \"france\" or a list of departments, e.g. [\"13\", \"84\"].",
                 lang)
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        expected = expected.replace(" or ", _(" or ", lang))
        return _("unknown value{shown} (possible values: {expected}).", lang).format(
            shown=shown, expected=expected)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("a whole number is expected.", lang)
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return _("must be at least {bound}.", lang).format(bound=bound)
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return _("must be at most {bound}.", lang).format(bound=bound)
    if kind in ("too_short", "list_type"):
        return _("a non-empty list is expected, e.g. [\"seed\"].", lang)
    if rule in ("amount_min_eur", "amount_max_eur"):
        return _("an amount in euros is expected, at most two decimals, e.g. \"10000.00\".", lang)
    return _("value refused{shown}.", lang).format(shown=shown)

