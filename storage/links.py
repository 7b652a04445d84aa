"""Download links the app hands out (partners' webhooks, founders, reviewers).

By default a link is under PUBLIC_URL, signed by the app and served by the app's blob
route, which streams the object from whichever store holds it: partners never need to
reach the store. With S3_PUBLIC_ENDPOINT, links are presigned on that public S3 address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.base import MAX_LINK_TTL, check_ttl
from storage.signing import LinkClaims, sign_link, verify_link

BLOB_ROUTE = "/api/v1/blobs"

Presign = Callable[..., str]  # (key, *, expires, filename, content_type) -> URL


@dataclass(frozen=True)
class DownloadLinks:
    """Signed, expiring links to one object, absolute under `public_url`."""

    secret: bytes
    public_url: str
    presign: Presign | None = None

    def url(self, key: str, *, expires: timedelta = MAX_LINK_TTL, filename: str | None = None,
            content_type: str | None = None, ref: str | None = None) -> str:
        """A link to `key`, served under `filename` and `content_type`, until `expires`; with
        `ref` (the row it was made for, e.g. `attachment:<id>`) it dies with that row."""
        check_ttl(expires)
        if self.presign is not None:
            return self.presign(key, expires=expires, filename=filename,
                                content_type=content_type)
        token = sign_link(self.secret, key, datetime.now(UTC) + expires, filename, content_type,
                          ref=ref)
        return f"{self.public_url.rstrip('/')}{BLOB_ROUTE}/{token}"

    def claims(self, token: str) -> LinkClaims:
        """What a token of ours grants; raises LinkInvalid or LinkExpired."""
        return verify_link(self.secret, token)
