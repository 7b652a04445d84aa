"""Founder sign-up confirmed by e-mail: the answer never tells whether an address has an account."""

from __future__ import annotations

import time
from enum import StrEnum

from sqlalchemy.orm import Session

from dossier.errors import DomainError
from dossier.models import Role, User
from dossier.security import account_link, account_link_signed, hash_password, read_account_link
from dossier.services import users

LINK_HOURS = 24


class SignupOutcome(StrEnum):
    """Which e-mail the address receives."""

    confirm = "confirm"  # a new (or still unconfirmed) account: the confirmation link
    exists = "exists"  # an active account: "you already have one, log in"


class LinkInvalid(DomainError):
    """A confirmation link that is forged, expired, superseded or already used."""

    status = 400
    code = "signup_link_invalid"


def request_signup(*, db: Session, email: str, password: str,
                   full_name: str | None) -> tuple[SignupOutcome, User]:
    """Check the input (Invalid names the field), then keep an unconfirmed account or find one.

    An unconfirmed account takes the newest password: only the mailbox's owner confirms it.
    """
    email = users.checked_new_account(email=email, password=password)
    password_hash = hash_password(password)  # both branches spend it: no timing oracle
    user = users.get_by_email(db=db, email=email)
    if user is not None and user.active:
        return SignupOutcome.exists, user
    if user is None:
        user = User(email=email, password_hash=password_hash, role=Role.founder,
                    full_name=full_name, active=False)
        db.add(user)
    else:
        user.password_hash, user.full_name = password_hash, full_name
    db.flush()
    return SignupOutcome.confirm, user


def confirmation_token(secret: bytes, user: User, now: float | None = None) -> str:
    """A link token bound to this account and its current password, valid LINK_HOURS."""
    return account_link(secret, "signup", user.id, user.password_hash, LINK_HOURS * 3600, now)


def confirm(*, db: Session, secret: bytes, token: str) -> User:
    """Activate the account the token names; LinkInvalid when it cannot."""
    try:
        key, expires, _ = read_account_link(token)
    except ValueError as exc:
        raise LinkInvalid() from exc
    user = db.get(User, key)
    if (user is None or user.active or expires < time.time() or not account_link_signed(
            secret, "signup", token, user.password_hash)):
        raise LinkInvalid()
    user.active = True
    db.flush()
    return user
