"""A real local SMTP server for tests (aiosmtpd): collects messages, refuses on demand."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        """The decoded Subject header."""
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The decoded plain-text body."""
        return self.message.get_body(("plain",)).get_content()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SMTPServer:
    """`with SMTPServer() as smtp:` an SMTP server at `smtp.host`:`smtp.port`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, 0
        self.messages: list[Received] = []
        self._refuse: list[str] = []
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> SMTPServer:
        """Listen on a free loopback port."""
        self.port = free_port(self.host)
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def refuse_next(self, n: int, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer `reply` instead of accepting the next `n` messages."""
        with self._cond:
            self._refuse = [reply] * n

    def env(self) -> dict[str, str]:
        """The SMTP_* variables that point the app at this server."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port)}

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until `count` messages have arrived (or fail the test)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} messages after {timeout}s, "
                                     f"expected {count}")
            return list(self.messages)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        """aiosmtpd's hook: keep the message, or refuse it when told to."""
        with self._cond:
            if self._refuse:
                return self._refuse.pop()
            raw = envelope.original_content or envelope.content
            message = message_from_bytes(raw, policy=policy.default)
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self._cond.notify_all()
        return "250 Message accepted for delivery"
