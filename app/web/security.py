"""Security headers on every answer, and the CSRF token of a session."""

from __future__ import annotations

import hashlib
import hmac

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP without inline scripts, no framing, no sniffing, no referrer leaks."""

    async def dispatch(self, request: Request, call_next) -> Response:
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith(("/docs", "/redoc")):
            headers.setdefault("Content-Security-Policy", CSP)
        return response


def csrf_token(secret: bytes, session_token: str) -> str:
    """The CSRF token bound to one session."""
    return hmac.new(secret, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()[:40]


def csrf_ok(secret: bytes, session_token: str, presented: str | None) -> bool:
    """True when the presented token matches the session's."""
    return bool(presented) and hmac.compare_digest(csrf_token(secret, session_token), presented)
