"""The French state's public "Recherche d'entreprises" API (no key), read within a deadline."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dossier.registry import LEGAL_FORMS, Address, CompanyFacts, RegistryUnavailable
from registry.bounded import BoundedRegistry, retry_after

__all__ = ["DEFAULT_URL", "RechercheEntreprises", "facts_from", "parse", "retry_after"]

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _establishment(result: dict[str, Any], siret: str | None) -> dict[str, Any]:
    head = result.get("siege") or {}
    if siret is None or head.get("siret") == siret:
        return head
    for other in result.get("matching_etablissements") or []:
        if isinstance(other, dict) and other.get("siret") == siret:
            return other
    return {}


def _activity(result: dict[str, Any], place: dict[str, Any],
              siret: str | None) -> tuple[bool, date | None]:
    """Whether the company (and the establishment of a SIRET) is active; if not, since when
    it is closed, when the registry says (`date_fermeture`)."""
    active = result.get("etat_administratif", "A") == "A" and (
        siret is None or place.get("etat_administratif", "A") == "A")
    if active:
        return True, None
    return False, _date(result.get("date_fermeture") or place.get("date_fermeture"))


def facts_from(result: dict[str, Any], siret: str | None) -> CompanyFacts | None:
    """Our facts from one search result; None when the SIRET is not one of its establishments."""
    place = _establishment(result, siret)
    if siret is not None and not place:
        return None
    head = result.get("siege") or {}
    active, closed_on = _activity(result, place, siret)
    headcount = result.get("tranche_effectif_salarie")
    return CompanyFacts(
        siren=str(result["siren"]), siret=siret or head.get("siret"),
        legal_name=str(result.get("nom_raison_sociale") or result.get("nom_complet") or ""),
        legal_form=LEGAL_FORMS.get(str(result.get("nature_juridique") or ""), "other"),
        naf_code=result.get("activite_principale") or place.get("activite_principale"),
        address=Address(line1=str(place.get("adresse") or ""),
                        postal_code=str(place.get("code_postal") or ""),
                        city=str(place.get("libelle_commune") or "")),
        creation_date=_date(result.get("date_creation")),
        headcount_range=None if headcount in (None, "NN") else str(headcount),
        active=active, closed_on=closed_on)


def parse(body: bytes, siren: str, siret: str | None) -> CompanyFacts | None:
    """The company `siren` in a search answer, None if absent; malformed -> unavailable."""
    try:
        results = json.loads(body)["results"]
        if not isinstance(results, list):
            raise TypeError("results")
        match = [r for r in results if isinstance(r, dict) and str(r.get("siren")) == siren]
        if not match:
            return None
        if not (match[0].get("nom_raison_sociale") or match[0].get("nom_complet")):
            raise KeyError("nom_complet")
        return facts_from(match[0], siret)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise RegistryUnavailable(f"malformed answer: {exc.__class__.__name__}") from exc


class RechercheEntreprises(BoundedRegistry):
    """`find(siren, siret)` against REGISTRY_URL, the whole exchange within `timeout` seconds."""

    source = "recherche-entreprises"

    def _find(self, siren: str, siret: str | None) -> CompanyFacts | None:
        body = self._get(f"{self.base_url}/search",
                         params={"q": siret or siren, "page": 1, "per_page": 5})
        return parse(body, siren, siret)
