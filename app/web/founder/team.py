"""The people of a dossier: its owner invites co-founders by e-mail, takes one off, or hands
the dossier over to one (confirmed); a co-founder may leave."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.account_mail import send_handed_over, send_member_invitation
from app.deps import SessionDep, StateDep
from app.web.common.deps import Csrf, FounderDossier, FounderPage
from app.web.common.templating import page_lang, render
from dossier import access
from dossier.access import Action
from dossier.catalogue import N_, _
from dossier.db import utcnow
from dossier.errors import Invalid
from dossier.models import Dossier, Invitation, User
from dossier.services import invitations
from dossier.services.invitations import InvitationKind

router = APIRouter(include_in_schema=False)
TeamDossier = FounderDossier(Action.read_dossier)
ManagedDossier = FounderDossier(Action.manage_members)
LeavingDossier = FounderDossier(Action.leave_dossier)
ItemId = Annotated[str, Path(max_length=40)]
BASE = "/founder/dossiers/{dossier_id}/team"
DONE = {"invited": N_("Invitation sent to {email}."),
        "revoked": N_("The invitation is cancelled."),
        "removed": N_("{email} no longer works on this dossier."),
        "handed": N_("The dossier now belongs to {email}.")}


def _team_url(dossier: Dossier, done: str | None = None, email: str = "") -> str:
    tail = "?" + urlencode({"done": done, "email": email}) if done else ""
    return BASE.format(dossier_id=dossier.id) + tail


def _page(request: Request, db: SessionDep, dossier: Dossier, user: User, *,
          status: int = 200, errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, done: str | None = None,
          email: str = "") -> Response:
    owner = db.get(User, dossier.owner_id)
    open_rows = invitations.pending(db=db, kind=InvitationKind.member, dossier=dossier)
    lang = page_lang(request)
    notice = _(DONE[done], lang).format(email=email) if done in DONE else None
    return render(request, "founder/team.html", status_code=status, dossier=dossier,
                  owner=owner, members=list(dossier.members), invitations=open_rows,
                  manage=access.allows(user, Action.manage_members, dossier=dossier),
                  can_leave=access.allows(user, Action.leave_dossier, dossier=dossier),
                  errors=errors or {}, values=values or {}, notice=notice, now=utcnow())


@router.get(BASE)
def team_page(request: Request, user: FounderPage, dossier: TeamDossier, db: SessionDep,
              done: str | None = None, email: Annotated[str, Query(max_length=254)] = ""
              ) -> Response:
    """Who works on the dossier, the invitations waiting, and (for its owner) the forms."""
    return _page(request, db, dossier, user, done=done, email=email)


def _send_invitation(request: Request, state: StateDep, user: User, dossier: Dossier,
                     row: Invitation) -> None:
    link = (f"{state.settings.public_url.rstrip('/')}/invitation?token="
            f"{invitations.token(state.secret, row)}")
    send_member_invitation(to=row.email, link=link, inviter=user.full_name or user.email,
                           company=dossier.company_name or _("their company",
                                                             page_lang(request)),
                           lang=page_lang(request))


@router.post(BASE + "/invitations", dependencies=[Csrf])
def invite(request: Request, user: FounderPage, dossier: ManagedDossier, db: SessionDep,
           state: StateDep, email: Annotated[str, Form(max_length=254)] = "") -> Response:
    """Invite a co-founder by e-mail (a new link if the address was invited before)."""
    try:
        row = invitations.invite_member(db=db, dossier=dossier, by=user, email=email)
    except Invalid as exc:
        lang = page_lang(request)
        return _page(request, db, dossier, user, status=422, values={"email": email},
                     errors={e.loc: e.message(lang) for e in exc.errors})
    db.commit()  # the link works once it is in the mailbox
    _send_invitation(request, state, user, dossier, row)
    return RedirectResponse(_team_url(dossier, "invited", row.email), status_code=303)


@router.post(BASE + "/invitations/{invitation_id}/resend", dependencies=[Csrf])
def resend(request: Request, user: FounderPage, dossier: ManagedDossier, db: SessionDep,
           state: StateDep, invitation_id: ItemId) -> Response:
    """A new link and a new expiry for a waiting invitation."""
    old = invitations.get_invitation(db=db, invitation_id=invitation_id,
                                     kind=InvitationKind.member, dossier=dossier)
    row = invitations.resend(db=db, row=old, by=user)
    db.commit()
    _send_invitation(request, state, user, dossier, row)
    return RedirectResponse(_team_url(dossier, "invited", row.email), status_code=303)


@router.post(BASE + "/invitations/{invitation_id}/revoke", dependencies=[Csrf])
def revoke(user: FounderPage, dossier: ManagedDossier, db: SessionDep,
           invitation_id: ItemId) -> Response:
    """Cancel a waiting invitation."""
    row = invitations.get_invitation(db=db, invitation_id=invitation_id,
                                     kind=InvitationKind.member, dossier=dossier)
    invitations.revoke(db=db, row=row)
    return RedirectResponse(_team_url(dossier, "revoked"), status_code=303)


@router.post(BASE + "/members/{member_id}/remove", dependencies=[Csrf])
def remove(user: FounderPage, dossier: ManagedDossier, db: SessionDep,
           member_id: ItemId) -> Response:
    """Take a co-founder off the dossier."""
    email = invitations.member(dossier, member_id).user.email
    invitations.remove_member(db=db, dossier=dossier, by=user, user_id=member_id)
    return RedirectResponse(_team_url(dossier, "removed", email), status_code=303)


@router.post(BASE + "/handover", dependencies=[Csrf])
def hand_over(request: Request, user: FounderPage, dossier: ManagedDossier, db: SessionDep,
              state: StateDep, member: Annotated[str, Form(max_length=40)] = "",
              confirm: Annotated[str, Form(max_length=10)] = "",
              stay: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Make a co-founder the owner, once confirmed; the former owner stays a co-founder
    unless they untick it. Recorded in the dossier's audit chain."""
    errors = {} if confirm == "yes" else {"confirm": N_("Tick the box to confirm the hand-over.")}
    if not errors:
        try:
            heir = invitations.hand_over(db=db, dossier=dossier, by=user, user_id=member,
                                         stay=stay == "yes")
        except Invalid as exc:
            lang = page_lang(request)
            errors = {e.loc: e.message(lang) for e in exc.errors}
    if errors:
        return _page(request, db, dossier, user, status=422, errors=errors,
                     values={"member": member})
    email, company = heir.email, dossier.company_name or ""
    db.commit()
    send_handed_over(to=email, former=user.full_name or user.email, company=company,
                     link=f"{state.settings.public_url.rstrip('/')}/founder",
                     lang=page_lang(request))
    target = _team_url(dossier, "handed", email) if stay == "yes" else "/founder"
    return RedirectResponse(target, status_code=303)


@router.post(BASE + "/leave", dependencies=[Csrf])
def leave(request: Request, user: FounderPage, dossier: LeavingDossier, db: SessionDep,
          confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """A co-founder stops working on the dossier, once confirmed."""
    if confirm != "yes":
        return _page(request, db, dossier, user, status=422,
                     errors={"leave": N_("Tick the box to confirm that you leave the dossier.")})
    invitations.leave(db=db, dossier=dossier, user=user)
    return RedirectResponse("/founder", status_code=303)
