"""Typed SQLAlchemy models: accounts, partners, dossiers, versions, attachments."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from dossier.db import Base, JSONType, utcnow
from dossier.routing.machine import DECIDED_STATES, VISIBLE_TO_PARTNER


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
    # Notifications are e-mailed unless the person turned it off (they stay in the app).
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The language of the person's notifications ("fr" or "en"; None: French).
    language: Mapped[str | None] = mapped_column(String(2))
    # A reviewer who sits on the partner's committee: decides the dossiers recommended to it.
    committee: Mapped[bool] = mapped_column(default=False, server_default=false())


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
    # When the founder was told this untouched draft will be purged (retention).
    warned_at: Mapped[datetime | None]
    # A sample seeded by `dossier demo` (shown with an "Example" badge), never a real one.
    sample: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the founder typed that is not valid yet, kept with its error until corrected
    # (loc -> {"typed", "code", "ctx"}); never part of the content, the PDF or a version.
    pending_input: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=dict)

    versions: Mapped[list[DossierVersion]] = relationship(
        back_populates="dossier", order_by="DossierVersion.number"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dossier", order_by="Attachment.created_at"
    )
    members: Mapped[list[DossierMember]] = relationship(
        back_populates="dossier", order_by="DossierMember.created_at",
        cascade="all, delete-orphan", passive_deletes=True
    )


class DossierMember(Base):
    """A co-founder who reads and edits a dossier someone else owns (invited by e-mail)."""

    __tablename__ = "dossier_members"

    dossier_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class Invitation(Base):
    """An e-mail invitation: a reviewer of a partner (from staff) or a co-founder of a
    dossier (from its owner). The link is signed; the row says whether it is still open."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_email", "email"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))  # "reviewer" or "member"
    email: Mapped[str] = mapped_column(String(254))
    partner_code: Mapped[str | None] = mapped_column(
        ForeignKey("partners.code", ondelete="CASCADE"))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


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
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Antivirus verdict: not_scanned (no clamd configured), pending, clean, infected or error.
    scan_status: Mapped[str] = mapped_column(String(16), default="not_scanned",
                                             server_default="not_scanned")
    # When the document was issued (for annual accounts: the fiscal year's end), as the
    # founder says at upload; its validity runs from it (dossier.validity).
    issued_on: Mapped[date | None]

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


# Routes a partner has and has not decided yet: the first part of every inbox.
AWAITING_DECISION = sorted(VISIBLE_TO_PARTNER - DECIDED_STATES)
OPEN_ROUTES = text("state IN (" + ", ".join(f"'{s.value}'" for s in AWAITING_DECISION) + ")")
# ... and those it has decided: the second part, latest decision first.
DECIDED_ROUTES = text("state IN (" + ", ".join(f"'{s.value}'" for s in sorted(DECIDED_STATES))
                      + ")")


class Route(Base):
    """One dossier at one partner: its state, the version the partner has, the decision."""

    __tablename__ = "routes"
    __table_args__ = (
        # one route per dossier, partner and kind: a mediation referral to the Banque de
        # France stands beside its advice route
        UniqueConstraint("dossier_id", "partner_code", "kind"),
        Index("ix_routes_partner_state_updated", "partner_code", "state", "updated_at", "id"),
        # the reviewer inbox: a partner's routes awaiting a decision, in order of arrival
        Index("ix_routes_partner_open", "partner_code", "delivered_at", "id",
              postgresql_where=OPEN_ROUTES, sqlite_where=OPEN_ROUTES),
        Index("ix_routes_partner_decided", "partner_code", "updated_at", "id",
              postgresql_where=DECIDED_ROUTES, sqlite_where=DECIDED_ROUTES),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(ForeignKey("partners.code", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="funding", server_default="funding")
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # a referral's refusal
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


class Disbursement(Base):
    """One tranche a partner paid out on an accepted offer."""

    __tablename__ = "disbursements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    label: Mapped[str | None] = mapped_column(String(120))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RouteTally(Base):
    """Signed changes to the number of a partner's routes in a state, written by database
    triggers on `routes` (insert-only, so concurrent writers never wait on each other);
    `dossier.services.tallies` sums and compacts them."""

    __tablename__ = "route_tallies"
    __table_args__ = (Index("ix_route_tallies_partner_state", "partner_code", "state"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                    primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(BigInteger)


class ChainLink:
    """A link of its dossier's audit chain, created when it happened (append-only); the
    chain columns are filled at commit by dossier/audit.py."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    chain_seq: Mapped[int | None]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class RouteEvent(ChainLink, Base):
    """An append-only record of what happened to a route: actor, time, payload."""

    __tablename__ = "route_events"
    __table_args__ = (Index("ix_route_events_route_created", "route_id", "created_at"),
                      Index("ix_route_events_type_created", "type", "created_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AccessRecord(ChainLink, Base):
    """Someone other than the founder read the dossier, its PDF or attachments (append-only)."""

    __tablename__ = "access_records"
    __table_args__ = (Index("ix_access_records_dossier_created", "dossier_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    route_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"))
    # Who, copied as it was at the time: the log outlives renamed or removed accounts.
    user_id: Mapped[uuid.UUID | None]
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    partner_code: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str | None] = mapped_column(String(64))
    object_name: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int | None]
    via: Mapped[str] = mapped_column(String(8))


class AuditHead(Base):
    """The last link of one dossier's audit chain; locked while a record is appended."""

    __tablename__ = "audit_heads"

    dossier_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The single delivery of one dossier version to one partner (the idempotency key is its id)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # once per version and route: a mediation referral to the Banque de France is a
        # second route to the same partner
        UniqueConstraint("version_id", "route_id"),
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
    max_attempts: Mapped[int | None]  # the budget, fixed at the first attempt
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class RenderedDocument(Base):
    """The PDF of one dossier version, rendered once and kept in the object store."""

    __tablename__ = "rendered_documents"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dossier_versions.id", ondelete="CASCADE"), primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredObjectRecord(Base):
    """One object of the store: the row writers lock while they reference it and the sweep
    locks while it deletes it (dossier/services/objects.py tells the protocol)."""

    __tablename__ = "objects"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a row referencing it last went: the sweep's grace period counts from here.
    released_at: Mapped[datetime | None]


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


class Opinion(Base):
    """An outside expert's opinion a partner's reviewer asked for on one route: the expert
    reads the version delivered then, until `expires_on` (Paris), through a signed link; the
    opinion is the partner's alone (dossier.services.opinions)."""

    __tablename__ = "opinions"
    __table_args__ = (Index("ix_opinions_route_created", "route_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    version: Mapped[int]  # the route's delivered version when the expert was invited
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    question: Mapped[str] = mapped_column(String(5000))
    expires_on: Mapped[date]  # the last day the expert may read and answer
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(10000))
    answered_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Notification(Base):
    """Something a user should know: shown in the app, and sent by e-mail."""

    __tablename__ = "notifications"
    # The bell counts a user's unread ones on every page: the partial index holds only those.
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),
                      Index("ix_notifications_user_unread", "user_id",
                            postgresql_where=text("read_at IS NULL"),
                            sqlite_where=text("read_at IS NULL")))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(5000))
    route_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The page it is about, relative to the site (the e-mail makes it absolute).
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    # An iCalendar invitation (RFC 5545) the e-mail carries, if the notice is one.
    calendar: Mapped[str | None] = mapped_column(Text)


class CommitteeSession(Base):
    """A sitting of one partner's committee: when, where, and the dossiers on its agenda."""

    __tablename__ = "committee_sessions"
    __table_args__ = (Index("ix_committee_sessions_partner_starts", "partner_code", "starts_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    partner_code: Mapped[str] = mapped_column(ForeignKey("partners.code", ondelete="RESTRICT"))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    slot_minutes: Mapped[int]  # each dossier's time on the agenda (a founder's pitch)
    place: Mapped[str | None] = mapped_column(String(200))
    video_url: Mapped[str | None] = mapped_column(String(2000))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[CommitteeItem]] = relationship(
        order_by="CommitteeItem.position", cascade="all, delete-orphan", passive_deletes=True,
        lazy="selectin")


class CommitteeItem(Base):
    """One dossier (a route in committee) on a session's agenda, in its order."""

    __tablename__ = "committee_items"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("committee_sessions.id", ondelete="CASCADE"), primary_key=True)
    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int]


class DeletedDossier(Base):
    """What remains of a purged or erased dossier: that it existed, when, and why it went."""

    __tablename__ = "deleted_dossiers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the dossier's own id
    siren_hash: Mapped[str | None] = mapped_column(String(64))  # keyed HMAC, never the SIREN
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The dossier's audit chain as it ended; its records went with the dossier.
    audit_seq: Mapped[int | None]
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    # Stored objects to delete once the rows are gone; emptied when done.
    pending_objects: Mapped[list[Any]] = mapped_column(default=list)
    objects_deleted_at: Mapped[datetime | None]


@event.listens_for(Session, "before_flush")
def _versions_are_immutable(session: Session, _ctx: Any, _instances: Any) -> None:
    """Refuse any change to version snapshots, route events and access records."""
    for obj in session.dirty:
        if (isinstance(obj, DossierVersion | RouteEvent | AccessRecord)
                and session.is_modified(obj)):
            raise ValueError(f"{type(obj).__name__} rows are append-only")
    for obj in session.deleted:
        if isinstance(obj, RouteEvent | AccessRecord):
            raise ValueError(f"{type(obj).__name__} rows are append-only")


class RateLimitCounter(Base):
    """One fixed-window counter of the rate limiter (login attempts), shared by every process."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    # Seconds since the epoch: compared with the clock in SQL, in every dialect alike.
    expires_at: Mapped[float] = mapped_column(Float)


class RegistryCompany(Base):
    """What the company registry answered for a SIREN or SIRET, and when (a cache)."""

    __tablename__ = "registry_companies"

    number: Mapped[str] = mapped_column(String(14), primary_key=True)  # as looked up
    siren: Mapped[str] = mapped_column(String(9), index=True)
    found: Mapped[bool]
    facts: Mapped[dict[str, Any] | None]
    source: Mapped[str] = mapped_column(String(40))
    fetched_at: Mapped[datetime]


class RegistryCheck(Base):
    """A number the registry could not answer for in time: verified later by a flow."""

    __tablename__ = "registry_checks"

    number: Mapped[str] = mapped_column(String(14), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
