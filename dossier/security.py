"""Password hashing (argon2) and opaque bearer tokens stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
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


def link_signature(secret: bytes, purpose: str, *parts: object) -> str:
    """The signature of an e-mailed link (sign-up, password reset, invitation): an HMAC of
    its purpose and parts under the app secret, 40 hex digits."""
    message = ":".join([purpose, *(str(p) for p in parts)]).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def account_link(secret: bytes, purpose: str, user_id: object, password_hash: str,
                 valid_seconds: float, now: float | None = None) -> str:
    """A link token naming an account and its expiry, signed over the account's current
    password hash: it stops working once the password changes (nothing is stored)."""
    expires = int((now or time.time()) + valid_seconds)
    return f"{user_id}.{expires}.{link_signature(secret, purpose, user_id, expires, password_hash)}"


def read_account_link(token: str) -> tuple[uuid.UUID, int, str]:
    """(account id, expiry, signature) of a link token; ValueError if it is not one."""
    user_id, expires_text, signature = token.split(".")
    return uuid.UUID(user_id), int(expires_text), signature


def account_link_signed(secret: bytes, purpose: str, token: str, password_hash: str) -> bool:
    """Whether the token was signed for this purpose over this password hash."""
    user_id, expires, signature = read_account_link(token)
    return hmac.compare_digest(
        link_signature(secret, purpose, user_id, expires, password_hash), signature)
