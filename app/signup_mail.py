"""The account e-mails: sign-up (a confirmation link, or "you already have an account"),
and the one sender the password-reset and invitation e-mails (app/account_mail.py) use."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import format_datetime

from dossier.db import utcnow
from dossier.services.signup import SignupOutcome
from workflows.mail import MailSettings, connect

log = logging.getLogger(__name__)

TEXTS = {
    SignupOutcome.confirm: (
        "Confirmez votre adresse e-mail — Dossier unique",
        "Bonjour,\n\nPour activer votre compte Dossier unique, ouvrez ce lien "
        "(valable 24 heures) :\n"
        "{link}\n\nSi vous n'avez pas demandé ce compte, ignorez ce message.\n\n"
        "— To activate your Dossier unique account, open the link above (valid 24 hours).\n"),
    SignupOutcome.exists: (
        "Vous avez déjà un compte — Dossier unique",
        "Bonjour,\n\nQuelqu'un (vous, sans doute) a voulu créer un compte avec cette adresse, "
        "mais vous en avez déjà un. Connectez-vous ici :\n{link}\n\n"
        "Si ce n'était pas vous, ignorez ce message : rien n'a changé.\n\n"
        "— You already have an account with this address; log in with the link above.\n"),
}


def send_signup_mail(*, to: str, outcome: SignupOutcome, link: str) -> None:
    """Send it over SMTP, or without SMTP_HOST print it on the server's console."""
    subject, body = TEXTS[outcome]
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
