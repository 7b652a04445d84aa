"""Company look-ups: the cache first, the registry within its deadline, else check it later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dossier.db import insert_for, utcnow
from dossier.errors import FieldError
from dossier.formatting import format_date
from dossier.models import RegistryCheck, RegistryCompany
from dossier.ports import RegistryPort
from dossier.registry import CompanyFacts, RegistryUnavailable, normalize, registry_record

# The founder is told to try again after this when the registry gave no Retry-After.
DEFAULT_RETRY_AFTER_S = 60.0
# A pending number is checked again after 1, 2, 4 … minutes, at most every 6 hours.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


@dataclass(frozen=True)
class LookUp:
    """The answer to one look-up: verified (with facts), not_found, or pending."""

    status: str
    facts: CompanyFacts | None = None
    fetched_at: datetime | None = None
    retry_after_s: float | None = None


def _cached(db: Session, number: str, now: datetime, ttl: timedelta) -> RegistryCompany | None:
    row = db.get(RegistryCompany, number)
    return row if row is not None and row.fetched_at > now - ttl else None


def _store(db: Session, number: str, siren: str, facts: CompanyFacts | None, source: str,
           now: datetime) -> LookUp:
    values = {"siren": siren, "found": facts is not None, "source": source, "fetched_at": now,
              "facts": facts.as_json() if facts else None}
    # Two founders may look up the same number at once: the later answer wins, no error.
    db.execute(insert_for(db, RegistryCompany).values(number=number, **values)
               .on_conflict_do_update(index_elements=["number"], set_=values))
    db.execute(update(RegistryCheck).where(RegistryCheck.number == number,
                                           RegistryCheck.done_at.is_(None))
               .values(done_at=now))
    return LookUp("verified", facts, now) if facts else LookUp("not_found", fetched_at=now)


def _answer(row: RegistryCompany) -> LookUp:
    if not row.found or row.facts is None:
        return LookUp("not_found", fetched_at=row.fetched_at)
    return LookUp("verified", CompanyFacts.from_json(row.facts), row.fetched_at)


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def _postpone(db: Session, number: str, error: RegistryUnavailable, now: datetime) -> float:
    db.execute(insert_for(db, RegistryCheck)
               .values(number=number, requested_at=now, attempts=0, next_attempt_at=now)
               .on_conflict_do_nothing(index_elements=["number"]))
    check = db.scalars(select(RegistryCheck).where(RegistryCheck.number == number)
                       .with_for_update()).one()
    if check.done_at is not None:  # verified once, out again: a new round of checks
        check.requested_at, check.attempts, check.done_at = now, 0, None
    check.attempts += 1
    wait = max(_backoff(check.attempts), timedelta(seconds=error.retry_after_s or 0))
    check.next_attempt_at, check.last_error = now + wait, error.reason[:200]
    return error.retry_after_s or DEFAULT_RETRY_AFTER_S


def look_up(db: Session, registry: RegistryPort, number: str, *, ttl_days: int = 30,
            now: datetime | None = None) -> LookUp:
    """Facts for a typed SIREN or SIRET; `pending` (never an error) when the registry is out.

    Raises dossier.registry.InvalidNumber for a number that is not a valid SIREN or SIRET.
    Commits the session's transaction before asking the registry, so that no database
    connection is held while it answers.
    """
    now = now or utcnow()
    siren, siret = normalize(number)
    key = siret or siren
    cached = _cached(db, key, now, timedelta(days=ttl_days))
    if cached is not None:
        return _answer(cached)
    db.commit()
    try:
        facts = registry.find(siren, siret)
    except RegistryUnavailable as exc:
        retry = _postpone(db, key, exc, now)
        return LookUp("pending", retry_after_s=retry)
    return _store(db, key, siren, facts, registry.source, now)


def known(db: Session, number: str) -> LookUp | None:
    """What the cache holds for a number, whatever its age (None: never answered)."""
    try:
        siren, siret = normalize(number)
    except ValueError:
        return None
    row = db.get(RegistryCompany, siret or siren)
    return _answer(row) if row is not None else None


def due_checks(db: Session, now: datetime | None = None, limit: int = 100) -> list[str]:
    """Numbers whose later check is due, oldest first."""
    now = now or utcnow()
    return list(db.scalars(select(RegistryCheck.number).where(
        RegistryCheck.done_at.is_(None), RegistryCheck.next_attempt_at <= now)
        .order_by(RegistryCheck.next_attempt_at).limit(limit)))


def verify_due(db: Session, registry: RegistryPort, now: datetime | None = None) -> dict[str, Any]:
    """Ask the registry again for every due number, committing each answer (no connection
    is held while the registry answers); how many were verified, unknown, still pending."""
    now = now or utcnow()
    done: dict[str, Any] = {"verified": 0, "not_found": 0, "pending": 0}
    numbers = due_checks(db, now)
    db.commit()
    for number in numbers:
        siren, siret = normalize(number)
        try:
            facts = registry.find(siren, siret)
        except RegistryUnavailable as exc:
            _postpone(db, number, exc, now)
            db.commit()
            done["pending"] += 1
            continue
        _store(db, number, siren, facts, registry.source, now)
        db.commit()
        done["verified" if facts else "not_found"] += 1
    return done


def _numbers(company: dict[str, Any]) -> list[str]:
    return [n for n in (company.get("siret"), company.get("siren")) if n]


def record_for(db: Session, company: dict[str, Any]) -> dict[str, Any]:
    """The derived `company.registry` of a dossier's company, from what the registry said
    (still `pending` when it did not know the number, with the source and date it said so)."""
    unknown = None
    numbers = _numbers(company)
    rows = {r.number: r for r in db.scalars(select(RegistryCompany)
                                             .where(RegistryCompany.number.in_(numbers)))
            } if numbers else {}
    for number in numbers:
        row = rows.get(number)
        if row is not None and row.found and row.facts is not None:
            return registry_record(CompanyFacts.from_json(row.facts), company, row.fetched_at)
        unknown = unknown or row
    record = registry_record(None, company, None)
    if unknown is not None:
        record |= {"source": unknown.source, "fetched_at": unknown.fetched_at.isoformat()}
    return record


def closed_company(db: Session, company: dict[str, Any]) -> list[FieldError]:
    """The error that stops a submission when the registry reports the company closed."""
    record = record_for(db, company)
    if record["status"] != "closed":
        return []
    checked = datetime.fromisoformat(record["fetched_at"])
    return [FieldError("company.siren", "company_closed",
                       {"date_fr": format_date(checked, "fr"),
                        "date_en": format_date(checked, "en")})]


def watch(db: Session, company: dict[str, Any], now: datetime | None = None) -> None:
    """Have the registry checks verify a submitted company the registry never answered for."""
    now = now or utcnow()
    for number in _numbers(company)[:1]:
        try:
            siren, siret = normalize(number)
        except ValueError:
            return
        key = siret or siren
        if db.get(RegistryCompany, key) is None:
            db.execute(insert_for(db, RegistryCheck)
                       .values(number=key, requested_at=now, attempts=0, next_attempt_at=now)
                       .on_conflict_do_nothing(index_elements=["number"]))
