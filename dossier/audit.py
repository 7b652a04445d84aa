"""The audit chain: a dossier's route events and access records, hash-linked in one sequence.

Each record stores its position (`chain_seq`), the previous record's hash (`prev_hash`) and
`hash` = SHA-256 of the sorted-key JSON of its fields, its table and `prev_hash`. One chain
per dossier: appends to different dossiers never wait for each other, and erasing a dossier
removes its whole chain without breaking anyone else's. The `audit_heads` row of a dossier
holds the last link. Records are chained when their transaction commits, under a lock on
that row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the transaction already holds the
database's write lock), so two concurrent appends cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from dossier.db import insert_for, utcnow
from dossier.models import AccessRecord, AuditHead, Dossier, Route, RouteEvent

ChainRecord = RouteEvent | AccessRecord
PENDING = "audit_pending"  # session.info key: records of the transaction not yet chained

# What each hash covers; listed, not derived, so a column added later does not alter old hashes.
HASHED_FIELDS: dict[str, tuple[str, ...]] = {
    "route_events": ("id", "route_id", "type", "from_state", "to_state", "actor_id",
                     "actor_role", "payload", "created_at", "chain_seq"),
    "access_records": ("id", "dossier_id", "route_id", "user_id", "email", "role",
                       "partner_code", "kind", "object_id", "object_name", "version", "via",
                       "created_at", "chain_seq"),
}


def _plain(value: Any) -> Any:
    """A value as it reads back from either database, in JSON terms."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, Enum):
        return value.value
    return value


def canonical(table: str, fields: Mapping[str, Any], prev_hash: str | None) -> bytes:
    """The bytes a record's hash is taken over: sorted-key, compact, UTF-8 JSON."""
    doc = {"table": table, "prev_hash": prev_hash,
           "fields": {name: _plain(value) for name, value in fields.items()}}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def record_hash(table: str, fields: Mapping[str, Any], prev_hash: str | None) -> str:
    """SHA-256 (hex) of a record's canonical form."""
    return hashlib.sha256(canonical(table, fields, prev_hash)).hexdigest()


def fields_of(row: ChainRecord) -> dict[str, Any]:
    """The hashed fields of a record."""
    return {name: getattr(row, name) for name in HASHED_FIELDS[row.__tablename__]}


def lock_head(db: Session, dossier_id: uuid.UUID) -> tuple[int, str | None]:
    """Lock the dossier's chain head until commit (creating it if needed); its seq and hash."""
    conn = db.connection()
    # A write before the read: on SQLite the write lock is then held when the head is read.
    conn.execute(insert_for(db, AuditHead).values(dossier_id=dossier_id, seq=0, hash=None,
                                          updated_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["dossier_id"]))
    row = conn.execute(select(AuditHead.seq, AuditHead.hash)
                       .where(AuditHead.dossier_id == dossier_id).with_for_update()).one()
    return row.seq, row.hash


def _dossier_of(db: Session, record: ChainRecord) -> uuid.UUID:
    if isinstance(record, AccessRecord):
        return record.dossier_id
    route = db.get(Route, record.route_id) if record.route_id else None
    if route is None:
        raise ValueError("a route event needs its route")
    return route.dossier_id


def track_new_records(db: Session) -> None:
    """Before a flush: note the new records to chain at commit."""
    pending: dict[int, ChainRecord] = db.info.setdefault(PENDING, {})
    for obj in db.new:
        if isinstance(obj, RouteEvent | AccessRecord) and id(obj) not in pending:
            obj.id = obj.id or uuid.uuid4()
            obj.created_at = obj.created_at or utcnow()
            if isinstance(obj, RouteEvent) and obj.payload is None:
                obj.payload = {}
            pending[id(obj)] = obj


def forget_pending(db: Session) -> None:
    """After a transaction: nothing of it waits to be chained any more."""
    db.info.pop(PENDING, None)


def chain_pending(db: Session) -> None:
    """Before a commit: give each new record its place in its dossier's chain.

    Done last so the head is the last lock a transaction takes (routes and deliveries are
    locked before it everywhere), and is held only while the transaction commits.
    """
    if not db.info.get(PENDING):
        return
    db.flush()  # the commit's own flush comes after this hook: the records become rows first
    by_dossier: dict[uuid.UUID, list[ChainRecord]] = {}
    for record in db.info.pop(PENDING).values():
        if inspect(record).persistent:  # not undone with a savepoint
            by_dossier.setdefault(_dossier_of(db, record), []).append(record)
    conn = db.connection()
    # Heads are locked in one order so two transactions cannot wait on each other.
    for dossier_id in sorted(by_dossier, key=str):
        seq, head = lock_head(db, dossier_id)
        for record in sorted(by_dossier[dossier_id], key=lambda r: r.created_at):
            seq += 1
            digest = record_hash(record.__tablename__,
                                 {**fields_of(record), "chain_seq": seq}, head)
            table = record.__table__
            conn.execute(update(table).where(table.c.id == record.id)
                         .values(chain_seq=seq, prev_hash=head, hash=digest))
            for name, value in (("chain_seq", seq), ("prev_hash", head), ("hash", digest)):
                set_committed_value(record, name, value)
            head = digest
        conn.execute(update(AuditHead).where(AuditHead.dossier_id == dossier_id)
                     .values(seq=seq, hash=head, updated_at=utcnow()))


@event.listens_for(Session, "before_flush")
def _track_audit_records(session: Session, _ctx: Any, _instances: Any) -> None:
    """Note new route events and access records: they join their dossier's chain at commit."""
    track_new_records(session)


@event.listens_for(Session, "before_commit")
def _chain_audit_records(session: Session) -> None:
    """Link this transaction's new records into their dossiers' audit chains."""
    chain_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_audit_records(session: Session, transaction: Any) -> None:
    """Whatever the transaction's end, nothing of it waits to be chained any more."""
    if transaction.parent is None:
        forget_pending(session)


@dataclass(frozen=True)
class BrokenLink:
    """The first place where a chain does not hold."""

    table: str
    id: str
    dossier_id: str
    seq: int | None
    field: str
    expected: str | None
    found: str | None

    def describe(self) -> str:
        """One line for people."""
        return (f"broken link in {self.table} {self.id} (dossier {self.dossier_id}, "
                f"#{self.seq}): {self.field} expected {self.expected}, found {self.found}")


@dataclass(frozen=True)
class ChainReport:
    """What a verification walked, and the first broken link if any."""

    records: int
    chains: int
    broken: BrokenLink | None = None


def chain_records(db: Session, dossier_id: uuid.UUID) -> list[ChainRecord]:
    """A dossier's chained records in chain order (rows without a position last)."""
    events = db.scalars(select(RouteEvent).join(Route, Route.id == RouteEvent.route_id)
                        .where(Route.dossier_id == dossier_id))
    reads = db.scalars(select(AccessRecord).where(AccessRecord.dossier_id == dossier_id))
    rows: list[ChainRecord] = [*events, *reads]
    return sorted(rows, key=lambda r: (r.chain_seq is None, r.chain_seq or 0, r.created_at))


def check_chain(dossier_id: uuid.UUID, records: Iterable[ChainRecord],
                head: AuditHead | None) -> tuple[int, BrokenLink | None]:
    """Walk one chain: positions follow, each link points at the last, each hash recomputes."""
    count, seq, prev = 0, 0, None
    for row in records:
        def broken(field: str, expected: Any, found: Any, row: ChainRecord = row) -> BrokenLink:
            return BrokenLink(row.__tablename__, str(row.id), str(dossier_id), row.chain_seq,
                              field, None if expected is None else str(expected),
                              None if found is None else str(found))

        if row.chain_seq != seq + 1:
            return count, broken("chain_seq", seq + 1, row.chain_seq)
        if row.prev_hash != prev:
            return count, broken("prev_hash", prev, row.prev_hash)
        computed = record_hash(row.__tablename__, fields_of(row), row.prev_hash)
        if row.hash != computed:
            return count, broken("hash", computed, row.hash)
        count, seq, prev = count + 1, row.chain_seq, row.hash
    head_seq, head_hash = (head.seq, head.hash) if head else (0, None)
    if (head_seq, head_hash) != (seq, prev):  # records cut off the end of the chain
        return count, BrokenLink("audit_heads", str(dossier_id), str(dossier_id), head_seq,
                                 "head", f"#{head_seq} {head_hash}", f"#{seq} {prev}")
    return count, None


def verify(db: Session, *, dossier_id: uuid.UUID | None = None) -> ChainReport:
    """Walk every dossier's chain (or one) and stop at the first broken link."""
    query = select(Dossier.id).order_by(Dossier.created_at, Dossier.id)
    if dossier_id is not None:
        query = query.where(Dossier.id == dossier_id)
    total = chains = 0
    for did in db.scalars(query):
        records = chain_records(db, did)
        head = db.get(AuditHead, did)
        if not records and head is None:
            continue
        count, broken = check_chain(did, records, head)
        total, chains = total + count, chains + 1
        if broken is not None:
            return ChainReport(total, chains, broken)
    return ChainReport(total, chains)
