"""Password hashing (argon2) and opaque bearer tokens stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # an unreadable hash is a failed login, not a crash
        return False


# A valid hash to verify against when the user does not exist, so timing says nothing.
_DUMMY_HASH: str | None = None


def burn_verify(password: str) -> None:
    """Spend the time of one verification (user unknown)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    verify_password(password, _DUMMY_HASH)


def new_token() -> str:
    """A fresh random bearer token."""
    return "du_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database stores of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
