"""The account e-mails: sign-up (a confirmation link, or "you already have an account"),
and the one sender the password-reset and invitation e-mails (app/account_mail.py) use."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import format_datetime

from dossier.catalogue import _
from dossier.db import utcnow
from dossier.services.signup import SignupOutcome
from workflows.mail import MailSettings, connect

log = logging.getLogger(__name__)

def _texts(outcome: SignupOutcome, lang: str) -> tuple[str, str]:
    if outcome == SignupOutcome.confirm:
        return (_("Confirm your e-mail address — Dossier unique", lang),
                _("Hello,\n\nTo activate your Dossier unique account, open this link (valid "
                  "24 hours):\n{link}\n\nIf you did not ask for this account, ignore this "
                  "message.\n", lang))
    return (_("You already have an account — Dossier unique", lang),
            _("Hello,\n\nSomeone (you, no doubt) tried to create an account with this "
              "address, but you already have one. Log in here:\n{link}\n\nIf it was not "
              "you, ignore this message: nothing has changed.\n", lang))


def send_signup_mail(*, to: str, outcome: SignupOutcome, link: str, lang: str = "fr") -> None:
    """Send it, in the language of the sign-up page, over SMTP, or without SMTP_HOST print it
    on the server's console."""
    subject, body = _texts(outcome, lang)
    send_mail(to=to, subject=subject, body=body.format(link=link))


def send_mail(*, to: str, subject: str, body: str) -> None:
    """One account e-mail (sign-up, password reset, invitation) over SMTP, or without
    SMTP_HOST on the server's console."""
    settings = MailSettings()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if not settings.enabled:
        log.warning("SMTP_HOST is not set; the account e-mail is shown here instead:\n%s",
                    message.as_string())
        return
    with connect(settings) as smtp:
        smtp.send_message(message)
