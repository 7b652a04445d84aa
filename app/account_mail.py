"""The e-mails of accounts: a password-reset link, invitations, a dossier handed over.

Written in the reader's language when known (the page's for a reset), French otherwise.
"""

from __future__ import annotations

from app.signup_mail import send_mail
from dossier.catalogue import N_, _
from dossier.services.accounts import RESET_MINUTES
from dossier.services.invitations import INVITE_DAYS

SIGNATURE = "\n\n— Dossier unique · French Tech Aix-Marseille\n"


def _send(to: str, lang: str, subject: str, body: str, **values: object) -> None:
    """One account mail: `subject` and `body` (msgids) in `lang`, filled with `values`."""
    send_mail(to=to, subject=_(subject, lang).format(**values),
              body=_(body, lang).format(**values) + SIGNATURE)


def send_reset(*, to: str, link: str, lang: str = "fr") -> None:
    """The link to choose a new password."""
    _send(to, lang, N_("Choose a new password — Dossier unique"),
          N_("Hello,\n\nTo choose a new password for your Dossier unique account, open this "
             "link (valid {minutes} minutes, once):\n{link}\n\nIf you did not ask for it, "
             "ignore this message: your password has not changed."),
          minutes=RESET_MINUTES, link=link)


def send_reviewer_invitation(*, to: str, link: str, partner: str, lang: str = "fr") -> None:
    """Staff invite a reviewer of `partner` (its name)."""
    _send(to, lang, N_("Your reviewer account for {partner} — Dossier unique"),
          N_("Hello,\n\nThe French Tech Aix-Marseille team invites you to review, for "
             "{partner}, the funding dossiers start-ups send through Dossier unique.\n\n"
             "Choose your password with this link (valid {days} days):\n{link}"),
          partner=partner, days=INVITE_DAYS, link=link)


def send_member_invitation(*, to: str, link: str, inviter: str, company: str,
                           lang: str = "fr") -> None:
    """An owner invites a co-founder to the dossier of `company`."""
    _send(to, lang, N_("{inviter} invites you to a funding dossier — Dossier unique"),
          N_("Hello,\n\n{inviter} invites you to fill in with them the funding dossier of "
             "{company} on Dossier unique.\n\nAccept with this link (valid {days} days):\n"
             "{link}"),
          inviter=inviter, company=company, days=INVITE_DAYS, link=link)


def send_handed_over(*, to: str, link: str, former: str, company: str,
                     lang: str = "fr") -> None:
    """The new owner of a dossier is told."""
    _send(to, lang, N_("The dossier of {company} is now yours — Dossier unique"),
          N_("Hello,\n\n{former} has handed the funding dossier of {company} over to you: "
             "you are now its owner, the one who submits it and is told of the partners' "
             "answers.\n\n{link}"),
          former=former, company=company, link=link)
