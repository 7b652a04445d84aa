"""Login throttling: limits shared between processes, and a bounded pool for password hashing."""

from __future__ import annotations

from dossier.errors import DomainError


class RetryLater(DomainError):
    """Refused for now: the caller may ask again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(ctx={"seconds": retry_after})
        self.retry_after = retry_after
