"""Rules on the company itself: territory, age, stage, sector, founders, labels."""

from __future__ import annotations

from datetime import date

from banks.rules.base import Check, Subject
from banks.territory import department_of, in_metropole_amp

_KINDS = {"metropole_amp": "metropole", "france": "france"}


def territory(s: Subject) -> Check | None:
    """The head office is in the partner's territory."""
    where = s.rules.territory
    if where is None:
        return None
    code, city, country = s.address.postal_code, s.address.city, s.address.country
    kind = _KINDS.get(where, "departments") if isinstance(where, str) else "departments"
    ctx = _territory_context(where, code, city, country)
    if country is not None and country != "FR":
        return Check("territory", False, f"territory_{kind}_outside", ctx)
    if country is None or (code is None and kind != "france"):
        return Check("territory", False, "unknown_territory", ctx)
    if kind == "france":
        return Check("territory", True, "territory_france_ok", ctx)
    if kind == "metropole":
        inside = in_metropole_amp(code, city)
        if inside is None:
            return Check("territory", False, "unknown_territory", ctx)
    else:
        ctx["department"] = department_of(code)
        inside = ctx["department"] in where
    return Check("territory", inside, f"territory_{kind}_{'ok' if inside else 'outside'}", ctx)


def _territory_context(where: str | list[str], code: str | None, city: str | None,
                       country: str | None) -> dict:
    """What a territory message shows: the address, its place, the partner's departments."""
    ctx: dict = {"postal_code": code, "city": city, "country": country}
    if isinstance(where, list):
        ctx["departments"] = list(where)
    abroad = country is not None and country != "FR"
    ctx["place"] = " ".join(x for x in (code, city, f"({country})" if abroad else None) if x)
    return ctx


def age_in_years(created: date, today: date) -> int:
    """Completed years between two dates (0 if created after today)."""
    years = today.year - created.year - ((today.month, today.day) < (created.month, created.day))
    return max(years, 0)


def company_age(s: Subject) -> Check | None:
    """The company's age, in completed years, is within the partner's bounds."""
    low, high = s.rules.min_company_age_years, s.rules.max_company_age_years
    if low is None and high is None:
        return None
    ctx = {"min": low, "max": high}
    created = s.company.creation_date
    if created is None:
        return Check("company_age", False, "unknown_company_age", ctx)
    age = age_in_years(created, s.today)
    ctx |= {"age": age, "creation_date": created.isoformat()}
    if low is not None and age < low:
        return Check("company_age", False, "company_too_young", ctx)
    if high is not None and age > high:
        return Check("company_age", False, "company_too_old", ctx)
    return Check("company_age", True, "company_age_ok", ctx)


def stage(s: Subject) -> Check | None:
    """The company's stage is one the partner funds."""
    return _one_of(s, "stage", s.company.stage, s.rules.stages)


def sector(s: Subject) -> Check | None:
    """The company's sector is one the partner funds."""
    return _one_of(s, "sector", s.company.sector, s.rules.sectors)


def _one_of(s: Subject, rule: str, value: object, allowed: list | None) -> Check | None:
    if allowed is None:
        return None
    ctx = {f"{rule}s": [str(a) for a in allowed]}
    if value is None:
        return Check(rule, False, f"unknown_{rule}", ctx)
    ctx[rule] = str(value)
    ok = value in allowed
    return Check(rule, ok, f"{rule}_ok" if ok else f"{rule}_not_accepted", ctx)


def founders_full_time(s: Subject) -> Check | None:
    """Enough founders work full time on the company."""
    needed = s.rules.min_founders_full_time
    if needed is None:
        return None
    founders = s.dossier.founders or []
    count = sum(1 for f in founders if f.full_time is True)
    ctx = {"count": count, "min": needed}
    if count >= needed:
        return Check("founders_full_time", True, "founders_full_time_ok", ctx)
    if not founders or any(f.full_time is None for f in founders):
        return Check("founders_full_time", False, "unknown_founders_full_time", ctx)
    return Check("founders_full_time", False, "founders_full_time_too_few", ctx)


def labels(s: Subject) -> Check | None:
    """The company holds at least one of the labels the partner asks for."""
    wanted = s.rules.labels_any
    if wanted is None:
        return None
    held = [str(label) for label in s.company.labels or [] if label in wanted]
    ctx = {"labels": [str(w) for w in wanted], "held": held}
    return Check("labels", bool(held), "labels_ok" if held else "labels_missing", ctx)
