"""A small clamd client: stream a file with INSTREAM, read the verdict."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024


class ScanError(Exception):
    """clamd could not give a verdict (unreachable, timeout, size limit, its own error)."""


@dataclass(frozen=True)
class Verdict:
    """clamd's answer: clean, or the name of the signature found."""

    signature: str | None = None

    @property
    def clean(self) -> bool:
        """True when nothing was found."""
        return self.signature is None


@dataclass(frozen=True)
class Clamd:
    """Where clamd listens: a Unix socket, or host and port."""

    host: str | None = None
    port: int = 3310
    socket_path: Path | None = None
    timeout: float = 30.0

    def _connect(self) -> socket.socket:
        if self.socket_path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(str(self.socket_path))
            return sock
        return socket.create_connection((self.host or "127.0.0.1", self.port),
                                        timeout=self.timeout)

    def _ask(self, command: bytes, path: Path | None = None) -> str:
        try:
            with self._connect() as sock:
                sock.sendall(b"z" + command + b"\0")
                if path is not None:
                    try:
                        with path.open("rb") as fh:
                            while chunk := fh.read(CHUNK):
                                sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                        sock.sendall(struct.pack("!I", 0))
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # clamd hung up early (size limit): its reply says why
                reply = bytearray()
                while not reply.endswith(b"\0") and (data := sock.recv(4096)):
                    reply += data
        except OSError as exc:
            raise ScanError(f"clamd unreachable: {exc}") from exc
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        """True if clamd answers PONG."""
        try:
            return self._ask(b"PING") == "PONG"
        except ScanError:
            return False

    def scan_file(self, path: Path) -> Verdict:
        """Stream a file to clamd; the verdict, or ScanError."""
        reply = self._ask(b"INSTREAM", path)
        if reply.endswith("FOUND"):
            return Verdict(reply.removeprefix("stream:").removesuffix("FOUND").strip())
        if reply == "stream: OK":
            return Verdict()
        raise ScanError(f"clamd: {reply or 'no answer'}")
