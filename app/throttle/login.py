"""The login rule, one home for the API and the pages: failures per account and per address."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.engine import Engine

from app.throttle.db_storage import SCHEME


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins an account, and an address, may have in a window."""

    per_account: str = "5 per 5 minutes"
    per_address: str = "20 per 5 minutes"


class LoginLimiter:
    """Counts failed logins; while an account or an address is over its limit, none is tried."""

    def __init__(self, storage: Storage, limits: LoginLimits = LoginLimits()) -> None:
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)
        self.account: RateLimitItem = parse(limits.per_account)
        self.address: RateLimitItem = parse(limits.per_address)

    def _keys(self, email: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(self.account, "login-account", email.strip().lower()),
                (self.address, "login-address", address)]

    def wait(self, *, email: str, address: str) -> int:
        """Seconds before this login may be tried (0: now)."""
        waits = [self.strategy.get_window_stats(item, *key).reset_time - time.time()
                 for item, *key in self._keys(email, address)
                 if not self.strategy.test(item, *key)]
        return max((max(1, math.ceil(w)) for w in waits), default=0)

    def failed(self, *, email: str, address: str) -> None:
        """Count one failed login against the account and the address."""
        for item, *key in self._keys(email, address):
            self.strategy.hit(item, *key)

    def succeeded(self, *, email: str) -> None:
        """The account's owner got in: its count starts again (the address's does not)."""
        self.strategy.clear(self.account, "login-account", email.strip().lower())


def make_storage(uri: str, engine: Engine) -> Storage:
    """RATE_LIMIT_STORAGE (e.g. redis://host:6379/0), or the application database when empty."""
    if not uri:
        return storage_from_string(f"{SCHEME}://", engine=engine)
    return storage_from_string(uri)
