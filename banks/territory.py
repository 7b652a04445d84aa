"""Where a head office is: departments, and membership of the Métropole Aix-Marseille-Provence."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

METROPOLE_FILE = Path(__file__).parent / "data" / "metropole_amp.json"

_SEPARATORS = re.compile(r"[\s\-‐–—'’`.,/()]+")
_CEDEX = re.compile(r"\bcedex\b.*$")
_ARRONDISSEMENT = re.compile(r"(\s+(\d+\s*(e|er|eme|ieme)?|arrondissement|arr))+$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = {"le", "la", "les", "l"}


def normalise_city(name: str) -> str:
    """Compare-ready city name: no accents, case, hyphens, "St", article, CEDEX, arrondissement."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SEPARATORS.sub(" ", text).strip()
    text = _CEDEX.sub("", text).strip()
    text = _ARRONDISSEMENT.sub("", text).strip()
    words = [_ABBREVIATIONS.get(w, w) for w in text.split()]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def department_of(postal_code: str) -> str:
    """The department a French postal code belongs to ("13", "2A", "971")."""
    code = postal_code.strip()
    if code.startswith(("97", "98")):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:2]


@dataclass(frozen=True)
class Metropole:
    """The member communes by postal code, and the postal codes shared with outside communes."""

    name: str
    communes: tuple[str, ...]
    by_postal_code: dict[str, frozenset[str]]
    shared: frozenset[str]
    names_by_department: dict[str, frozenset[str]]


@cache
def metropole_amp(path: Path = METROPOLE_FILE) -> Metropole:
    """The Métropole Aix-Marseille-Provence, read once from its data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by_code: dict[str, set[str]] = {}
    by_dept: dict[str, set[str]] = {}
    for commune in data["communes"]:
        key = normalise_city(commune["name"])
        for code in commune["postal_codes"]:
            by_code.setdefault(code, set()).add(key)
            by_dept.setdefault(department_of(code), set()).add(key)
    return Metropole(
        name=data["name"],
        communes=tuple(c["name"] for c in data["communes"]),
        by_postal_code={k: frozenset(v) for k, v in by_code.items()},
        shared=frozenset(data.get("shared_postal_codes", {})),
        names_by_department={k: frozenset(v) for k, v in by_dept.items()},
    )


def in_metropole_amp(postal_code: str, city: str | None) -> bool | None:
    """Whether a head office is in the Métropole; None when the city is needed but not given.

    A postal code only served by member communes decides alone. A code it shares with an
    outside commune (84120 Pertuis / La Bastidonne) is decided by the city name, and so is a
    CEDEX code, as long as it belongs to the commune's department.
    """
    metro = metropole_amp()
    code = postal_code.strip()
    names = metro.by_postal_code.get(code)
    if names is not None and code not in metro.shared:
        return True
    is_cedex = city is not None and _CEDEX.search(city.lower()) is not None
    if names is None and not is_cedex:
        return False
    if not city or not city.strip():
        return None
    if names is None:
        names = metro.names_by_department.get(department_of(code), frozenset())
    return normalise_city(city) in names
