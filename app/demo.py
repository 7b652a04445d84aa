"""Seed the partner catalogue and the demo accounts of api-v1.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from banks.catalogue import DEFAULT_CATALOGUE, load_catalogue
from dossier.models import Role
from dossier.services import partners, users

DEMO_DOMAIN = "demo.example"


@dataclass(frozen=True)
class DemoAccount:
    """One seeded account."""

    email: str
    role: str
    partner: str | None


def seed_catalogue(*, db: Session, path: Path = DEFAULT_CATALOGUE,
                   only_missing: bool = False) -> int:
    """Load the catalogue file into the database (`only_missing`: add, never overwrite)."""
    catalogue = load_catalogue(path)
    return partners.sync_partners(db=db, entries=[p.model_dump(mode="json")
                                                  for p in catalogue.partners],
                                  only_missing=only_missing)


def demo_accounts(*, db: Session) -> list[DemoAccount]:
    """The founder, the staff member and one reviewer per partner."""
    accounts = [DemoAccount(f"founder@{DEMO_DOMAIN}", Role.founder, None),
                DemoAccount(f"staff@{DEMO_DOMAIN}", Role.staff, None)]
    accounts += [DemoAccount(f"{p.code}@{DEMO_DOMAIN}", Role.reviewer, p.code)
                 for p in partners.list_partners(db=db)]
    return accounts


def seed_demo(*, db: Session, password: str) -> list[DemoAccount]:
    """Missing catalogue partners plus demo accounts; re-running resets their passwords.

    Partners already in the database are never overwritten: an operator reloads the
    catalogue on purpose with `dossier partners load`.
    """
    seed_catalogue(db=db, only_missing=True)
    accounts = demo_accounts(db=db)
    for account in accounts:
        existing = users.get_by_email(db=db, email=account.email)
        if existing is None:
            users.create_user(db=db, email=account.email, password=password, role=account.role,
                              partner_code=account.partner)
        else:
            users.set_password(db=db, user=existing, password=password)
    return accounts
