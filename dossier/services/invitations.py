"""Invitations by e-mail: staff invite a partner's reviewer, an owner invites a co-founder;
the people of a dossier (its owner and co-founders) and handing it over.

An invitation is a row (who, for what, until when, accepted or revoked) and a link signed
with the app's secret over its id, kind and address: a forged or altered link is refused, an
expired, used or superseded one too. Inviting the same address again revokes the older link.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import access
from dossier.access import Action
from dossier.catalogue import N_
from dossier.db import utcnow
from dossier.errors import DomainError, FieldError, Invalid, NotFound
from dossier.i18n import register
from dossier.models import AccessRecord, Dossier, DossierMember, Invitation, Partner, Role, User
from dossier.security import hash_password, link_signature
from dossier.services import users
from dossier.services.ids import signed_row

INVITE_DAYS = 7
HANDOVER = "handover"  # the access record's kind: the audit chain keeps who handed to whom

register({
    "invitation_invalid": N_("This invitation link is not valid: it was altered, or replaced "
                             "by a newer invitation."),
    "invitation_expired": N_("This invitation has expired. Ask the person who invited you to "
                             "send it again."),
    "invitation_used": N_("This invitation has already been accepted."),
    "invitation_account_exists": N_("An account already exists for {email}: log in with it."),
    "invitation_other_account": N_("This invitation is addressed to {email}. Log out, then "
                                   "open the link again."),
    "invitation_not_founder": N_("The account {email} is not a founder account: it cannot join "
                                 "a dossier."),
    "already_member": N_("{email} already works on this dossier."),
    "unknown_partner": N_("Unknown partner: {partner}."),
    "not_a_member": N_("This person is not a co-founder of the dossier."),
    "invitation_not_found": N_("This invitation does not exist or is no longer open."),
})


class InvitationKind(StrEnum):
    """What accepting the invitation makes of the invitee."""

    reviewer = "reviewer"  # a reviewer of `partner_code`
    member = "member"  # a co-founder of `dossier_id`


class InvitationInvalid(DomainError, status=400, code="invitation_invalid"):
    """A link that cannot be accepted (forged, superseded, expired, used, wrong account)."""


def _signature(secret: bytes, invitation: Invitation) -> str:
    return link_signature(secret, "invite", invitation.id, invitation.kind, invitation.email)


def token(secret: bytes, invitation: Invitation) -> str:
    """The link token: the invitation's id and its signature."""
    return f"{invitation.id}.{_signature(secret, invitation)}"


def _supersede(db: Session, *, kind: InvitationKind, email: str, partner_code: str | None,
               dossier_id: uuid.UUID | None, now: datetime) -> None:
    """Revoke the open invitations of the same address to the same place (a re-invite)."""
    rows = db.scalars(select(Invitation).where(
        Invitation.kind == kind.value, Invitation.email == email,
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.partner_code.is_(partner_code) if partner_code is None
        else Invitation.partner_code == partner_code,
        Invitation.dossier_id.is_(dossier_id) if dossier_id is None
        else Invitation.dossier_id == dossier_id))
    for row in rows:
        row.revoked_at = now


def _new(db: Session, *, kind: InvitationKind, email: str, by: User, now: datetime | None,
         partner_code: str | None = None, dossier_id: uuid.UUID | None = None) -> Invitation:
    now = now or utcnow()
    _supersede(db, kind=kind, email=email, partner_code=partner_code, dossier_id=dossier_id,
               now=now)
    row = Invitation(kind=kind.value, email=email, partner_code=partner_code,
                     dossier_id=dossier_id, invited_by=by.id, created_at=now,
                     expires_at=now + timedelta(days=INVITE_DAYS))
    db.add(row)
    db.flush()
    return row


def invite_reviewer(*, db: Session, by: User, email: str, partner_code: str,
                    now: datetime | None = None) -> Invitation:
    """Staff invite a reviewer of a partner; an address with an account already is refused."""
    access.require(by, Action.staff_pages)
    address = users.checked_email(email)
    if db.get(Partner, partner_code) is None:
        raise Invalid(errors=[FieldError("partner", "unknown_partner", {"partner": partner_code})])
    if users.get_by_email(db=db, email=address) is not None:
        raise Invalid(errors=[FieldError("email", "email_taken", {"email": address})])
    return _new(db, kind=InvitationKind.reviewer, email=address, by=by, now=now,
                partner_code=partner_code)


def invite_member(*, db: Session, dossier: Dossier, by: User, email: str,
                  now: datetime | None = None) -> Invitation:
    """The owner invites a co-founder to the dossier."""
    access.require(by, Action.manage_members, dossier=dossier)
    address = users.checked_email(email)
    if address in {by.email, *(m.user.email for m in dossier.members)}:
        raise Invalid(errors=[FieldError("email", "already_member", {"email": address})])
    return _new(db, kind=InvitationKind.member, email=address, by=by, now=now,
                dossier_id=dossier.id)


def open_invitation(*, db: Session, secret: bytes, link: str,
                    now: datetime | None = None) -> Invitation:
    """The invitation a link names, if it can still be accepted; InvitationInvalid if not."""
    row = signed_row(db, Invitation, link, lambda r: _signature(secret, r))
    if row is None or row.revoked_at is not None:
        raise InvitationInvalid()
    if row.accepted_at is not None:
        raise InvitationInvalid("invitation_used")
    if row.expires_at <= (now or utcnow()):
        raise InvitationInvalid("invitation_expired")
    return row


class Step(StrEnum):
    """What the invitation page asks of the person who opened the link."""

    create = "create"  # no account yet: choose a password
    login = "login"  # an account exists: log in with it first
    join = "join"  # logged in as the invitee: one button
    other_account = "other_account"  # logged in as someone else


def step_for(*, db: Session, invitation: Invitation, user: User | None) -> Step:
    """Which form the invitation page shows to this visitor."""
    account = users.get_by_email(db=db, email=invitation.email)
    if user is not None and (account is None or account.id != user.id):
        return Step.other_account
    if account is None:
        return Step.create
    return Step.join if user is not None else Step.login


def accept(*, db: Session, secret: bytes, link: str, user: User | None,
           password: str | None = None, full_name: str | None = None,
           now: datetime | None = None) -> User:
    """Accept the invitation: create the account if the address has none (with `password`),
    make it the partner's reviewer or the dossier's co-founder; the account is returned."""
    now = now or utcnow()
    row = open_invitation(db=db, secret=secret, link=link, now=now)
    step = step_for(db=db, invitation=row, user=user)
    if step == Step.other_account:
        raise InvitationInvalid("invitation_other_account", {"email": row.email})
    if step == Step.login or (step == Step.join and row.kind == InvitationKind.reviewer):
        raise InvitationInvalid("invitation_account_exists", {"email": row.email})
    if step == Step.create:
        users.check_password_strength(password or "")
        reviewer = row.kind == InvitationKind.reviewer
        user = User(email=row.email, password_hash=hash_password(password or ""),
                    role=Role.reviewer if reviewer else Role.founder,
                    partner_code=row.partner_code if reviewer else None,
                    full_name=(full_name or "").strip() or None, active=True)
        db.add(user)
        db.flush()
    if row.kind == InvitationKind.member:
        _join(db, row, user)
    row.accepted_at = now
    db.flush()
    return user


def _join(db: Session, row: Invitation, user: User) -> None:
    if user.role != Role.founder:
        raise InvitationInvalid("invitation_not_founder", {"email": row.email})
    dossier = db.get(Dossier, row.dossier_id)
    if dossier is None:
        raise InvitationInvalid()
    if dossier.owner_id != user.id and all(m.user_id != user.id for m in dossier.members):
        dossier.members.append(DossierMember(user_id=user.id, created_at=utcnow()))


def invitation_subject(*, db: Session, row: Invitation) -> dict[str, str | None]:
    """What an invitation is for, in names: the partner, or the company and who invites."""
    inviter = db.get(User, row.invited_by) if row.invited_by else None
    dossier = db.get(Dossier, row.dossier_id) if row.dossier_id else None
    partner = db.get(Partner, row.partner_code) if row.partner_code else None
    return {"partner": partner.name if partner else None,
            "company": dossier.company_name if dossier else None,
            "inviter": (inviter.full_name or inviter.email) if inviter else None}


def pending(*, db: Session, kind: InvitationKind, dossier: Dossier | None = None,
            now: datetime | None = None) -> list[Invitation]:
    """Invitations not accepted nor revoked (expired ones too: they can be sent again)."""
    stmt = select(Invitation).where(Invitation.kind == kind.value,
                                    Invitation.accepted_at.is_(None),
                                    Invitation.revoked_at.is_(None))
    if dossier is not None:
        stmt = stmt.where(Invitation.dossier_id == dossier.id)
    return list(db.scalars(stmt.order_by(Invitation.created_at.desc()).limit(200)))


def reviewers(*, db: Session) -> list[User]:
    """Every reviewer account, by partner then address (the staff's list)."""
    return list(db.scalars(select(User).where(User.role == Role.reviewer)
                           .order_by(User.partner_code, User.email)))


def get_invitation(*, db: Session, invitation_id: str, kind: InvitationKind,
                   dossier: Dossier | None = None) -> Invitation:
    """An open invitation of this kind (and dossier); NotFound otherwise."""
    try:
        row = db.get(Invitation, uuid.UUID(invitation_id))
    except ValueError as exc:
        raise NotFound("invitation_not_found") from exc
    if (row is None or row.kind != kind.value or row.accepted_at is not None
            or row.revoked_at is not None
            or (dossier is not None and row.dossier_id != dossier.id)):
        raise NotFound("invitation_not_found")
    return row


def resend(*, db: Session, row: Invitation, by: User, now: datetime | None = None
           ) -> Invitation:
    """A new link (and a new expiry) for the same invitation; the old link stops working."""
    return _new(db, kind=InvitationKind(row.kind), email=row.email, by=by, now=now,
                partner_code=row.partner_code, dossier_id=row.dossier_id)


def revoke(*, db: Session, row: Invitation, now: datetime | None = None) -> None:
    """Cancel an invitation: its link stops working."""
    row.revoked_at = now or utcnow()
    db.flush()


def member(dossier: Dossier, user_id: str) -> DossierMember:
    """The co-founder of the dossier with this account id; Invalid otherwise."""
    found = next((m for m in dossier.members if str(m.user_id) == user_id), None)
    if found is None:
        raise Invalid(errors=[FieldError("member", "not_a_member")])
    return found


def remove_member(*, db: Session, dossier: Dossier, by: User, user_id: str) -> None:
    """The owner takes a co-founder off the dossier."""
    access.require(by, Action.manage_members, dossier=dossier)
    dossier.members.remove(member(dossier, user_id))
    db.flush()


def leave(*, db: Session, dossier: Dossier, user: User) -> None:
    """A co-founder stops working on the dossier."""
    access.require(user, Action.leave_dossier, dossier=dossier)
    dossier.members.remove(member(dossier, str(user.id)))
    db.flush()


def hand_over(*, db: Session, dossier: Dossier, by: User, user_id: str, stay: bool = True,
              now: datetime | None = None) -> User:
    """The owner makes a co-founder the dossier's owner; the former owner stays a co-founder
    (or leaves, `stay=False`). Recorded in the dossier's audit chain; the new owner returned."""
    access.require(by, Action.manage_members, dossier=dossier)
    db.refresh(dossier, with_for_update=True)
    if dossier.owner_id != by.id:  # handed over meanwhile
        raise Invalid(errors=[FieldError("member", "not_a_member")])
    heir = member(dossier, user_id)
    new_owner = heir.user
    dossier.members.remove(heir)
    dossier.owner_id = new_owner.id
    if stay:
        dossier.members.append(DossierMember(user_id=by.id, created_at=now or utcnow()))
    db.add(AccessRecord(dossier_id=dossier.id, user_id=by.id, email=by.email, role=by.role,
                        kind=HANDOVER, object_id=str(new_owner.id), object_name=new_owner.email,
                        version=dossier.current_version, via="web",
                        created_at=now or utcnow()))
    db.flush()
    return new_owner
