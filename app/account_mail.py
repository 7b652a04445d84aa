"""The e-mails of accounts: a password-reset link, invitations, a dossier handed over.

Written in the reader's language when known (the page's for a reset), French otherwise.
"""

from __future__ import annotations

from app.signup_mail import send_mail
from dossier.catalogue import _
from dossier.services.accounts import RESET_MINUTES
from dossier.services.invitations import INVITE_DAYS

SIGNATURE = "\n\n— Dossier unique · French Tech Aix-Marseille\n"


def send_reset(*, to: str, link: str, lang: str = "fr") -> None:
    """The link to choose a new password."""
    body = _("Hello,\n\nTo choose a new password for your Dossier unique account, open this "
             "link (valid {minutes} minutes, once):\n{link}\n\nIf you did not ask for it, "
             "ignore this message: your password has not changed.", lang)
    send_mail(to=to, subject=_("Choose a new password — Dossier unique", lang),
              body=body.format(minutes=RESET_MINUTES, link=link) + SIGNATURE)


def send_reviewer_invitation(*, to: str, link: str, partner: str, lang: str = "fr") -> None:
    """Staff invite a reviewer of `partner` (its name)."""
    body = _("Hello,\n\nThe French Tech Aix-Marseille team invites you to review, for "
             "{partner}, the funding dossiers start-ups send through Dossier unique.\n\n"
             "Choose your password with this link (valid {days} days):\n{link}", lang)
    send_mail(to=to, subject=_("Your reviewer account for {partner} — Dossier unique",
                               lang).format(partner=partner),
              body=body.format(partner=partner, days=INVITE_DAYS, link=link) + SIGNATURE)


def send_member_invitation(*, to: str, link: str, inviter: str, company: str,
                           lang: str = "fr") -> None:
    """An owner invites a co-founder to the dossier of `company`."""
    body = _("Hello,\n\n{inviter} invites you to fill in with them the funding dossier of "
             "{company} on Dossier unique.\n\nAccept with this link (valid {days} days):\n"
             "{link}", lang)
    send_mail(to=to, subject=_("{inviter} invites you to a funding dossier — Dossier unique",
                               lang).format(inviter=inviter),
              body=body.format(inviter=inviter, company=company, days=INVITE_DAYS, link=link)
              + SIGNATURE)


def send_handed_over(*, to: str, link: str, former: str, company: str,
                     lang: str = "fr") -> None:
    """The new owner of a dossier is told."""
    body = _("Hello,\n\n{former} has handed the funding dossier of {company} over to you: "
             "you are now its owner, the one who submits it and is told of the partners' "
             "answers.\n\n{link}", lang)
    send_mail(to=to, subject=_("The dossier of {company} is now yours — Dossier unique",
                               lang).format(company=company),
              body=body.format(former=former, company=company, link=link) + SIGNATURE)
