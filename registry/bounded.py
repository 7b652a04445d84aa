"""What every registry adapter does the same: one bounded HTTP exchange (a deadline for the
whole answer, a size cap, a cap on look-ups waiting at once), 429 and 5xx as unavailable."""

from __future__ import annotations

import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from dossier.registry import CompanyFacts, RegistryUnavailable

MAX_ANSWER_BYTES = 2 * 1024 * 1024


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class BoundedRegistry:
    """A registry adapter's transport; subclasses say what to ask (`_find`)."""

    source = "registry"
    not_found = frozenset[int]()  # statuses that mean "no such company" (not an outage)

    def __init__(self, base_url: str, timeout: float = 3.0,
                 transport: httpx.BaseTransport | None = None, max_concurrent: int = 8,
                 headers: dict[str, str] | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport
        self.headers = {"Accept": "application/json", **(headers or {})}
        # Requests waiting on a slow registry hold a server thread each: past this many, the
        # next look-up answers "pending" at once instead of queueing behind them.
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def find(self, siren: str, siret: str | None = None) -> CompanyFacts | None:
        """The registry's facts, None if unknown; RegistryUnavailable if not answered in time."""
        if not self._slots.acquire(blocking=False):
            raise RegistryUnavailable("busy", retry_after_s=self.timeout)
        try:
            return self._find(siren, siret)
        finally:
            self._slots.release()

    def _find(self, siren: str, siret: str | None) -> CompanyFacts | None:
        raise NotImplementedError

    def _get(self, url: str, params: dict[str, Any] | None = None) -> bytes | None:
        """The answer's body within the deadline; None for a `not_found` status."""
        deadline = time.monotonic() + self.timeout
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as http, \
                    http.stream("GET", url, params=params, headers=self.headers) as answer:
                if answer.status_code in self.not_found:
                    return None
                self._check_status(answer)
                return self._read(answer, deadline)
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"{exc.__class__.__name__}") from exc

    @staticmethod
    def _check_status(answer: httpx.Response) -> None:
        if answer.status_code == 429 or answer.status_code >= 500:
            raise RegistryUnavailable(f"HTTP {answer.status_code}",
                                      retry_after(answer.headers.get("Retry-After")))
        if answer.status_code != 200:
            raise RegistryUnavailable(f"HTTP {answer.status_code}")

    @staticmethod
    def _read(answer: httpx.Response, deadline: float) -> bytes:
        # A slow drip of bytes would defeat httpx's per-read timeout: hold the whole deadline.
        chunks, size = [], 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if time.monotonic() > deadline:
                raise RegistryUnavailable("timeout")
            if size > MAX_ANSWER_BYTES:
                raise RegistryUnavailable("answer too large")
            chunks.append(chunk)
        return b"".join(chunks)
