"""The reminders flow: SLA and information-request reminders, documents about to expire for a
partner, their e-mails."""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow, task
from prefect.tasks import exponential_backoff
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dossier.db import utcnow
from dossier.services import expiry, notifications
from workflows.mail import MailSettings, is_transient, send_pending
from workflows.runtime import Runtime, get_runtime


class ReminderSettings(BaseSettings):
    """REMINDER_EVERY_DAYS (repeat period), INFO_REMINDER_DAYS (unanswered requests) and
    EXPIRY_REMINDER_DAYS (a JSON list: days before a document expires, e.g. [14, 3])."""

    model_config = SettingsConfigDict(extra="ignore")

    reminder_every_days: int = Field(3, ge=1, le=365)
    info_reminder_days: int = Field(5, ge=1, le=365)
    expiry_reminder_days: tuple[Annotated[int, Field(ge=1, le=365)], ...] = Field(
        notifications.Policy.expiry_days, max_length=5)

    def policy(self) -> notifications.Policy:
        """The domain's reminder policy."""
        return notifications.Policy(every_days=self.reminder_every_days,
                                    info_after_days=self.info_reminder_days,
                                    expiry_days=self.expiry_reminder_days)


def _transient(_task: Any, _run: Any, state: Any) -> bool:
    """Retry the e-mail task only for I/O errors that may pass."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            exc = state.result(raise_on_failure=False)
        except Exception as err:
            exc = err
    return isinstance(exc, BaseException) and is_transient(exc)


@task(name="create-notifications")
def create_notifications() -> dict[str, int]:
    """Create the reminders due now (late routes, unanswered requests, documents about to
    expire), in one transaction."""
    runtime, now, policy = get_runtime(), utcnow(), ReminderSettings().policy()
    with runtime.sessions() as db, db.begin():
        return {**notifications.create_due(db=db, now=now, policy=policy,
                                           link_base=runtime.public_url),
                **expiry.create_due(db=db, now=now, policy=policy)}


@task(name="send-emails", retries=3, retry_delay_seconds=exponential_backoff(10),
      retry_jitter_factor=0.5, retry_condition_fn=_transient)
def send_emails() -> dict[str, int]:
    """E-mail the notifications not yet sent (SMTP I/O: the only retried step)."""
    return send_pending(get_runtime(), MailSettings(), policy=ReminderSettings().policy())


@flow(name="sla-reminders")
def sla_reminders() -> dict[str, int]:
    """Create what is due, then e-mail what has not been sent (if SMTP_HOST is set)."""
    created = create_notifications()
    if not MailSettings().enabled:
        return {**created, "emailed": 0}
    return {**created, **send_emails()}


def reminders_due(runtime: Runtime) -> bool:
    """Whether a run would do anything: the dispatcher's cheap check before starting one."""
    now, policy = utcnow(), ReminderSettings().policy()
    with runtime.sessions() as db:
        return notifications.anything_due(db=db, now=now, policy=policy,
                                          link_base=runtime.public_url,
                                          mail=MailSettings().enabled) or bool(
            expiry.pending(db=db, now=now, policy=policy))
