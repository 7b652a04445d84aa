"""Staff invite a partner's reviewer by e-mail; the list of reviewers and open invitations;
who sits on each partner's committee."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from app.account_mail import send_reviewer_invitation
from app.deps import SessionDep, StateDep
from app.web.common.deps import Csrf
from app.web.common.templating import page_lang, render
from app.web.staff.common import StaffUser
from dossier.db import utcnow
from dossier.errors import Invalid
from dossier.models import Invitation
from dossier.services import committees, invitations, partners
from dossier.services.invitations import InvitationKind

router = APIRouter(include_in_schema=False)
InvitationId = Annotated[str, Path(max_length=40)]
ReviewerId = Annotated[str, Path(max_length=40)]


def _page(request: Request, db: SessionDep, *, status: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
          sent: str | None = None, seated: str | None = None) -> Response:
    names = {p.code: p.name for p in partners.list_partners(db=db)}
    open_rows = invitations.pending(db=db, kind=InvitationKind.reviewer)
    people = invitations.reviewers(db=db)
    return render(request, "staff/reviewers.html", status_code=status, section="reviewers",
                  partner_names=names, invitations=open_rows, reviewers=people,
                  errors=errors or {}, values=values or {}, sent=sent, now=utcnow(),
                  seated=seated)


@router.get("/staff/reviewers")
def reviewers_page(request: Request, user: StaffUser, db: SessionDep,
                   sent: str | None = None, seated: str | None = None) -> Response:
    """The partners' reviewers, who sits on a committee, the invitations still open, and a
    form to invite one."""
    return _page(request, db, sent=sent, seated=seated)


@router.post("/staff/reviewers/{reviewer_id}/committee", dependencies=[Csrf])
def seat(user: StaffUser, db: SessionDep, reviewer_id: ReviewerId,
         committee: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Seat a reviewer on their partner's committee (`committee=on`), or take them off it."""
    email = committees.seat(db=db, reviewer_id=reviewer_id, member=committee == "on").email
    return RedirectResponse(f"/staff/reviewers?seated={email}#people-title", status_code=303)


def _send(state: StateDep, request: Request, row: Invitation, partner: str) -> None:
    link = (f"{state.settings.public_url.rstrip('/')}/invitation?token="
            f"{invitations.token(state.secret, row)}")
    send_reviewer_invitation(to=row.email, link=link, partner=partner, lang=page_lang(request))


@router.post("/staff/reviewers/invitations", dependencies=[Csrf])
def invite(request: Request, user: StaffUser, db: SessionDep, state: StateDep,
           email: Annotated[str, Form(max_length=254)] = "",
           partner: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Invite an address as a reviewer of the chosen partner (a new link if invited before)."""
    try:
        row = invitations.invite_reviewer(db=db, by=user, email=email, partner_code=partner)
    except Invalid as exc:
        db.rollback()
        lang = page_lang(request)
        return _page(request, db, status=422, values={"email": email, "partner": partner},
                     errors={e.loc: e.message(lang) for e in exc.errors})
    name = {p.code: p.name for p in partners.list_partners(db=db)}[partner]
    db.commit()  # the link works once it is in the mailbox
    _send(state, request, row, name)
    return RedirectResponse(f"/staff/reviewers?sent={row.email}", status_code=303)


@router.post("/staff/reviewers/invitations/{invitation_id}/resend", dependencies=[Csrf])
def resend(request: Request, user: StaffUser, db: SessionDep, state: StateDep,
           invitation_id: InvitationId) -> Response:
    """Send the invitation again with a new link and a new expiry; the old link stops."""
    old = invitations.get_invitation(db=db, invitation_id=invitation_id,
                                     kind=InvitationKind.reviewer)
    row = invitations.resend(db=db, row=old, by=user)
    name = {p.code: p.name for p in partners.list_partners(db=db)}.get(row.partner_code, "")
    db.commit()  # the new link works once it is in the mailbox
    _send(state, request, row, name)
    return RedirectResponse(f"/staff/reviewers?sent={row.email}", status_code=303)


@router.post("/staff/reviewers/invitations/{invitation_id}/revoke", dependencies=[Csrf])
def revoke(user: StaffUser, db: SessionDep, invitation_id: InvitationId) -> Response:
    """Cancel an invitation: its link stops working."""
    row = invitations.get_invitation(db=db, invitation_id=invitation_id,
                                     kind=InvitationKind.reviewer)
    invitations.revoke(db=db, row=row)
    return RedirectResponse("/staff/reviewers", status_code=303)
