"""Every request body is capped while it streams, before any route or model reads it.

FastAPI reads a body declared as a Pydantic model or form before the route's dependencies
run, so a per-route check comes too late. This plain ASGI middleware counts the bytes as
the server hands them over and answers 413 as soon as the budget is passed, whether or not
the client announced a Content-Length. Requests without credentials (no bearer token, no
session cookie) get a small budget: the login forms are all they can post.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http_limits import has_body
from app.problems import lang_of, problem
from app.settings import AppSettings
from app.uploads import MULTIPART_OVERHEAD
from app.web.common.deps import SESSION_COOKIE
from dossier.errors import TooLarge

ANONYMOUS_BODY_BYTES = 16 * 1024  # login, signup and token forms
UPLOAD_PATHS = re.compile(r"/(api/v1|founder)/dossiers/[^/]+/(attachments|fec)")
SESSION = f"{SESSION_COOKIE}=".encode()


class BodyTooLarge(TooLarge):
    """Raised from `receive` once a body passes its budget; the middleware answers it."""


def body_budget(scope: Scope, settings: AppSettings) -> tuple[int, str]:
    """The largest body this request may send, and the problem code when it sends more."""
    headers = dict(scope["headers"])
    anonymous = b"authorization" not in headers \
        and SESSION not in headers.get(b"cookie", b"")
    if anonymous:
        return ANONYMOUS_BODY_BYTES, "body_too_large"
    if scope["method"] == "POST" and UPLOAD_PATHS.fullmatch(scope["path"]):
        return settings.max_upload_bytes + MULTIPART_OVERHEAD, "upload_too_large"
    return settings.max_json_bytes, "body_too_large"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 20 else None
    return None


class BodyLimit:
    """Answer 413 (and close the connection) when a body passes its budget."""

    def __init__(self, app: ASGIApp, settings: AppSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            # Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body:
            # nothing to count, no wrapper per message.
            await self.app(scope, receive, send)
            return
        budget, code = body_budget(scope, self.settings)
        declared = _declared_length(scope)
        if declared is not None and declared > budget:
            await _refuse(scope, receive, send, budget, code)
            return
        received = 0
        passed = answered = False

        async def counted_receive() -> Message:
            nonlocal received, passed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > budget:
                    passed = True
                    raise BodyTooLarge(code, {"limit": budget})
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if passed and not answered:
                return  # the app's answer to a body cut short is replaced by the 413
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not passed or answered:
                raise
        if passed and not answered:
            await _refuse(scope, receive, send, budget, code)


async def _refuse(scope: Scope, receive: Receive, send: Send, budget: int, code: str) -> None:
    """A 413 problem; `Connection: close` so the server stops reading the rest."""
    request = Request(scope, receive)
    error = TooLarge(code, {"limit": budget})
    response = problem(request, 413, code, error.message(lang_of(request)),
                       headers={"Connection": "close"})
    await response(scope, receive, send)
