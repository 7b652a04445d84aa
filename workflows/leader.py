"""One routing dispatcher among the processes of one `dossier serve --workers N`.

The processes of a serve share a random group name (GROUP_ENV, set by serve). The one that
binds the group's datagram socket leads: it runs the dispatcher (routing, reconciliation,
periodic jobs); the others hand it the versions submitted through them. The address is in
Linux's abstract namespace, so it vanishes with its process: another one then binds it and
leads. A hand-over lost on the way (no leader at that moment) stays in the outbox, and the
new leader's first reconciliation routes it; the outbox claims keep every delivery to one
attempt at a time, whoever runs it.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid

GROUP_ENV = "DOSSIER_DISPATCH_GROUP"
_MAX = 64  # bytes of one message: a version id


class Leadership:
    """The group's address: bound by its leader, written to by the others."""

    def __init__(self, group: str) -> None:
        self.address = f"\0dossier-dispatch-{group}"
        self._socket: socket.socket | None = None
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)

    @classmethod
    def from_environment(cls) -> Leadership | None:
        """The serve's group, if this process belongs to one (Linux only)."""
        group = os.environ.get(GROUP_ENV)
        return cls(group) if group and sys.platform.startswith("linux") else None

    @property
    def leading(self) -> bool:
        """Whether this process holds the address."""
        return self._socket is not None

    def try_lead(self) -> bool:
        """Bind the group's address if no process holds it; whether this process leads."""
        if self._socket is None:
            candidate = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                candidate.bind(self.address)
            except OSError:
                candidate.close()
                return False
            candidate.settimeout(1.0)
            self._socket = candidate
        return True

    def hand_over(self, version_id: str) -> bool:
        """Send a submitted version to the leader; False if none took it."""
        try:
            self._sender.sendto(str(version_id).encode(), self.address)
        except OSError:
            return False
        return True

    def receive(self) -> str | None:
        """The next version handed over (waits up to a second); None if none came."""
        if self._socket is None:
            return None
        try:
            data = self._socket.recv(_MAX)
        except (TimeoutError, OSError):
            return None
        try:
            return str(uuid.UUID(data.decode("ascii")))
        except (UnicodeDecodeError, ValueError):
            return None  # not ours: only version ids are sent

    def resign(self) -> None:
        """Free the address (another process may lead)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
