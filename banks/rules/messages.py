"""French and English texts of every eligibility verdict, and how their figures are worded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dossier.i18n import DEFAULT_LANG, LANGS, register, translate
from dossier.schema.enums import Instrument, Label, Sector, Stage

# Codes of the closed lists, worded for a sentence (same wording as forms/enums.py, which
# banks may not import).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "stage": {
        Stage.idea: ("idée", "idea"), Stage.pre_seed: ("pré-amorçage", "pre-seed"),
        Stage.seed: ("amorçage", "seed"), Stage.early: ("démarrage commercial", "early stage"),
        Stage.growth: ("croissance", "growth"),
    },
    "sector": {
        Sector.health: ("santé", "health"), Sector.digital: ("numérique", "digital"),
        Sector.energy_environment: ("énergie et environnement", "energy and environment"),
        Sector.aerospace_mechanics: ("aéronautique et mécanique", "aerospace and mechanics"),
        Sector.maritime_logistics: ("maritime et logistique", "maritime and logistics"),
        Sector.creative_tourism: ("industries créatives et tourisme",
                                  "creative industries and tourism"),
        Sector.photonics: ("photonique", "photonics"), Sector.other: ("autre", "other"),
    },
    "label": {
        Label.jei: ("JEI", "JEI"), Label.french_tech_tremplin: ("French Tech Tremplin",) * 2,
        Label.french_tech_120: ("French Tech 120",) * 2, Label.cir: ("CIR", "CIR"),
        Label.cii: ("CII", "CII"), Label.deeptech: ("Deeptech", "Deeptech"),
    },
    "instrument": {
        Instrument.bank_loan: ("prêt bancaire", "bank loan"),
        Instrument.honor_loan: ("prêt d'honneur", "honour loan"),
        Instrument.equity: ("fonds propres", "equity"),
        Instrument.guarantee: ("garantie", "guarantee"),
        Instrument.grant: ("subvention", "grant"),
        Instrument.advice: ("orientation/conseil", "guidance/advice"),
    },
}
# ctx key -> which list its codes belong to
_VALUE_KEYS = {"stage": "stage", "stages": "stage", "sector": "sector", "sectors": "sector",
               "labels": "label", "held": "label", "instrument": "instrument",
               "offered": "instrument"}

MESSAGES: dict[str, dict[str, str]] = {
    "territory_metropole_ok": {
        "fr": "Siège : {place}, dans la Métropole Aix-Marseille-Provence.",
        "en": "Head office: {place}, within the Aix-Marseille-Provence metropolis."},
    "territory_metropole_outside": {
        "fr": "Siège : {place}, hors de la Métropole Aix-Marseille-Provence, seul territoire "
              "où ce partenaire intervient.",
        "en": "Head office: {place}, outside the Aix-Marseille-Provence metropolis, the only "
              "area this partner serves."},
    "territory_france_ok": {"fr": "Siège en France.", "en": "Head office in France."},
    "territory_france_outside": {
        "fr": "Siège : {place}, hors de France ; ce partenaire ne finance que des entreprises "
              "établies en France.",
        "en": "Head office: {place}, outside France; this partner only funds companies "
              "established in France."},
    "territory_departments_ok": {
        "fr": "Siège : {place}, dans un département où ce partenaire intervient "
              "({departments}).",
        "en": "Head office: {place}, in a department this partner serves ({departments})."},
    "territory_departments_outside": {
        "fr": "Siège : {place} ; ce partenaire n'intervient que dans les départements "
              "{departments}.",
        "en": "Head office: {place}; this partner only serves departments {departments}."},
    "unknown_territory": {
        "fr": "Renseignez le code postal et la ville du siège pour vérifier le territoire.",
        "en": "Fill in the head office's postal code and city to check the territory."},
    "company_age_ok": {
        "fr": "Entreprise créée le {creation_date} ({age} an(s)) : ce partenaire finance les "
              "entreprises {age_limits}.",
        "en": "Company created on {creation_date} ({age} year(s) old): this partner funds "
              "companies {age_limits}."},
    "company_too_young": {
        "fr": "L'entreprise a {age} an(s) ; ce partenaire finance les entreprises {age_limits}.",
        "en": "The company is {age} year(s) old; this partner funds companies {age_limits}."},
    "company_too_old": {
        "fr": "L'entreprise a {age} an(s) ; ce partenaire finance les entreprises {age_limits}.",
        "en": "The company is {age} year(s) old; this partner funds companies {age_limits}."},
    "unknown_company_age": {
        "fr": "Renseignez la date de création de l'entreprise pour vérifier son âge.",
        "en": "Fill in the company's creation date to check its age."},
    "stage_ok": {"fr": "Stade « {stage} » : financé par ce partenaire.",
                 "en": "Stage \"{stage}\": funded by this partner."},
    "stage_not_accepted": {
        "fr": "Stade « {stage} » : ce partenaire ne finance que les stades {stages}.",
        "en": "Stage \"{stage}\": this partner only funds these stages: {stages}."},
    "unknown_stage": {
        "fr": "Renseignez le stade de l'entreprise pour vérifier ce critère.",
        "en": "Fill in the company's stage to check this criterion."},
    "sector_ok": {"fr": "Filière « {sector} » : financée par ce partenaire.",
                  "en": "Sector \"{sector}\": funded by this partner."},
    "sector_not_accepted": {
        "fr": "Filière « {sector} » : ce partenaire ne finance que les filières {sectors}.",
        "en": "Sector \"{sector}\": this partner only funds these sectors: {sectors}."},
    "unknown_sector": {
        "fr": "Renseignez la filière de l'entreprise pour vérifier ce critère.",
        "en": "Fill in the company's sector to check this criterion."},
    "founders_full_time_ok": {
        "fr": "{count} fondateur(s) à temps plein ; ce partenaire en demande au moins {min}.",
        "en": "{count} founder(s) full time; this partner asks for at least {min}."},
    "founders_full_time_too_few": {
        "fr": "{count} fondateur(s) à temps plein ; ce partenaire en demande au moins {min}.",
        "en": "{count} founder(s) full time; this partner asks for at least {min}."},
    "unknown_founders_full_time": {
        "fr": "Indiquez pour chaque fondateur s'il travaille à temps plein dans l'entreprise "
              "(ce partenaire en demande au moins {min}).",
        "en": "Say for each founder whether they work full time in the company (this partner "
              "asks for at least {min})."},
    "labels_ok": {"fr": "Label(s) détenu(s) : {held}.", "en": "Label(s) held: {held}."},
    "labels_missing": {
        "fr": "Ce partenaire demande au moins l'un de ces labels : {labels}.",
        "en": "This partner asks for at least one of these labels: {labels}."},
    "instrument_ok": {"fr": "Instrument demandé : {instrument} ; ce partenaire le propose.",
                      "en": "Instrument requested: {instrument}; this partner offers it."},
    "instrument_not_offered": {
        "fr": "Instrument demandé : {instrument} ; ce partenaire ne propose que : {offered}.",
        "en": "Instrument requested: {instrument}; this partner only offers: {offered}."},
    "instrument_not_requested": {
        "fr": "Aucune demande n'est adressée à ce partenaire ; il propose : {offered}.",
        "en": "Nothing is requested from this partner; it offers: {offered}."},
    "unknown_instrument": {
        "fr": "Choisissez ce que vous demandez à ce partenaire (il propose : {offered}).",
        "en": "Choose what you ask of this partner (it offers: {offered})."},
    "amount_ok": {"fr": "Montant demandé : {amount} €, ce partenaire finance {limits}.",
                  "en": "Amount requested: {amount} €; this partner funds {limits}."},
    "amount_below_min": {
        "fr": "Montant demandé : {amount} €, sous le minimum de ce partenaire ({min} €).",
        "en": "Amount requested: {amount} €, below this partner's minimum ({min} €)."},
    "amount_above_max": {
        "fr": "Montant demandé : {amount} €, au-dessus du maximum de ce partenaire ({max} €).",
        "en": "Amount requested: {amount} €, above this partner's maximum ({max} €)."},
    "amount_not_requested": {
        "fr": "Aucun montant n'est demandé à ce partenaire ; il finance {limits}.",
        "en": "No amount is requested from this partner; it funds {limits}."},
    "unknown_amount": {
        "fr": "Renseignez le montant demandé à ce partenaire (il finance {limits}).",
        "en": "Fill in the amount requested from this partner (it funds {limits})."},
}


def _age_limits(ctx: Mapping[str, Any], lang: str) -> dict[str, str]:
    low, high = ctx.get("min"), ctx.get("max")
    fr = (f"de {low} à {high} ans" if low is not None and high is not None
          else f"d'au moins {low} an(s)" if low is not None else f"de {high} an(s) au plus")
    en = (f"aged {low} to {high} years" if low is not None and high is not None
          else f"at least {low} year(s) old" if low is not None
          else f"at most {high} year(s) old")
    return {"age_limits": fr if lang == "fr" else en}


def _amount_limits(ctx: Mapping[str, Any], lang: str) -> dict[str, str]:
    low, high = ctx.get("min"), ctx.get("max")
    fr = (f"de {low} € à {high} €" if low is not None and high is not None
          else f"à partir de {low} €" if low is not None else f"jusqu'à {high} €")
    en = (f"from {low} € to {high} €" if low is not None and high is not None
          else f"from {low} €" if low is not None else f"up to {high} €")
    return {"limits": fr if lang == "fr" else en}


_DERIVED: dict[str, Callable[[Mapping[str, Any], str], dict[str, str]]] = {
    "company_age": _age_limits, "amount": _amount_limits,
}


def value_label(kind: str, code: str, lang: str) -> str:
    """A closed-list code worded for a sentence (the code itself if unknown)."""
    texts = VALUE_LABELS.get(kind, {}).get(code)
    return code if texts is None else texts[0 if lang == "fr" else 1]


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
    if rule in _DERIVED:
        words |= _DERIVED[rule](ctx, lang)
    return translate(code, words, lang)


register(MESSAGES)
