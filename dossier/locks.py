"""Row locks that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from dossier.errors import NotFound


def hold(db: Session, row: Any, *, gone: str) -> None:
    """Hold a row (with `id` and `updated_at`) until commit, then re-read it.

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite (where
    SELECT ... FOR UPDATE does nothing). A writer that waited here sees what the holder
    before it committed, so a rule checked after `hold` cannot be raced. A row deleted
    meanwhile (an erasure, a purge) is NotFound with the code `gone`.
    """
    model = type(row)
    db.flush()
    held = db.execute(update(model).where(model.id == row.id)
                      .values(updated_at=model.updated_at)
                      .execution_options(synchronize_session=False))
    if held.rowcount != 1:
        db.expunge(row)
        raise NotFound(gone)
    db.refresh(row)
