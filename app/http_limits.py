"""Bounded request heads for `dossier serve`: uvicorn's httptools protocol keeps every
header byte it is sent (a 256 MB header was accepted), so this one counts them first.

The bytes of a request line and its headers are counted as they arrive, so the parser never
buffers more than MAX_HEAD_BYTES and one network read of an unfinished head; past
MAX_HEAD_BYTES, or MAX_HEADERS headers, the answer is 431 and the connection is closed.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024  # request line and headers; nginx's default is 8-32 kB
MAX_HEADERS = 100

_BODY = json.dumps({
    "type": "https://dossier-unique.fr/problems/headers_too_large",
    "title": "Request Header Fields Too Large", "status": 431, "code": "headers_too_large",
    "detail": "Les en-têtes de la requête sont trop volumineux. "
              "The request headers are too large.",
}).encode()
REFUSAL = (b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
           b"content-type: application/problem+json\r\n"
           b"content-length: " + str(len(_BODY)).encode() + b"\r\n"
           b"connection: close\r\n\r\n" + _BODY)


def has_body(scope: Any) -> bool:
    """Whether an HTTP request sends a body: HTTP/1.1 says so with Content-Length (not 0)
    or Transfer-Encoding, and only so."""
    return any(name in (b"content-length", b"transfer-encoding") and value != b"0"
               for name, value in scope["headers"])


class HeadersTooLarge(Exception):
    """Raised from a parser callback; turns uvicorn's 400 into a 431."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bound on the size and number of headers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head_bytes = 0
        self.reading_head = True
        self.head_refused = False

    def data_received(self, data: bytes) -> None:
        if self.reading_head:
            self.head_bytes += len(data)
        super().data_received(data)
        # A head still incomplete past the bound: the parser holds at most one more chunk.
        if self.reading_head and self.head_bytes > MAX_HEAD_BYTES:
            self.refuse_head()

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= MAX_HEADERS:
            self.head_refused = True
            raise HeadersTooLarge()
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > MAX_HEAD_BYTES:  # a head that arrived whole in one large chunk
            self.head_refused = True
            raise HeadersTooLarge()
        self.reading_head, self.head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.reading_head = True
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if self.head_refused:
            self.refuse_head()
        else:
            super().send_400_response(msg)

    def refuse_head(self) -> None:
        """Answer 431 and close: nothing of this request reaches the app."""
        self.reading_head = False
        if not self.transport.is_closing():
            self.transport.write(REFUSAL)
            self.transport.close()
