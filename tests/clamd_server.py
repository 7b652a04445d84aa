"""A tiny clamd stand-in for tests: the real INSTREAM protocol, EICAR as the only signature.

Real clamd cannot fetch virus signatures offline, so tests talk to this server instead. It
speaks what clamd speaks on its socket (`zPING`, `zINSTREAM` with 4-byte big-endian length
chunks and a zero-length end), and answers `stream: OK` or `stream: Eicar-Signature FOUND`.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def _exactly(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client hung up")
            data += chunk
        return bytes(data)

    def _command(self) -> bytes:
        data = bytearray()
        while not data.endswith(b"\0"):
            chunk = self.request.recv(1)
            if not chunk:
                raise ConnectionError("client hung up")
            data += chunk
        return bytes(data[:-1])

    def handle(self) -> None:
        command = self._command()
        if command == b"zPING":
            self.request.sendall(b"PONG\0")
            return
        if command != b"zINSTREAM":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        stream = bytearray()
        while size := struct.unpack("!I", self._exactly(4))[0]:
            stream += self._exactly(size)
        self.server.streams.append(bytes(stream))
        self.server.received.set()
        self.server.release.wait(30)
        found = EICAR in stream
        self.request.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.streams: list[bytes] = []
        self.received = threading.Event()  # set once a stream has been read in full
        self.release = threading.Event()  # the verdict is sent once this is set
        self.release.set()


class FakeClamd:
    """Start on a free loopback port; `hold()` delays verdicts until `let_go()`."""

    def __init__(self) -> None:
        self.server = _Server()
        self.host, self.port = self.server.server_address
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def streams(self) -> list[bytes]:
        """Every stream scanned so far."""
        return self.server.streams

    def start(self) -> FakeClamd:
        self.thread.start()
        return self

    def hold(self) -> None:
        self.server.received.clear()
        self.server.release.clear()

    def wait_received(self, timeout: float = 30) -> bool:
        return self.server.received.wait(timeout)

    def let_go(self) -> None:
        self.server.release.set()

    def stop(self) -> None:
        self.server.release.set()
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
