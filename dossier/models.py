"""Typed SQLAlchemy models: accounts, partners, dossiers, versions, attachments."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from dossier.db import Base, JSONType, utcnow


class Role(enum.StrEnum):
    """Who a user is in the product."""

    founder = "founder"
    reviewer = "reviewer"
    staff = "staff"


class DossierStatus(enum.StrEnum):
    """Life of a dossier: a mutable draft, then submitted versions."""

    draft = "draft"
    submitted = "submitted"


class User(Base):
    """A person who logs in: founder, reviewer of one partner, or staff."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    partner_code: Mapped[str | None] = mapped_column(
        ForeignKey("partners.code", ondelete="RESTRICT"), index=True
    )
    full_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(32), default="api")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class Partner(Base):
    """A bank or fund of the catalogue; `config` holds the validated catalogue entry."""

    __tablename__ = "partners"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dossier(Base):
    """A start-up's funding dossier: its working content and its submitted versions."""

    __tablename__ = "dossiers"
    __table_args__ = (Index("ix_dossiers_owner_updated", "owner_id", "updated_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=DossierStatus.draft.value)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    company_name: Mapped[str | None] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(40))
    current_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list[DossierVersion]] = relationship(
        back_populates="dossier", order_by="DossierVersion.number"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dossier", order_by="Attachment.created_at"
    )


class DossierVersion(Base):
    """An immutable snapshot made at submission or amendment, with its content hash."""

    __tablename__ = "dossier_versions"
    __table_args__ = (UniqueConstraint("dossier_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    number: Mapped[int]
    schema_version: Mapped[int] = mapped_column(default=1)
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="versions")


class Attachment(Base):
    """A document uploaded for a dossier; the bytes live in the object store under `storage_key`."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


class RoutingRequest(Base):
    """Outbox row: committed with a version, done when every delivery of it is settled."""

    __tablename__ = "routing_requests"
    __table_args__ = (Index("ix_routing_requests_pending", "completed_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossier_versions.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class Route(Base):
    """One dossier at one partner: its state, the version the partner has, the decision."""

    __tablename__ = "routes"
    __table_args__ = (
        UniqueConstraint("dossier_id", "partner_code"),
        Index("ix_routes_partner_state_updated", "partner_code", "state", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(ForeignKey("partners.code", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(20))
    instrument: Mapped[str | None] = mapped_column(String(20))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    delivered_version: Mapped[int | None]
    seen_version: Mapped[int | None]
    consent_version: Mapped[int]
    consent_at: Mapped[datetime]
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    last_read_at: Mapped[datetime | None]
    first_action_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    dossier: Mapped[Dossier] = relationship()


class RouteEvent(Base):
    """An append-only record of what happened to a route: actor, time, payload."""

    __tablename__ = "route_events"
    __table_args__ = (Index("ix_route_events_route_created", "route_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The single delivery of one dossier version to one partner (the idempotency key is its id)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("version_id", "partner_code"),
        Index("ix_deliveries_status", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("routing_requests.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossier_versions.id", ondelete="CASCADE"))
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32), default="portal")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class RenderedDocument(Base):
    """The PDF of one dossier version, rendered once and kept in the object store."""

    __tablename__ = "rendered_documents"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossier_versions.id", ondelete="CASCADE"), primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """A message between a partner's reviewers and the founder, on one route."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_route_created", "route_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(String(5000))
    attachment_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RouteNote(Base):
    """An internal note on a route, visible only to the reviewers of its partner."""

    __tablename__ = "route_notes"
    __table_args__ = (Index("ix_route_notes_route_created", "route_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(String(5000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """Something a user should know: shown in the app, and sent by e-mail."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(5000))
    route_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]


@event.listens_for(Session, "before_flush")
def _versions_are_immutable(session: Session, _ctx: Any, _instances: Any) -> None:
    """Refuse any change to version snapshots and route events."""
    for obj in session.dirty:
        if isinstance(obj, DossierVersion | RouteEvent) and session.is_modified(obj):
            raise ValueError(f"{type(obj).__name__} rows are append-only")
    for obj in session.deleted:
        if isinstance(obj, RouteEvent):
            raise ValueError("route events are append-only")
