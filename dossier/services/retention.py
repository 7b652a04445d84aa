"""Retention: warn then purge untouched drafts, purge closed dossiers, erase a founder's data.

A purge deletes every row of the dossier in one transaction and leaves a `DeletedDossier`
stub naming the stored objects still to delete; the objects go after the commit, each through
the storage sweep's locked step, so only if no row points at the same bytes (objects are
shared by content hash) and never under an upload of the same bytes. A crash between the
two leaves the stub pending, and the next run finishes the job.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from dossier.catalogue import N_, _
from dossier.db import transaction
from dossier.errors import FieldError, Forbidden, Invalid
from dossier.formatting import format_date
from dossier.i18n import register
from dossier.models import (
    AccessRecord,
    ApiToken,
    Attachment,
    AuditHead,
    DeletedDossier,
    Delivery,
    Dossier,
    DossierStatus,
    DossierVersion,
    Message,
    Notification,
    Opinion,
    RenderedDocument,
    Role,
    Route,
    RouteEvent,
    RouteNote,
    RoutingRequest,
    User,
)
from dossier.routing.machine import CLOSED_STATES
from dossier.security import verify_password
from dossier.services import objects
from dossier.services.notifications import FOUNDER_LINK, Notice, _body, add

WARNING_KIND = "retention_warning"

register({"erasure_password": N_("Wrong password: your account was not erased.")})


class Reason(StrEnum):
    """Why a dossier was deleted."""

    draft_inactive = "draft_inactive"
    closed_retention = "closed_retention"
    founder_erasure = "founder_erasure"


@dataclass(frozen=True)
class Policy:
    """How long untouched drafts and closed dossiers are kept."""

    draft_warn_days: int = 180
    draft_purge_days: int = 30
    closed_months: int = 36


ObjectRemover = objects.Store  # what a purge needs of the object store


@dataclass
class RunReport:
    """What one retention run did, or would do (dry run)."""

    dry_run: bool = False
    warned: list[uuid.UUID] = field(default_factory=list)
    purged: list[tuple[uuid.UUID, Reason]] = field(default_factory=list)
    objects_deleted: int = 0

    def counts(self) -> dict[str, int]:
        """Counts for logs and the flow's result."""
        by_reason = {r.value: sum(1 for _, why in self.purged if why == r) for r in Reason}
        return {"warned": len(self.warned), **by_reason, "objects_deleted": self.objects_deleted}


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant `months` calendar months earlier (day clipped to the month's end)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def siren_digest(content: Mapping[str, Any] | None, key: bytes) -> str | None:
    """A keyed hash of the company's SIREN: proves a match, does not reveal the number."""
    company = (content or {}).get("company") if isinstance(content, Mapping) else None
    siren = company.get("siren") if isinstance(company, Mapping) else None
    if not isinstance(siren, str) or not siren:
        return None
    return hmac.new(key, b"siren:" + siren.encode(), hashlib.sha256).hexdigest()


def _warn_due(now: datetime, policy: Policy) -> ColumnElement[bool]:
    """Drafts untouched for the warning delay and not warned since their last change."""
    return and_(Dossier.status == DossierStatus.draft.value,
                Dossier.updated_at < now - timedelta(days=policy.draft_warn_days),
                or_(Dossier.warned_at.is_(None), Dossier.warned_at < Dossier.updated_at))


def _draft_purge_due(now: datetime, policy: Policy) -> ColumnElement[bool]:
    """Drafts warned long enough ago and untouched since the warning."""
    return and_(Dossier.status == DossierStatus.draft.value, Dossier.warned_at.is_not(None),
                Dossier.warned_at >= Dossier.updated_at,
                Dossier.warned_at <= now - timedelta(days=policy.draft_purge_days))


def _closed_purge_due(now: datetime, policy: Policy) -> ColumnElement[bool]:
    """Submitted dossiers whose every route is closed, with nothing happening for N months."""
    cutoff = months_before(now, policy.closed_months)
    still_open = func.sum(case((Route.state.in_([s.value for s in CLOSED_STATES]), 0), else_=1))
    closed = (select(Route.dossier_id).group_by(Route.dossier_id)
              .having(still_open == 0, func.max(Route.updated_at) < cutoff))
    return and_(Dossier.status == DossierStatus.submitted.value, Dossier.updated_at < cutoff,
                Dossier.id.in_(closed))


def due_condition(reason: Reason, now: datetime, policy: Policy) -> ColumnElement[bool] | None:
    """The SQL condition under which a dossier is due for a purge of this reason."""
    if reason == Reason.draft_inactive:
        return _draft_purge_due(now, policy)
    if reason == Reason.closed_retention:
        return _closed_purge_due(now, policy)
    return None


def drafts_to_warn(*, db: Session, now: datetime, policy: Policy) -> list[uuid.UUID]:
    """Drafts whose founder must be told they will be purged."""
    return list(db.scalars(select(Dossier.id).where(_warn_due(now, policy))
                           .order_by(Dossier.updated_at)))


def due_for_purge(*, db: Session, now: datetime,
                  policy: Policy) -> list[tuple[uuid.UUID, Reason]]:
    """Every dossier a run would purge now, with its reason."""
    due = []
    for reason in (Reason.draft_inactive, Reason.closed_retention):
        ids = db.scalars(select(Dossier.id).where(due_condition(reason, now, policy))
                         .order_by(Dossier.updated_at))
        due += [(dossier_id, reason) for dossier_id in ids]
    return due


def warning_notice(*, dossier_id: uuid.UUID, owner_id: uuid.UUID, company: str | None,
                   updated_at: datetime, purge_on: datetime, lang: str = "fr") -> Notice:
    """The founder's notice, in their language, that an untouched draft will be deleted
    unless it is changed (its e-mail adds the link to the draft and the signature)."""
    name = company or _("(no name)", lang)
    body = _body(lang, _(
        "Your draft funding dossier \u201c{name}\u201d has not changed since {since}. Unless "
        "you change it, it will be deleted for good, with its documents, from {purge_on}. To "
        "keep it, open it and save it.", lang).format(
            name=name, since=format_date(updated_at, lang), purge_on=format_date(purge_on, lang)))
    subject = _("Your draft \u201c{name}\u201d will be deleted on {purge_on}", lang).format(
        name=name, purge_on=format_date(purge_on, lang))
    return Notice(owner_id, WARNING_KIND, subject[:200], body,
                  None,  # type: ignore[arg-type]  (a dossier notice has no route)
                  f"retention:{dossier_id}:{updated_at.isoformat()}",
                  link=FOUNDER_LINK.format(dossier_id=dossier_id))


def warn_drafts(*, db: Session, now: datetime, policy: Policy) -> list[uuid.UUID]:
    """Notify the founders of drafts due for a warning, and mark those drafts warned."""
    rows = db.execute(select(Dossier.id, Dossier.owner_id, Dossier.company_name,
                             Dossier.updated_at, User.language)
                      .join(User, User.id == Dossier.owner_id)
                      .where(_warn_due(now, policy))).all()
    purge_on = now + timedelta(days=policy.draft_purge_days)
    for row in rows:
        add(db=db, notice=warning_notice(
            dossier_id=row.id, owner_id=row.owner_id, company=row.company_name,
            updated_at=row.updated_at, purge_on=purge_on,
            lang="en" if row.language == "en" else "fr"))
    ids = [row.id for row in rows]
    if ids:
        # updated_at is written back as it was: a warning is not the founder touching the draft.
        db.execute(update(Dossier).where(Dossier.id.in_(ids))
                   .values(warned_at=now, updated_at=Dossier.updated_at)
                   .execution_options(synchronize_session=False))
    return ids


def stored_keys(*, db: Session, dossier_id: uuid.UUID) -> set[str]:
    """The object-store keys of a dossier's attachments and rendered PDFs."""
    keys = set(db.scalars(select(Attachment.storage_key)
                          .where(Attachment.dossier_id == dossier_id)))
    keys.update(db.scalars(select(RenderedDocument.storage_key)
                           .join(DossierVersion, DossierVersion.id == RenderedDocument.version_id)
                           .where(DossierVersion.dossier_id == dossier_id)))
    return keys


def purge(*, db: Session, dossier_id: uuid.UUID, reason: Reason, now: datetime,
          siren_key: bytes, only_if: ColumnElement[bool] | None = None
          ) -> DeletedDossier | None:
    """Delete every row of one dossier and leave its stub; None if gone or no longer due.

    Route events and access records go through bulk deletes: the append-only guard on the
    session refuses them one by one, and the dossier's whole audit chain goes at once (its
    last link is kept in the stub).
    """
    query = select(Dossier.id, Dossier.created_at, Dossier.content).where(Dossier.id == dossier_id)
    if only_if is not None:
        query = query.where(only_if)
    found = db.execute(query.with_for_update(of=Dossier)).first()
    if found is None:
        return None
    head = db.execute(select(AuditHead.seq, AuditHead.hash)
                      .where(AuditHead.dossier_id == dossier_id)).first()
    routes = select(Route.id).where(Route.dossier_id == dossier_id)
    versions = select(DossierVersion.id).where(DossierVersion.dossier_id == dossier_id)
    keys: set[str] = set()
    for statement in (
        delete(Notification).where(or_(Notification.route_id.in_(routes),
                                       Notification.dedupe_key.like(f"retention:{dossier_id}:%"))),
        delete(Message).where(Message.route_id.in_(routes)),
        delete(RouteNote).where(RouteNote.route_id.in_(routes)),
        delete(Opinion).where(Opinion.route_id.in_(routes)),
        delete(AccessRecord).where(AccessRecord.dossier_id == dossier_id),
        delete(Delivery).where(or_(Delivery.route_id.in_(routes),
                                   Delivery.version_id.in_(versions))),
        delete(RouteEvent).where(RouteEvent.route_id.in_(routes)),
        delete(Route).where(Route.dossier_id == dossier_id),
        delete(RenderedDocument).where(RenderedDocument.version_id.in_(versions))
        .returning(RenderedDocument.storage_key),
        delete(RoutingRequest).where(RoutingRequest.version_id.in_(versions)),
        delete(DossierVersion).where(DossierVersion.dossier_id == dossier_id),
        delete(Attachment).where(Attachment.dossier_id == dossier_id)
        .returning(Attachment.storage_key),
        delete(AuditHead).where(AuditHead.dossier_id == dossier_id),
        delete(Dossier).where(Dossier.id == dossier_id),
    ):
        result = db.execute(statement.execution_options(synchronize_session=False))
        # The keys come from the deletes themselves: a PDF or upload committed while this
        # ran (SQLite reads before the first write are outside the transaction) is not missed.
        if statement.table in (RenderedDocument.__table__, Attachment.__table__):
            keys.update(result.scalars())
    stub = DeletedDossier(id=dossier_id, siren_hash=siren_digest(found.content, siren_key),
                          reason=reason.value, created_at=found.created_at, deleted_at=now,
                          audit_seq=head.seq if head else None,
                          audit_hash=head.hash if head else None,
                          pending_objects=sorted(keys),
                          objects_deleted_at=None if keys else now)
    db.add(stub)
    db.flush()
    return stub


def pending_stubs(*, db: Session, limit: int = 200) -> list[uuid.UUID]:
    """Stubs whose stored objects are still to delete, oldest first."""
    return list(db.scalars(select(DeletedDossier.id)
                           .where(DeletedDossier.objects_deleted_at.is_(None))
                           .order_by(DeletedDossier.deleted_at).limit(limit)))


def delete_objects(*, db: Session, stub_id: uuid.UUID, store: ObjectRemover,
                   now: datetime) -> int:
    """Delete a stub's objects that no remaining row uses; the count deleted.

    Each goes through the storage sweep's locked step (dossier/services/objects.py): an
    upload of the same bytes racing this keeps its object.
    """
    stub = db.get(DeletedDossier, stub_id, with_for_update=True)
    if stub is None or stub.objects_deleted_at is not None:
        return 0
    deleted = sum(objects.collect(db=db, store=store, key=key)
                  for key in sorted(stub.pending_objects))
    stub.pending_objects, stub.objects_deleted_at = [], now
    db.flush()
    return deleted


def erase_founder(*, db: Session, user_id: uuid.UUID, password: str, now: datetime,
                  siren_key: bytes) -> list[DeletedDossier]:
    """Erase a founder: every dossier (stubs remain), notifications, sessions, the account."""
    user = db.get(User, user_id)
    if user is None or user.role != Role.founder:
        raise Forbidden("role_forbidden", {"role": user.role if user else "?"})
    if not verify_password(password, user.password_hash):
        raise Invalid(errors=[FieldError("password", "erasure_password")])
    # The routing flow settling a delivery locks it, then its route, then (a notice) the
    # founder's row: locks taken here in that same order, so the two cannot deadlock.
    routes = select(Route.id).join(Dossier).where(Dossier.owner_id == user.id)
    db.execute(select(Delivery.id).where(Delivery.route_id.in_(routes))
               .order_by(Delivery.id).with_for_update())
    db.execute(select(Route.id).where(Route.id.in_(routes)).order_by(Route.id).with_for_update())
    db.refresh(user, with_for_update=True)
    owned = list(db.scalars(select(Dossier.id).where(Dossier.owner_id == user.id)))
    stubs = [stub for dossier_id in owned
             if (stub := purge(db=db, dossier_id=dossier_id, reason=Reason.founder_erasure,
                               now=now, siren_key=siren_key))]
    for statement in (delete(ApiToken).where(ApiToken.user_id == user.id),
                      delete(Notification).where(Notification.user_id == user.id),
                      delete(User).where(User.id == user.id)):
        db.execute(statement.execution_options(synchronize_session=False))
    db.expunge(user)
    return stubs


def delete_pending_objects(*, sessions: Callable[[], Session], store: ObjectRemover,
                           now: datetime) -> int:
    """Delete the objects of every pending stub, one transaction per stub."""
    with sessions() as db:
        stub_ids = pending_stubs(db=db)
    deleted = 0
    for stub_id in stub_ids:
        with transaction(sessions) as db:
            deleted += delete_objects(db=db, stub_id=stub_id, store=store, now=now)
    return deleted


def purge_due(*, sessions: Callable[[], Session], now: datetime, policy: Policy,
              siren_key: bytes) -> list[tuple[uuid.UUID, Reason]]:
    """Purge every dossier due now, one transaction each, re-checking it is still due."""
    with sessions() as db:
        due = due_for_purge(db=db, now=now, policy=policy)
    purged = []
    for dossier_id, reason in due:
        with transaction(sessions) as db:
            if purge(db=db, dossier_id=dossier_id, reason=reason, now=now, siren_key=siren_key,
                     only_if=due_condition(reason, now, policy)):
                purged.append((dossier_id, reason))
    return purged


def run(*, sessions: Callable[[], Session], store: ObjectRemover, now: datetime,
        policy: Policy, siren_key: bytes, dry_run: bool = False) -> RunReport:
    """Warn, purge, then delete the objects left; a dry run only says what it would do."""
    if dry_run:
        with sessions() as db:
            return RunReport(dry_run=True, warned=drafts_to_warn(db=db, now=now, policy=policy),
                             purged=due_for_purge(db=db, now=now, policy=policy))
    with transaction(sessions) as db:
        warned = warn_drafts(db=db, now=now, policy=policy)
    purged = purge_due(sessions=sessions, now=now, policy=policy, siren_key=siren_key)
    deleted = delete_pending_objects(sessions=sessions, store=store, now=now)
    return RunReport(warned=warned, purged=purged, objects_deleted=deleted)
