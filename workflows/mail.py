"""E-mail over SMTP (stdlib smtplib): settings, composition, and sending each notification once."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dossier.db import utcnow
from dossier.services import notifications
from workflows.runtime import Runtime

log = logging.getLogger(__name__)


class MailSettings(BaseSettings):
    """SMTP_* variables; an empty SMTP_HOST disables e-mail (notifications stay in-app)."""

    model_config = SettingsConfigDict(env_prefix="SMTP_", extra="ignore", populate_by_name=True)

    host: str = ""
    port: int = 25
    sender: str = Field("Dossier unique <no-reply@dossier-unique.fr>",
                        validation_alias="SMTP_FROM")
    starttls: bool = False
    user: str = ""
    password: str = ""
    timeout: float = 30.0

    @property
    def enabled(self) -> bool:
        """Whether e-mail is configured at all."""
        return bool(self.host.strip())


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the network, or a 4xx answer; never a 5xx or a configuration error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False
    return isinstance(exc, OSError)  # refused connection, timeout, disconnection


def compose(settings: MailSettings, *, to: str, subject: str, body: str,
            notification_id: uuid.UUID, now: datetime | None = None,
            calendar: str | None = None) -> EmailMessage:
    """A plain-text message; its Message-ID derives from the notification, so copies match.
    An invitation also carries its iCalendar file: as the text/calendar alternative that
    mail clients show as an invitation, and as an `invitation.ics` attachment."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now or utcnow())
    domain = parseaddr(settings.sender)[1].partition("@")[2] or "dossier-unique"
    msg["Message-ID"] = f"<{notification_id}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    if calendar:
        msg.add_alternative(calendar, subtype="calendar", params={"method": "REQUEST"})
        msg.add_attachment(calendar.encode("utf-8"), maintype="application", subtype="ics",
                           filename="invitation.ics")
    return msg


@contextmanager
def connect(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """An SMTP session, with STARTTLS and login when configured."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
        yield smtp


def send_pending(runtime: Runtime, settings: MailSettings, *, policy: notifications.Policy,
                 now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """E-mail unsent notifications, marking each right after its send; transient errors raise."""
    with runtime.sessions() as db:
        ids = notifications.unsent(db=db, now=now or utcnow(), policy=policy, limit=limit)
    counts = {"emailed": 0, "refused": 0}
    if not ids:
        return counts
    with connect(settings) as smtp:
        for notification_id in ids:
            with runtime.sessions() as db, db.begin():
                mail = notifications.claim_for_mail(db=db, notification_id=notification_id,
                                                    link_base=runtime.public_url)
                if mail is None:  # sent meanwhile, being sent by another run, or opted out
                    continue
                row = mail.notification
                message = compose(settings, to=mail.address, subject=mail.subject,
                                  body=mail.text, notification_id=row.id,
                                  calendar=mail.calendar)
                try:
                    smtp.send_message(message)
                except smtplib.SMTPException as exc:
                    if is_transient(exc):
                        raise
                    log.warning("e-mail of notification %s refused: %s", row.id, exc)
                    counts["refused"] += 1
                    continue
                notifications.mark_emailed(db=db, notification=row)
            counts["emailed"] += 1
    return counts
