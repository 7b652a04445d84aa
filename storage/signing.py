"""HMAC-signed, expiring links to one object, served by the app for the filesystem store."""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.base import check_key
from storage.errors import InvalidKey, LinkExpired, LinkInvalid
from storage.headers import check_content_type, clean_filename

__all__ = ["LinkClaims", "LinkExpired", "LinkInvalid", "sign_link", "verify_link"]

# The app's secret signs other things too: links get their own derived key.
_PURPOSE = b"dossier-unique/storage/signed-link/v1"


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link grants: one key, served under a name and type, until a time.

    `ref` names the row the link was made for (e.g. `attachment:<id>`): the link dies with it.
    """

    key: str
    filename: str | None
    content_type: str | None
    expires_at: datetime
    ref: str | None = None


def sign_link(
    secret: bytes,
    key: str,
    expires_at: datetime,
    filename: str | None = None,
    content_type: str | None = None,
    ref: str | None = None,
) -> str:
    """A URL-safe token granting `key` until `expires_at` (an aware datetime)."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    claims = [
        check_key(key),
        int(expires_at.timestamp()),
        None if filename is None else clean_filename(filename),
        None if content_type is None else check_content_type(content_type),
    ]
    if ref is not None:
        claims.append(str(ref))
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def verify_link(secret: bytes, token: str, now: datetime | None = None) -> LinkClaims:
    """The claims of a genuine, unexpired token; raises LinkInvalid or LinkExpired."""
    body, _, sig = token.partition(".")
    try:
        payload, mac = _unb64(body), _unb64(sig)
    except (binascii.Error, ValueError) as exc:
        raise LinkInvalid("malformed link") from exc
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise LinkInvalid("bad signature")
    try:
        key, expires, filename, content_type, *ref = json.loads(payload)
        if len(ref) > 1 or not all(isinstance(r, str) for r in ref):
            raise ValueError("unexpected claims")
        claims = LinkClaims(check_key(key), filename, content_type,
                            datetime.fromtimestamp(expires, UTC), ref[0] if ref else None)
    except (ValueError, TypeError, InvalidKey) as exc:  # only if the secret leaked
        raise LinkInvalid("malformed claims") from exc
    if (now or datetime.now(UTC)) >= claims.expires_at:
        raise LinkExpired("link expired")
    return claims


def _mac(secret: bytes, payload: bytes) -> bytes:
    link_key = hmac.new(secret, _PURPOSE, hashlib.sha256).digest()
    return hmac.new(link_key, payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError("empty or non-ASCII part")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def load_secret(value: str, file: Path) -> bytes:
    """The signing secret: the given value, or one generated once and kept in `file`."""
    if value:
        return value.encode()
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(secrets.token_urlsafe(48))
        file.chmod(0o600)
    return file.read_text().strip().encode()
