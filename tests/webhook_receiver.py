"""A real local webhook endpoint for tests: verifies signatures, dedupes, fails on demand."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from banks.channels.signing import InvalidSignature, verify_signature


@dataclass
class Attempt:
    """One HTTP request as received, with the status we answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    signature_ok: bool
    error: str | None = None

    @property
    def webhook_id(self) -> str | None:
        """The idempotency key the sender put in `webhook-id`."""
        return self.headers.get("webhook-id")

    def json(self) -> Any:
        """The parsed body."""
        return json.loads(self.body)


@dataclass
class _Behaviour:
    fail_remaining: int = 0
    fail_status: int = 503
    fail_headers: dict[str, str] = field(default_factory=dict)
    fixed_status: int | None = None
    delay: float = 0.0


class WebhookReceiver:
    """`with WebhookReceiver(secret) as rx:` a partner endpoint at `rx.url`."""

    def __init__(self, secret: str, path: str = "/hooks/dossiers", tolerance: int = 300) -> None:
        self.secret = secret
        self.path = path
        self.tolerance = tolerance
        self.attempts: list[Attempt] = []
        self._unique: dict[str, Attempt] = {}
        self._behaviour = _Behaviour()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------
    def fail_next(self, n: int, status: int = 503, headers: dict[str, str] | None = None) -> None:
        """Answer `status` to the next `n` requests (before checking anything)."""
        with self._lock:
            self._behaviour.fail_remaining = n
            self._behaviour.fail_status = status
            self._behaviour.fail_headers = dict(headers or {})

    def respond_with(self, status: int | None) -> None:
        """Answer `status` to every request until reset with None."""
        with self._lock:
            self._behaviour.fixed_status = status

    def set_delay(self, seconds: float) -> None:
        """Wait this long before answering each request."""
        with self._lock:
            self._behaviour.delay = seconds

    def reset(self) -> None:
        """Forget behaviours and recorded requests."""
        with self._lock:
            self._behaviour = _Behaviour()
            self.attempts.clear()
            self._unique.clear()

    # -- observation -----------------------------------------------------------
    @property
    def url(self) -> str:
        """The full URL to configure as the partner's webhook."""
        assert self._server is not None, "receiver not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    @property
    def received(self) -> list[Attempt]:
        """Accepted deliveries, one per webhook-id, in arrival order."""
        with self._lock:
            return list(self._unique.values())

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Attempt]:
        """Block until `count` unique deliveries have arrived (or fail the test)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._unique) >= count, timeout):
                raise AssertionError(f"{len(self._unique)} deliveries after {timeout}s, "
                                     f"expected {count}")
            return list(self._unique.values())

    # -- request handling ------------------------------------------------------
    def _handle(self, path: str, headers: dict[str, str], body: bytes
                ) -> tuple[int, bytes, dict[str, str]]:
        extra: dict[str, str] = {}
        with self._lock:
            b = self._behaviour
            delay = b.delay
            if b.fail_remaining > 0:
                b.fail_remaining -= 1
                forced: int | None = b.fail_status
                extra = dict(b.fail_headers)
            else:
                forced = b.fixed_status
        if delay:
            time.sleep(delay)
        error = None
        try:
            verify_signature(self.secret, headers, body, tolerance=self.tolerance)
            ok = True
        except InvalidSignature as exc:
            ok, error = False, str(exc)
        if forced is not None:
            status, reply = forced, b'{"error": "forced by the test"}'
        elif path != self.path:
            status, reply = 404, b'{"error": "unknown path"}'
        elif not ok:
            status, reply = 401, json.dumps({"error": error}).encode()
        else:
            status, reply = 200, b'{"ok": true}'
        attempt = Attempt(path, headers, body, status, ok, error)
        with self._arrived:
            self.attempts.append(attempt)
            msg_id = attempt.webhook_id
            if status == 200 and msg_id:
                if msg_id in self._unique:
                    reply = b'{"ok": true, "duplicate": true}'
                else:
                    self._unique[msg_id] = attempt
                    self._arrived.notify_all()
        return status, reply, extra

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, reply, extra = receiver._handle(self.path, headers, body)
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        """Listen on 127.0.0.1, a free port, in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._make_handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening; later connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
