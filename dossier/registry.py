"""Facts the company registry holds about a company, and how they compare to what was typed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from dossier.catalogue import _l
from dossier.formatting import format_int

# INSEE legal categories -> our legal_form (spec: registry.md); any other code -> "other".
LEGAL_FORMS = {"5710": "SAS", "5720": "SASU", "5499": "SARL", "5498": "EURL", "5599": "SA",
               "5699": "SA", "1000": "EI", "9220": "association"}

# Typed fields compared with the registry's (path in `company` -> CompanyFacts attribute).
COMPARED = {"legal_name": "legal_name", "legal_form": "legal_form", "naf_code": "naf_code",
            "creation_date": "creation_date", "siren": "siren", "siret": "siret",
            "address.postal_code": "postal_code", "address.city": "city"}


class InvalidNumber(ValueError):
    """Not a SIREN (9 digits) nor a SIRET (14 digits) with a valid checksum."""


class RegistryUnavailable(Exception):
    """The registry did not answer usably in time (timeout, 429, 5xx, malformed answer)."""

    def __init__(self, reason: str, retry_after_s: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Address:
    """A head office's address as the registry gives it."""

    line1: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"


@dataclass(frozen=True)
class CompanyFacts:
    """One company (and, for a SIRET, one establishment) as the registry knows it."""

    siren: str
    siret: str | None
    legal_name: str
    legal_form: str
    naf_code: str | None
    address: Address = field(default_factory=Address)
    creation_date: date | None = None
    headcount_range: str | None = None
    active: bool = True
    source: str = "recherche-entreprises"
    closed_on: date | None = None  # when the registry reports it closed (date_fermeture)

    @property
    def postal_code(self) -> str:
        return self.address.postal_code

    @property
    def city(self) -> str:
        return self.address.city

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, dates as ISO strings."""
        data = asdict(self)
        for name in ("creation_date", "closed_on"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CompanyFacts:
        """The inverse of `as_json`."""
        created, closed = data.get("creation_date"), data.get("closed_on")
        return cls(**{**data, "address": Address(**data.get("address") or {}),
                      "creation_date": date.fromisoformat(created) if created else None,
                      "closed_on": date.fromisoformat(closed) if closed else None})


def normalize(number: str) -> tuple[str, str | None]:
    """(siren, siret or None) of a typed SIREN or SIRET (spaces and dots allowed)."""
    compact = siret_number.compact(str(number))
    if len(compact) == 14 and siret_number.is_valid(compact):
        return compact[:9], compact
    if len(compact) == 9 and siren_number.is_valid(compact):
        return compact, None
    raise InvalidNumber(number)


def _typed(company: dict[str, Any], path: str) -> Any:
    value: Any = company
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _same(typed: Any, known: Any) -> bool:
    if isinstance(known, date):
        return str(typed) == known.isoformat()
    return " ".join(str(typed).split()).casefold() == " ".join(str(known).split()).casefold()


def differences(company: dict[str, Any], facts: CompanyFacts) -> list[dict[str, Any]]:
    """Each typed field that disagrees with the registry: {field, typed, registry}."""
    found = []
    for path, attribute in COMPARED.items():
        typed, known = _typed(company, path), getattr(facts, attribute)
        if typed in (None, "") or known in (None, ""):
            continue
        if attribute == "legal_form" and known == "other":
            continue  # the registry's category has no form of ours: the founder chose
        if not _same(typed, known):
            found.append({"field": f"company.{path}", "typed": str(typed),
                          "registry": known.isoformat() if isinstance(known, date) else known})
    return found


def registry_record(facts: CompanyFacts | None, company: dict[str, Any],
                    fetched_at: datetime | None) -> dict[str, Any]:
    """The derived `company.registry` of the data dictionary for what was typed."""
    if facts is None:
        return {"status": "pending", "source": None, "fetched_at": None, "differences": []}
    found = differences(company, facts)
    status = "closed" if not facts.active else "mismatch" if found else "verified"
    record = {"status": status, "source": facts.source,
              "fetched_at": fetched_at.isoformat() if fetched_at else None, "differences": found}
    if status == "closed":
        record["closed_on"] = facts.closed_on.isoformat() if facts.closed_on else None
    return record


# INSEE headcount bands (`tranche_effectif_salarie`) -> (fewest, most; None: no upper bound).
HEADCOUNT_BANDS = {"00": (0, 0), "01": (1, 2), "02": (3, 5), "03": (6, 9), "11": (10, 19),
                   "12": (20, 49), "21": (50, 99), "22": (100, 199), "31": (200, 249),
                   "32": (250, 499), "41": (500, 999), "42": (1000, 1999), "51": (2000, 4999),
                   "52": (5000, 9999), "53": (10000, None)}
_NO_EMPLOYEE = _l("no employee")
_ONE_OR_TWO = _l("1 or 2 employees")
_BAND = _l("{low} to {high} employees")
_OPEN_BAND = _l("{low} employees or more")


def headcount_words(code: str | None, lang: str = "fr") -> str | None:
    """The registry's headcount band in words (`10 à 19 salariés`); None if it has none."""
    band = HEADCOUNT_BANDS.get(code or "")
    if band is None:
        return None
    low, high = band
    if high == 0:
        return _NO_EMPLOYEE.get(lang)
    if high == 2:
        return _ONE_OR_TWO.get(lang)
    if high is None:
        return _OPEN_BAND.get(lang).format(low=format_int(low, lang))
    return _BAND.get(lang).format(low=format_int(low, lang), high=format_int(high, lang))


def street(address: Address) -> str:
    """The street of a head office: the registry's line without its postcode and city."""
    line = " ".join(address.line1.split())
    tail = f" {address.postal_code} {address.city}".rstrip()
    if address.postal_code and line.casefold().endswith(tail.casefold()):
        line = line[: -len(tail)].rstrip(" ,")
    return line


def company_values(facts: CompanyFacts) -> dict[str, str]:
    """What the registry gives for the company step, by field path, as the wizard writes it
    (a date in ISO, a legal form as its code; nothing the registry does not know)."""
    values = {"company.legal_name": facts.legal_name, "company.siren": facts.siren,
              "company.siret": facts.siret or "",
              "company.legal_form": "" if facts.legal_form == "other" else facts.legal_form,
              "company.creation_date": facts.creation_date.isoformat()
              if facts.creation_date else "",
              "company.naf_code": facts.naf_code or "",
              "company.address.line1": street(facts.address),
              "company.address.postal_code": facts.postal_code,
              "company.address.city": facts.city,
              "company.address.country": facts.address.country}
    return {path: value for path, value in values.items() if value}


def same_as_typed(path: str, typed: str, known: str) -> bool:
    """Whether a typed value says what the registry says (case, spaces, and the spaces or
    dots inside a SIREN or SIRET aside)."""
    if path in ("company.siren", "company.siret"):
        return siret_number.compact(typed) == known
    return _same(typed, known)
