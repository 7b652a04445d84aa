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


def _pair(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def _territory(territory: Any, lang: str) -> str | None:
    if territory == "metropole_amp":
        return _pair(lang, "Siège dans la Métropole Aix-Marseille-Provence.",
                     "Head office within the Aix-Marseille-Provence metropolis.")
    if territory == "france":
        return _pair(lang, "Siège en France.", "Head office in France.")
    if territory:
        return _pair(lang, "Siège dans l'un de ces départements : ",
                     "Head office in one of these departments: ") + ", ".join(territory) + "."
    return None


def _age(low: Any, high: Any, lang: str) -> str | None:
    if low is not None and high is not None:
        return _pair(lang, f"Entreprise âgée de {low} à {high} ans.",
                     f"Company aged {low} to {high} years.")
    if low is not None:
        return _pair(lang, f"Entreprise d'au moins {low} an(s).",
                     f"Company at least {low} year(s) old.")
    if high is not None:
        return _pair(lang, f"Entreprise de {high} an(s) au plus.",
                     f"Company at most {high} year(s) old.")
    return None


def _amount(low: Any, high: Any, lang: str) -> str | None:
    money = {k: format_money(Decimal(str(v)), lang) for k, v in
             (("min", low), ("max", high)) if v is not None}
    if len(money) == 2:
        return _pair(lang, f"Montant demandé de {money['min']} à {money['max']}.",
                     f"Amount requested from {money['min']} to {money['max']}.")
    if "min" in money:
        return _pair(lang, f"Montant demandé d'au moins {money['min']}.",
                     f"Amount requested of at least {money['min']}.")
    if "max" in money:
        return _pair(lang, f"Montant demandé jusqu'à {money['max']}.",
                     f"Amount requested up to {money['max']}.")
    return None


def rules_in_words(rules: dict[str, Any], lang: str) -> list[str]:
    """A partner's eligibility rules as sentences people read."""

    def listed(fr: str, en: str, kind: str, codes: list[str] | None) -> str | None:
        if not codes:
            return None
        return _pair(lang, fr, en) + ", ".join(value_label(kind, c, lang) for c in codes) + "."

    count = rules.get("min_founders_full_time")
    words = [
        _territory(rules.get("territory"), lang),
        _age(rules.get("min_company_age_years"), rules.get("max_company_age_years"), lang),
        listed("Stades financés : ", "Stages funded: ", "stage", rules.get("stages")),
        listed("Filières financées : ", "Sectors funded: ", "sector", rules.get("sectors")),
        _amount(rules.get("amount_min_eur"), rules.get("amount_max_eur"), lang),
        _pair(lang, f"Au moins {count} fondateur(s) à temps plein.",
              f"At least {count} founder(s) working full time.") if count else None,
        listed("Au moins l'un de ces labels : ", "At least one of these labels: ", "label",
               rules.get("labels_any")),
    ]
    return [w for w in words if w]


def _view(partner: Partner, lang: str) -> dict[str, Any]:
    spec = partner.config or {}
    channel = (spec.get("delivery") or {}).get("channel", "portal")
    kind = KINDS.get(partner.kind)
    words = CHANNELS.get(channel)
    return {**catalogue.partner_view(partner), "active": partner.active,
            "kind_label": _pair(lang, *kind) if kind else partner.kind,
            "rules": rules_in_words(spec.get("eligibility") or {}, lang),
            "channel": channel, "channel_label": _pair(lang, *words) if words else channel}


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
        errors["sla_days"] = [_pair(lang, "Indiquez un nombre entier de jours, de 1 à 365.",
                                    "Give a whole number of days, from 1 to 365.")]
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
    return _pair(lang, f"JSON invalide (ligne {cause.lineno}, colonne {cause.colno}) : "
                       "vérifiez les guillemets, virgules et accolades.",
                 f"Invalid JSON (line {cause.lineno}, column {cause.colno}): check the quotes, "
                 "commas and braces.")


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
        return _pair(lang, f"Règle inconnue : « {rule} ».", f"Unknown rule: \"{rule}\".")
    if rule is None:
        return _rules_message(str(err.get("ctx", {}).get("error", err["msg"])), lang)
    prefix = f"{rule} : " if lang != "en" else f"{rule}: "
    return prefix + _rule_message(rule, kind, err.get("ctx") or {}, shown, lang)


def _field_message(key: str, kind: str, shown: str, lang: str) -> str | None:
    """The message of a form field other than the rules."""
    if key == "sla_days":
        return _pair(lang, f"Le délai{shown} doit être un nombre entier de jours, de 1 à 365.",
                     f"The answer time{shown} must be a whole number of days, from 1 to 365.")
    if key == "instruments":
        if kind == "too_short":
            return _pair(lang, "Cochez au moins un instrument.", "Tick at least one instrument.")
        return _pair(lang, f"Instrument inconnu{shown}.", f"Unknown instrument{shown}.")
    if key == "required_attachments":
        return _pair(lang, f"Pièce inconnue{shown}.", f"Unknown attachment{shown}.")
    return None


def _rules_message(text_: str, lang: str) -> str:
    """The message about the rules as a whole."""
    if (bounds := BOUNDS.search(text_)) is not None:
        low, a, high, b = bounds.groups()
        return _pair(lang, f"{low} ({a}) ne doit pas dépasser {high} ({b}).",
                     f"{low} ({a}) must not be greater than {high} ({b}).")
    if "territory" in text_:
        return _pair(lang, "territory : donnez au moins un département.",
                     "territory: give at least one department.")
    return _pair(lang, "Les règles doivent former un objet JSON, par exemple "
                       "{\"territory\": \"metropole_amp\"}.",
                 "The rules must be a JSON object, e.g. {\"territory\": \"metropole_amp\"}.")


def _rule_message(rule: str, kind: str, ctx: dict[str, Any], shown: str, lang: str) -> str:
    """The message about one rule (after its name)."""
    if rule == "territory":
        return _pair(lang, "« metropole_amp », « france » ou une liste de "
                           "départements, par exemple [\"13\", \"84\"].",
                     "\"metropole_amp\", \"france\" or a list of departments, "
                     "e.g. [\"13\", \"84\"].")
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return _pair(lang, f"valeur inconnue{shown} (valeurs possibles : "
                           f"{expected.replace(' or ', ' ou ')}).",
                     f"unknown value{shown} (possible values: {expected}).")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _pair(lang, "nombre entier attendu.", "a whole number is expected.")
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return _pair(lang, f"doit être au moins {bound}.", f"must be at least {bound}.")
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return _pair(lang, f"doit être au plus {bound}.", f"must be at most {bound}.")
    if kind in ("too_short", "list_type"):
        return _pair(lang, "liste non vide attendue, par exemple [\"seed\"].",
                     "a non-empty list is expected, e.g. [\"seed\"].")
    if rule in ("amount_min_eur", "amount_max_eur"):
        return _pair(lang, "montant en euros attendu, au plus deux décimales, "
                           "par exemple \"10000.00\".",
                     "an amount in euros is expected, at most two decimals, "
                     "e.g. \"10000.00\".")
    return _pair(lang, f"valeur refusée{shown}.", f"value refused{shown}.")

