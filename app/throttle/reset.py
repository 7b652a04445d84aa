"""How often a password-reset e-mail may be asked for: per address asked, per client."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

PER_ACCOUNT = parse("3 per 15 minutes")
PER_CLIENT = parse("10 per 15 minutes")


def reset_wait(storage: Storage, *, email: str, address: str) -> int:
    """Count this request; seconds to wait before another (0: go ahead)."""
    strategy = FixedWindowRateLimiter(storage)
    keys = [(PER_ACCOUNT, "reset-account", email.strip().lower()),
            (PER_CLIENT, "reset-address", address)]
    waits = [strategy.get_window_stats(item, *key).reset_time - time.time()
             for item, *key in keys if not strategy.hit(item, *key)]
    return max((max(1, math.ceil(w)) for w in waits), default=0)
