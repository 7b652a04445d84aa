"""The French state's public "Recherche d'entreprises" API (no key), read within a deadline."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from dossier.registry import LEGAL_FORMS, Address, CompanyFacts, RegistryUnavailable

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"
MAX_ANSWER_BYTES = 2 * 1024 * 1024


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


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


class RechercheEntreprises:
    """`find(siren, siret)` against REGISTRY_URL, the whole exchange within `timeout` seconds."""

    source = "recherche-entreprises"

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 3.0,
                 transport: httpx.BaseTransport | None = None, max_concurrent: int = 8):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport
        # Requests waiting on a slow registry hold a server thread each: past this many, the
        # next look-up answers "pending" at once instead of queueing behind them.
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def find(self, siren: str, siret: str | None = None) -> CompanyFacts | None:
        """The registry's facts, None if unknown; RegistryUnavailable if not answered in time."""
        if not self._slots.acquire(blocking=False):
            raise RegistryUnavailable("busy", retry_after_s=self.timeout)
        try:
            return self._find(siren, siret)
        finally:
            self._slots.release()

    def _find(self, siren: str, siret: str | None) -> CompanyFacts | None:
        deadline = time.monotonic() + self.timeout
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as http, \
                    http.stream("GET", f"{self.base_url}/search",
                                params={"q": siret or siren, "page": 1, "per_page": 5},
                                headers={"Accept": "application/json"}) as answer:
                self._check_status(answer)
                body = self._read(answer, deadline)
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"{exc.__class__.__name__}") from exc
        return parse(body, siren, siret)

    @staticmethod
    def _check_status(answer: httpx.Response) -> None:
        if answer.status_code == 429 or answer.status_code >= 500:
            raise RegistryUnavailable(f"HTTP {answer.status_code}",
                                      retry_after(answer.headers.get("Retry-After")))
        if answer.status_code != 200:
            raise RegistryUnavailable(f"HTTP {answer.status_code}")

    @staticmethod
    def _read(answer: httpx.Response, deadline: float) -> bytes:
        # A slow drip of bytes would defeat httpx's per-read timeout: hold the whole deadline.
        chunks, size = [], 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if time.monotonic() > deadline:
                raise RegistryUnavailable("timeout")
            if size > MAX_ANSWER_BYTES:
                raise RegistryUnavailable("answer too large")
            chunks.append(chunk)
        return b"".join(chunks)
