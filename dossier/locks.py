"""Row locks that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session


def hold(db: Session, row: Any) -> None:
    """Hold a row (with `id` and `updated_at`) until commit, then re-read it.

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite (where
    SELECT ... FOR UPDATE does nothing). A writer that waited here sees what the holder
    before it committed, so a rule checked after `hold` cannot be raced.
    """
    model = type(row)
    db.flush()
    db.execute(update(model).where(model.id == row.id)
               .values(updated_at=model.updated_at)
               .execution_options(synchronize_session=False))
    db.refresh(row)
