"""Password hashing off the event loop, a few at a time: argon2 takes 64 MiB and a core each."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from app.throttle import RetryLater

T = TypeVar("T")


class HashingBusy(RetryLater):
    """Every password-hashing slot stayed taken for the whole wait."""

    status = 503
    code = "login_busy"


def default_workers() -> int:
    """Two to four hashes at once, by the cores this machine has."""
    return max(2, min(4, os.cpu_count() or 2))


class HashingPool:
    """At most `workers` hashes run at once, in their own threads; the rest wait `wait` seconds."""

    def __init__(self, workers: int = 0, wait: float = 5.0) -> None:
        self.workers = workers or default_workers()
        self.wait = wait
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="password-hash")

    async def run(self, work: Callable[[], T]) -> T:
        """Run `work` in a hashing thread; HashingBusy when it could not finish within the wait."""
        future = self._executor.submit(work)
        try:
            # Cancelling the wrapper cancels a job still queued; one already running just ends.
            return await asyncio.wait_for(asyncio.wrap_future(future), self.wait)
        except TimeoutError as exc:
            raise HashingBusy(max(1, round(self.wait))) from exc

    def shutdown(self) -> None:
        """Stop the threads once the queued work is done."""
        self._executor.shutdown(wait=False, cancel_futures=True)
