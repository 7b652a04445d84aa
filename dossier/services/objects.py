"""Stored objects and the rows that reference them: writing, releasing, sweeping, checking.

Objects are content-addressed, so one object may back attachments of several dossiers and
PDFs. Bytes are never deleted after a "does anyone still use them?" read: one row per
object in `objects` is the lock that writers and deleters take, in this protocol.

Writer (`attach`: an upload, a rendered PDF):
  W1. put the bytes (skipped by the store if they are already there);
  W2. one transaction: insert the referencing row, then `claim` the key: upsert its
      `objects` row (which locks it until commit) and check the bytes are in the store;
      if they are not, roll back and start again at W1;
  W3. commit. If the transaction fails, the writer collects the key at once (below): an
      object nobody references, holding personal data, does not wait for the sweep.

Deleter (`collect`, one key, one transaction):
  D1. insert the key's row if absent, then lock it (FOR UPDATE; the sweep SKIP LOCKED);
      on SQLite the insert takes the database's write lock, held until commit;
  D2. in a new statement (a new snapshot under READ COMMITTED), check that no attachment or
      rendered PDF references the key, and (sweep) that it is due;
  D3. delete the bytes, then the row; commit.

Releasing a reference (an attachment deleted) stamps `released_at` in the same transaction;
the sweep (`dossier storage gc`, and the dispatcher every STORAGE_GC_INTERVAL) collects
unreferenced objects whose `released_at` (else `created_at`; else, with no row, the store's
modification time) is older than STORAGE_GC_GRACE.

Interleavings on one key (W writer, D deleter):
- D commits before W2: W2 finds no row (inserts one) and no bytes: W puts them again.
- W2 locks the row first: D waits (or skips) until W commits; D2, a new statement, sees
  W's reference and keeps the object.
- D1 locks first: W2's upsert waits until D commits; the row is then gone and so are the
  bytes: W puts them again. (The reference inserted before the claim is not visible to D.)
- D deletes the bytes but its commit fails: the row stays, without bytes; a writer's W2
  sees the bytes missing and puts them again; the next sweep removes the row.
- W dies between W1 and W2: bytes with no row and no reference; the sweep collects them
  once the grace has passed since they were written.
Hence: a committed reference always has its bytes (W2 saw them under the lock, and D only
deletes under the lock with no reference), and an object no row references goes, at the
latest, one sweep after the grace period.

Lock order, to stay clear of deadlocks on PostgreSQL: a dossier's row, then object rows.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from dossier.db import insert_for, transaction, utcnow
from dossier.models import Attachment, RenderedDocument
from dossier.models import StoredObjectRecord as Row

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 5
REFERENCES = (Attachment.storage_key, RenderedDocument.storage_key)


class Listed(Protocol):
    """An object as the store lists it."""

    key: str
    modified: datetime


class Stored(Protocol):
    """What a put returns."""

    key: str


class Store(Protocol):
    """What this module needs of the object store (the stores of `storage/` fit)."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def list_objects(self) -> Iterator[Listed]: ...


class ObjectGone(Exception):
    """The bytes went before the row referencing them was committed: put them again."""


def claim(*, db: Session, key: str, store: Store, now: datetime | None = None) -> None:
    """Lock the key's row for this transaction (creating it); raise ObjectGone if no bytes."""
    statement = insert_for(db, Row).values(key=key, created_at=now or utcnow())
    db.execute(statement.on_conflict_do_update(index_elements=[Row.key],
                                               set_={"released_at": None}))
    if not store.exists(key):
        raise ObjectGone(key)


def release(*, db: Session, keys: Iterable[str], now: datetime | None = None) -> None:
    """A row referencing these objects went: the grace period starts now."""
    keys = sorted(set(keys))
    if keys:
        db.execute(update(Row).where(Row.key.in_(keys)).values(released_at=now or utcnow())
                   .execution_options(synchronize_session=False))


def is_referenced(*, db: Session, key: str) -> bool:
    """Whether an attachment or a rendered PDF points at these bytes."""
    return bool(db.scalar(select(or_(*(exists().where(column == key)
                                        for column in REFERENCES)))))


def link_ref(row: Attachment | RenderedDocument) -> str:
    """How a signed link names the row it serves: the link dies with the row."""
    if isinstance(row, Attachment):
        return f"attachment:{row.id}"
    return f"pdf:{row.version_id}"


def is_live(*, db: Session, key: str, ref: str | None) -> bool:
    """Whether a link may still serve `key`: its row stands (or, naming none, any row)."""
    if ref is None:
        return is_referenced(db=db, key=key)
    kind, _, ident = ref.partition(":")
    model = {"attachment": Attachment, "pdf": RenderedDocument}.get(kind)
    try:
        row = db.get(model, uuid.UUID(ident)) if model is not None else None
    except ValueError:
        return False
    return row is not None and row.storage_key == key


def referenced_keys(*, db: Session) -> set[str]:
    """Every key some row references."""
    return {key for column in REFERENCES for key in db.scalars(select(column).distinct())}


def collect(*, db: Session, store: Store, key: str, due_before: datetime | None = None,
            written_at: datetime | None = None, skip_locked: bool = False) -> bool:
    """Delete the object in this transaction if nothing references it (and it is due).

    `due_before`: only if released (or, never released, created) before it; None: now.
    `written_at`: when the store wrote it, the age of an object that has no row yet.
    """
    db.execute(insert_for(db, Row).values(key=key, created_at=written_at or utcnow())
               .on_conflict_do_nothing(index_elements=[Row.key]))
    row = db.execute(select(Row.created_at, Row.released_at).where(Row.key == key)
                     .with_for_update(skip_locked=skip_locked)).first()
    if row is None:  # a writer holds it (SKIP LOCKED): its reference is on the way
        return False
    if is_referenced(db=db, key=key):
        return False
    if due_before is not None and (row.released_at or row.created_at) > due_before:
        return False
    store.delete(key)
    db.execute(delete(Row).where(Row.key == key))
    return True


def collect_now(*, sessions: sessionmaker[Session], store: Store, keys: Iterable[str]) -> int:
    """Delete these objects at once, each unless referenced; the count deleted."""
    deleted = 0
    for key in sorted(set(keys)):
        with transaction(sessions) as db:
            deleted += collect(db=db, store=store, key=key)
    return deleted


def attach(*, sessions: sessionmaker[Session], store: Store, put: Callable[[], Stored],
           record: Callable[[Session, Stored], T]) -> T:
    """Put bytes and commit the row `record` adds for them (W1-W3 above); its result.

    If the row cannot be committed, the bytes just written go at once unless referenced.
    """
    for _ in range(ATTEMPTS):
        stored = put()
        try:
            with transaction(sessions) as db:
                result = record(db, stored)
                claim(db=db, key=stored.key, store=store)
                return result
        except ObjectGone:
            continue
        except BaseException:
            _discard(sessions, store, stored.key)
            raise
    raise ObjectGone(stored.key)


def _discard(sessions: sessionmaker[Session], store: Store, key: str) -> None:
    """Collect what a failed writer wrote; if this fails too, the sweep will."""
    try:
        collect_now(sessions=sessions, store=store, keys=[key])
    except Exception:
        log.exception("object %s left for the storage sweep", key)


@dataclass
class Sweep:
    """What a sweep deleted, or would delete (dry run)."""

    due_before: datetime
    keys: list[str] = field(default_factory=list)
    dry_run: bool = False


def _ages(db: Session) -> dict[str, datetime]:
    """When each row's grace period started: released, else created."""
    return {key: released or created for key, created, released in
            db.execute(select(Row.key, Row.created_at, Row.released_at))}


def sweep(*, sessions: sessionmaker[Session], store: Store, grace: timedelta,
          now: datetime | None = None, dry_run: bool = False) -> Sweep:
    """Collect every object no row has referenced for longer than `grace`."""
    due_before = (now or utcnow()) - grace
    listed = {item.key: item.modified for item in store.list_objects()}
    with sessions() as db:
        ages, used = _ages(db), referenced_keys(db=db)
    due = sorted(key for key in listed.keys() | ages.keys()
                 if key not in used and (ages.get(key) or listed[key]) <= due_before)
    if dry_run:
        return Sweep(due_before, due, dry_run=True)
    report = Sweep(due_before)
    for key in due:
        with transaction(sessions) as db:
            if collect(db=db, store=store, key=key, due_before=due_before,
                       written_at=listed.get(key), skip_locked=True):
                report.keys.append(key)
    return report


@dataclass
class Check:
    """Objects no row references, and rows whose object is missing."""

    orphans: list[str] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, row id, key)
    released: int = 0  # unreferenced, released less than the grace ago: the sweep's, not lost

    @property
    def ok(self) -> bool:
        """Nothing orphaned, nothing missing."""
        return not self.orphans and not self.missing


def check(*, sessions: sessionmaker[Session], store: Store, grace: timedelta = timedelta(0),
          now: datetime | None = None) -> Check:
    """Compare the store with the rows; released objects within `grace` are not orphans."""
    listed = {item.key for item in store.list_objects()}
    since = (now or utcnow()) - grace
    report = Check()
    with sessions() as db:
        used = referenced_keys(db=db)
        released = dict(db.execute(select(Row.key, Row.released_at)
                                   .where(Row.released_at.is_not(None))).all())
        for kind, rows in (
                ("attachment", db.execute(select(Attachment.id, Attachment.storage_key))),
                ("pdf", db.execute(select(RenderedDocument.version_id,
                                          RenderedDocument.storage_key)))):
            # Confirmed one by one: an upload may have landed since the listing.
            report.missing += [(kind, str(row_id), key) for row_id, key in rows
                               if key not in listed and not store.exists(key)]
        for key in sorted(listed - used):
            if key in released and released[key] > since:
                report.released += 1
            elif not is_referenced(db=db, key=key):
                report.orphans.append(key)
    return report
