"""Checking a password under the login limits, without blocking the event loop."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from app.throttle import RetryLater
from app.throttle.hashing import HashingPool
from app.throttle.login import LoginLimiter
from dossier.errors import Unauthorized
from dossier.models import User
from dossier.services import users


class LoginThrottled(RetryLater):
    """Too many failed logins for this account or from this address."""

    status = 429
    code = "too_many_attempts"


@dataclass
class LoginGuard:
    """The limiter and the hashing pool, shared by the API token endpoint and the login page."""

    limiter: LoginLimiter
    hashing: HashingPool

    async def authenticate(self, sessions: sessionmaker[Session], *, email: str, password: str,
                           address: str) -> User:
        """The active user with these credentials; LoginThrottled, HashingBusy or Unauthorized."""
        await self._admit(email, address)
        user = await run_in_threadpool(_load_user, sessions, email)

        def check() -> tuple[int, bool]:
            # Asked again in the hashing thread: attempts queued behind a burst of failures
            # are refused here without spending 64 MiB each.
            wait = self.limiter.wait(email=email, address=address)
            if wait:
                return wait, False
            return 0, users.password_matches(user, password)

        wait, ok = await self.hashing.run(check)
        if wait:
            raise LoginThrottled(wait)
        if not ok:
            await run_in_threadpool(self.limiter.failed, email=email, address=address)
            raise Unauthorized("bad_credentials")
        await run_in_threadpool(self.limiter.succeeded, email=email)
        return user

    async def _admit(self, email: str, address: str) -> None:
        wait = await run_in_threadpool(self.limiter.wait, email=email, address=address)
        if wait:
            raise LoginThrottled(wait)


def _load_user(sessions: sessionmaker[Session], email: str) -> User | None:
    with sessions() as db:
        return users.get_by_email(db=db, email=email)
