"""Accounts and bearer tokens."""

from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dossier.db import utcnow
from dossier.errors import Conflict, FieldError, Invalid, Unauthorized
from dossier.models import ApiToken, Notification, Partner, Role, User
from dossier.security import burn_verify, hash_password, new_token, token_digest, verify_password

TOKEN_LIFETIME = timedelta(hours=12)


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively."""
    return email.strip().lower()


def get_by_email(*, db: Session, email: str) -> User | None:
    """The user with this e-mail, if any."""
    return db.scalar(select(User).where(User.email == normalize_email(email)))


def checked_email(email: str) -> str:
    """The normalised address; Invalid (field `email`) when it is not one."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(errors=[FieldError("email", "email_invalid")]) from exc
    return normalize_email(email)


def checked_new_account(*, email: str, password: str) -> str:
    """The normalised e-mail of a new account; Invalid for a bad address or short password."""
    email = checked_email(email)
    check_password_strength(password)
    return email


MIN_PASSWORD = 8


def check_password_strength(password: str, loc: str = "password") -> None:
    """The one rule for a new password (sign-up, reset, change, invitation); Invalid names
    the field."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(errors=[FieldError(loc, "password_too_short",
                                         {"min_length": MIN_PASSWORD})])


def create_user(*, db: Session, email: str, password: str, role: str,
                partner_code: str | None = None, full_name: str | None = None) -> User:
    """Create an account; a reviewer belongs to exactly one partner."""
    if role not in Role.__members__:
        raise Invalid(errors=[FieldError("role", "enum", {"expected": ", ".join(Role)})])
    if (role == Role.reviewer) != (partner_code is not None):
        raise Invalid(errors=[FieldError("partner", "reviewer_partner")])
    if partner_code is not None and db.get(Partner, partner_code) is None:
        raise Invalid(errors=[FieldError("partner", "unknown_partner", {"partner": partner_code})])
    email = checked_new_account(email=email, password=password)
    if get_by_email(db=db, email=email) is not None:
        raise Conflict("email_taken", {"email": email})
    user = User(email=email, password_hash=hash_password(password), role=role,
                partner_code=partner_code, full_name=full_name)
    db.add(user)
    db.flush()
    return user


def set_password(*, db: Session, user: User, password: str) -> None:
    """Replace a user's password."""
    user.password_hash = hash_password(password)
    db.flush()


def end_sessions(*, db: Session, user: User, keep: str | None = None) -> int:
    """Revoke every live token of the user (pages and API), but the `keep` one; how many."""
    rows = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                             ApiToken.revoked_at.is_(None)))
    kept = token_digest(keep) if keep else None
    now, ended = utcnow(), 0
    for row in rows:
        if row.token_hash != kept:
            row.revoked_at, ended = now, ended + 1
    db.flush()
    return ended


def change_password(*, db: Session, user: User, current: str, new: str,
                    keep: str | None = None) -> None:
    """The logged-in user replaces their password, proving the current one; their other
    sessions end (the `keep` token, this browser's, stays)."""
    if not verify_password(current, user.password_hash):
        raise Invalid(errors=[FieldError("current_password", "current_password_wrong")])
    check_password_strength(new, "new_password")
    set_password(db=db, user=user, password=new)
    end_sessions(db=db, user=user, keep=keep)


def password_matches(user: User | None, password: str) -> bool:
    """True for an active user with this password; an unknown one costs the same time."""
    if user is None:
        burn_verify(password)
        return False
    return verify_password(password, user.password_hash) and user.active


def authenticate(*, db: Session, email: str, password: str) -> User:
    """The active user matching these credentials, or Unauthorized."""
    user = get_by_email(db=db, email=email)
    if not password_matches(user, password):  # an unknown account costs a hash too
        raise Unauthorized("bad_credentials")
    return user


def issue_token(*, db: Session, user: User, scope: str = "api",
                lifetime: timedelta = TOKEN_LIFETIME) -> tuple[str, ApiToken]:
    """A new bearer token; the clear value is returned once and never stored."""
    token = new_token()
    row = ApiToken(user_id=user.id, token_hash=token_digest(token), scope=scope,
                   expires_at=utcnow() + lifetime)
    db.add(row)
    db.flush()
    return token, row


def user_for_token(*, db: Session, token: str, scope: str = "api") -> User:
    """The user behind a valid, unexpired, unrevoked token of that scope."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    return _holder(row, scope)


def user_and_unread(*, db: Session, token: str, scope: str = "web") -> tuple[User, int]:
    """The user behind a valid token and how many notifications they have not read, in one
    statement: every page asks both (the bell)."""
    unread = (select(func.count()).select_from(Notification)
              .where(Notification.user_id == ApiToken.user_id, Notification.read_at.is_(None))
              .scalar_subquery())
    found = db.execute(select(ApiToken, unread)
                       .where(ApiToken.token_hash == token_digest(token))).first()
    row, count = found if found is not None else (None, 0)
    return _holder(row, scope), count


def _holder(row: ApiToken | None, scope: str) -> User:
    if (row is None or row.revoked_at is not None or row.expires_at <= utcnow()
            or row.scope != scope or not row.user.active):
        raise Unauthorized("bad_token")
    return row.user


def revoke_token(*, db: Session, token: str) -> None:
    """End a token's life now."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.flush()
