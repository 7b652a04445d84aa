"""INSEE's SIRENE API (3.11, with a key), the optional second provider behind the same port."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dossier.registry import LEGAL_FORMS, Address, CompanyFacts, RegistryUnavailable
from registry.bounded import BoundedRegistry

DEFAULT_URL = "https://api.insee.fr/api-sirene/3.11"
KEY_HEADER = "X-INSEE-Api-Key-Integration"


def _current(periods: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The period still open (no end date), else the latest."""
    periods = [p for p in periods or [] if isinstance(p, dict)]
    return next((p for p in periods if not p.get("dateFin")), periods[0] if periods else {})


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _street(place: dict[str, Any]) -> str:
    parts = (place.get("numeroVoieEtablissement"), place.get("indiceRepetitionEtablissement"),
             place.get("typeVoieEtablissement"), place.get("libelleVoieEtablissement"))
    return " ".join(str(p) for p in parts if p)


def _closed_on(period: dict[str, Any]) -> date | None:
    """A closed establishment's period starts the day it closed (the unit's own date of
    ceasing is not in an establishment's answer)."""
    return _date(period.get("dateDebut")) if period.get(
        "etatAdministratifEtablissement") == "F" else None


def facts_from(establishment: dict[str, Any], siret: str | None) -> CompanyFacts:
    """Our facts from one SIRENE establishment (with its legal unit)."""
    unit = establishment.get("uniteLegale") or {}
    place = establishment.get("adresseEtablissement") or {}
    period = _current(establishment.get("periodesEtablissement"))
    name = unit.get("denominationUniteLegale") or " ".join(
        p for p in (unit.get("prenom1UniteLegale"), unit.get("nomUniteLegale")) if p)
    if not name:
        raise KeyError("denominationUniteLegale")
    headcount = unit.get("trancheEffectifsUniteLegale")
    return CompanyFacts(
        siren=str(establishment["siren"]), siret=siret or establishment.get("siret"),
        legal_name=str(name),
        legal_form=LEGAL_FORMS.get(str(unit.get("categorieJuridiqueUniteLegale") or ""),
                                   "other"),
        naf_code=unit.get("activitePrincipaleUniteLegale")
        or period.get("activitePrincipaleEtablissement"),
        address=Address(line1=_street(place),
                        postal_code=str(place.get("codePostalEtablissement") or ""),
                        city=str(place.get("libelleCommuneEtablissement") or "")),
        creation_date=_date(unit.get("dateCreationUniteLegale")),
        headcount_range=None if headcount in (None, "NN") else str(headcount),
        active=unit.get("etatAdministratifUniteLegale", "A") == "A"
        and period.get("etatAdministratifEtablissement", "A") == "A",
        closed_on=_closed_on(period), source="sirene")


def parse(body: bytes, siren: str, siret: str | None) -> CompanyFacts | None:
    """The company in a SIRENE answer (one establishment, or a search of the head office)."""
    try:
        data = json.loads(body)
        found = data.get("etablissement") or next(iter(data.get("etablissements") or []), None)
        if found is None:
            return None
        if str(found.get("siren")) != siren:
            return None
        return facts_from(found, siret)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RegistryUnavailable(f"malformed answer: {exc.__class__.__name__}") from exc


class Sirene(BoundedRegistry):
    """`find(siren, siret)` against INSEE's SIRENE API with an integration key."""

    source = "sirene"
    not_found = frozenset({404})  # SIRENE answers 404 for a number it does not know

    def __init__(self, base_url: str = DEFAULT_URL, *, api_key: str, **kwargs: Any):
        super().__init__(base_url, headers={KEY_HEADER: api_key}, **kwargs)

    def _find(self, siren: str, siret: str | None) -> CompanyFacts | None:
        if siret is not None:
            body = self._get(f"{self.base_url}/siret/{siret}")
        else:
            body = self._get(f"{self.base_url}/siret", params={
                "q": f"siren:{siren} AND etablissementSiege:true", "nombre": 1})
        return None if body is None else parse(body, siren, siret)
