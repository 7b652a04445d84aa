"""French and English texts of every eligibility verdict, and how their figures are worded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from dossier.catalogue import N_, N_plural, _, ngettext
from dossier.formatting import format_date, format_money
from dossier.i18n import DEFAULT_LANG, LANGS, register, translate
from dossier.labels import in_sentence, label

# ctx key -> which list its codes belong to
_VALUE_KEYS = {"stage": "stage", "stages": "stage", "sector": "sector", "sectors": "sector",
               "labels": "label", "held": "label", "instrument": "instrument",
               "offered": "instrument", "kind": "attachment_kind"}

MESSAGES: dict[str, str | tuple[str, str, str]] = {
    "territory_metropole_ok": N_("Head office: {place}, within the Aix-Marseille-Provence "
                                 "metropolis."),
    "territory_metropole_outside": N_("Head office: {place}, outside the "
                                      "Aix-Marseille-Provence metropolis, the only area "
                                      "this partner serves."),
    "territory_france_ok": N_("Head office in France."),
    "territory_france_outside": N_("Head office: {place}, outside France; this partner only "
                                   "funds companies established in France."),
    "territory_departments_ok": N_("Head office: {place}, in a department this partner "
                                   "serves ({departments})."),
    "territory_departments_outside": N_("Head office: {place}; this partner only serves "
                                        "departments {departments}."),
    "unknown_territory": N_("Fill in the head office's postal code and city to check the "
                            "territory."),
    "company_age_ok": N_plural("Company created on {creation_date} ({age} year old): this "
                               "partner funds companies {age_limits}.",
                               "Company created on {creation_date} ({age} years old): this "
                               "partner funds companies {age_limits}.", "age"),
    "company_too_young": N_plural("The company is {age} year old; this partner funds "
                                  "companies {age_limits}.",
                                  "The company is {age} years old; this partner funds "
                                  "companies {age_limits}.", "age"),
    "company_too_old": N_plural("The company is {age} year old; this partner funds "
                                "companies {age_limits}.",
                                "The company is {age} years old; this partner funds "
                                "companies {age_limits}.", "age"),
    "unknown_company_age": N_("Fill in the company's creation date to check its age."),
    "stage_ok": N_("Stage \"{stage}\": funded by this partner."),
    "stage_not_accepted": N_("Stage \"{stage}\": this partner only funds these stages: {stages}."),
    "unknown_stage": N_("Fill in the company's stage to check this criterion."),
    "sector_ok": N_("Sector \"{sector}\": funded by this partner."),
    "sector_not_accepted": N_("Sector \"{sector}\": this partner only funds these sectors: "
                              "{sectors}."),
    "unknown_sector": N_("Fill in the company's sector to check this criterion."),
    "founders_full_time_ok": N_plural("{count} founder full time; this partner asks for at "
                                      "least {min}.",
                                      "{count} founders full time; this partner asks for at "
                                      "least {min}.", "count"),
    "founders_full_time_too_few": N_plural("{count} founder full time; this partner asks "
                                           "for at least {min}.",
                                           "{count} founders full time; this partner asks "
                                           "for at least {min}.", "count"),
    "unknown_founders_full_time": N_("Say for each founder whether they work full time in "
                                     "the company (this partner asks for at least {min})."),
    "labels_ok": N_plural("Label held: {held}.", "Labels held: {held}.", "held_count"),
    "labels_missing": N_("This partner asks for at least one of these labels: {labels}."),
    "instrument_ok": N_("Instrument requested: {instrument}; this partner offers it."),
    "instrument_not_offered": N_("Instrument requested: {instrument}; this partner only "
                                 "offers: {offered}."),
    "instrument_not_requested": N_("Nothing is requested from this partner; it offers: "
                                   "{offered}."),
    "unknown_instrument": N_("Choose what you ask of this partner (it offers: {offered})."),
    "amount_ok": N_("Amount requested: {amount}; this partner funds {limits}."),
    "amount_below_min": N_("Amount requested: {amount}, below this partner's minimum "
                           "({min})."),
    "amount_above_max": N_("Amount requested: {amount}, above this partner's maximum "
                           "({max})."),
    "amount_not_requested": N_("No amount is requested from this partner; it funds {limits}."),
    "unknown_amount": N_("Fill in the amount requested from this partner (it funds {limits})."),
    "document_expired": N_plural("{kind} \"{name}\" expired on {expired_on} (this partner "
                                 "accepts it for {months} month): upload a recent one.",
                                 "{kind} \"{name}\" expired on {expired_on} (this partner "
                                 "accepts it for {months} months): upload a recent one.",
                                 "months"),
}


def _age_limits(ctx: Mapping[str, Any], lang: str) -> dict[str, str]:
    low, high = ctx.get("min"), ctx.get("max")
    if low is not None and high is not None:
        words = _("aged {low} to {high} years", lang)
    elif low is not None:
        words = ngettext("at least {low} year old", "at least {low} years old", low, lang)
    else:
        words = ngettext("at most {high} year old", "at most {high} years old", high or 0, lang)
    return {"age_limits": words.format(low=low, high=high)}


def _amount_limits(ctx: Mapping[str, Any], lang: str) -> dict[str, str]:
    low, high = ctx.get("min"), ctx.get("max")
    words = (_("from {low} to {high}", lang) if low is not None and high is not None
             else _("from {low}", lang) if low is not None else _("up to {high}", lang))
    return {"limits": words.format(low=_money(low, lang), high=_money(high, lang))}


def _money(value: Any, lang: str) -> Any:
    return format_money(value, lang) if value not in (None, "") else value


def _day(value: Any, lang: str) -> Any:
    return format_date(value, lang) if value else value


# rule -> ctx key -> how its figure is worded (euros and dates through the one formatter)
_FIGURES: dict[str, dict[str, Callable[[Any, str], Any]]] = {
    "amount": {"amount": _money, "min": _money, "max": _money},
    "company_age": {"creation_date": _day},
}


def _expiry(ctx: Mapping[str, Any], lang: str) -> dict[str, str]:
    day = date.fromisoformat(str(ctx["expired_on"]))
    kind = label("attachment_kind", str(ctx.get("kind")), lang)
    return {"expired_on": format_date(day, lang), "kind": kind}


def _held_count(ctx: Mapping[str, Any], lang: str) -> dict[str, int]:
    return {"held_count": len(ctx.get("held") or ())}


_DERIVED: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    "company_age": _age_limits, "amount": _amount_limits, "documents": _expiry,
    "labels": _held_count,
}


def value_label(kind: str, code: str, lang: str) -> str:
    """A closed-list code worded for a sentence (the words declared beside its enum)."""
    return in_sentence(kind, code, lang)


def render(rule: str, code: str, ctx: Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """The verdict's sentence in `lang`, its codes and figures worded for people."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    words: dict[str, Any] = {}
    for key, value in ctx.items():
        kind = _VALUE_KEYS.get(key)
        if isinstance(value, list):
            items = [value_label(kind, v, lang) if kind else str(v) for v in value]
            words[key] = ", ".join(items) if items else "—"
        else:
            words[key] = value_label(kind, value, lang) if kind and value else value
        figure = _FIGURES.get(rule, {}).get(key)
        if figure is not None:
            words[key] = figure(value, lang)
    if rule in _DERIVED:
        words |= _DERIVED[rule](ctx, lang)
    return translate(code, words, lang)


register(MESSAGES)
