"""A `limits` storage in the application's database, shared by every process and replica."""

from __future__ import annotations

import random
import time
from typing import Any, ClassVar

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dossier.models import RateLimitCounter

SCHEME = "dossier-db"
SWEEP_CHANCE = 0.02  # about one hit in fifty also removes the ended windows
_INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counters` table (one atomic upsert a hit)."""

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *,
                 engine: Engine, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine
        self._insert = _INSERT[engine.dialect.name]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's window, starting a new window when the old one ended."""
        now = time.time()
        table = RateLimitCounter.__table__
        stmt = self._insert(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": _case(expired, amount, table.c.count + amount),
            "expires_at": _case(expired, now + expiry, table.c.expires_at),
        }).returning(table.c.count)
        with self.engine.begin() as conn:
            count = int(conn.execute(stmt).scalar_one())
        if random.random() < SWEEP_CHANCE:  # noqa: S311  (housekeeping, not security)
            self.sweep()
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        table = RateLimitCounter.__table__
        with self.engine.connect() as conn:
            row = conn.execute(select(table.c.count, table.c.expires_at)
                               .where(table.c.key == key)).first()
        if row is None or row.expires_at <= time.time():
            return None
        return row.count, row.expires_at

    def get(self, key: str) -> int:
        """The key's count in its current window (0 once it ended)."""
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (epoch seconds)."""
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with self.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key."""
        table = RateLimitCounter.__table__
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.key == key))

    def sweep(self) -> int:
        """Remove the windows that ended (the table keeps only live counters)."""
        table = RateLimitCounter.__table__
        with self.engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.expires_at <= time.time())).rowcount


def _case(condition, when_true, otherwise):
    return case((condition, when_true), else_=otherwise)
