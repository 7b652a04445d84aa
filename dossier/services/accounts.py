"""Forgotten passwords: a signed link by e-mail, valid one hour and once.

The link names the account, its expiry, and a signature over both and the account's current
password hash: once the password changes (this link used, or any other way), every link
sent before it stops working, with nothing stored.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from dossier.catalogue import N_
from dossier.errors import DomainError
from dossier.i18n import register
from dossier.models import User
from dossier.security import account_link, account_link_signed, read_account_link
from dossier.services import users

RESET_MINUTES = 60

register({
    "reset_link_invalid": N_("This link is not valid any more: it has already been used, or "
                             "the password changed since. Ask for a new one."),
    "reset_link_expired": N_("This link has expired (it is valid for one hour). Ask for a "
                             "new one."),
    "current_password_wrong": N_("This is not your current password."),
})


class ResetLinkInvalid(DomainError, status=400, code="reset_link_invalid"):
    """A reset link that is forged, used (the password changed since) or expired."""


def reset_token(secret: bytes, user: User, now: float | None = None) -> str:
    """A link token for this account, bound to its current password, valid RESET_MINUTES."""
    return account_link(secret, "reset", user.id, user.password_hash, RESET_MINUTES * 60, now)


def account_for_reset(*, db: Session, email: str) -> User | None:
    """The active account a reset e-mail goes to, if any (the page answers the same anyway)."""
    user = users.get_by_email(db=db, email=email)
    return user if user is not None and user.active else None


def check_reset(*, db: Session, secret: bytes, token: str, now: float | None = None) -> User:
    """The account the token names; ResetLinkInvalid (or its `expired` variant) if not."""
    try:
        key, expires, _ = read_account_link(token)
    except ValueError as exc:
        raise ResetLinkInvalid() from exc
    user = db.get(User, key)
    if user is None or not user.active or not account_link_signed(
            secret, "reset", token, user.password_hash):
        raise ResetLinkInvalid()
    if expires < (now or time.time()):
        raise ResetLinkInvalid("reset_link_expired")
    return user


def reset_password(*, db: Session, secret: bytes, token: str, password: str,
                   now: float | None = None) -> User:
    """Set the new password the link's owner chose; every session of theirs ends."""
    user = check_reset(db=db, secret=secret, token=token, now=now)
    users.check_password_strength(password)
    users.set_password(db=db, user=user, password=password)
    users.end_sessions(db=db, user=user)
    return user
