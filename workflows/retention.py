"""The retention flow: warn about untouched drafts, purge what is due, delete the objects left."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.tasks import exponential_backoff
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dossier.db import transaction, utcnow
from dossier.services import retention
from workflows.mail import MailSettings, send_pending
from workflows.reminders import ReminderSettings, send_emails
from workflows.runtime import Runtime, get_runtime


class RetentionSettings(BaseSettings):
    """DRAFT_WARN_DAYS, DRAFT_PURGE_DAYS (after the warning) and CLOSED_RETENTION_MONTHS."""

    model_config = SettingsConfigDict(extra="ignore")

    draft_warn_days: int = Field(180, ge=1, le=3650)
    draft_purge_days: int = Field(30, ge=1, le=365)
    closed_retention_months: int = Field(36, ge=1, le=240)

    def policy(self) -> retention.Policy:
        """The domain's retention policy."""
        return retention.Policy(draft_warn_days=self.draft_warn_days,
                                draft_purge_days=self.draft_purge_days,
                                closed_months=self.closed_retention_months)


@task(name="warn-inactive-drafts")
def warn_drafts() -> int:
    """Notify the founders of drafts untouched for too long, in one transaction."""
    runtime = get_runtime()
    with transaction(runtime.sessions) as db:
        return len(retention.warn_drafts(db=db, now=utcnow(), policy=RetentionSettings().policy()))


@task(name="purge-dossiers")
def purge_dossiers() -> list[str]:
    """Purge the dossiers due now (one transaction each); their ids."""
    runtime = get_runtime()
    purged = retention.purge_due(sessions=runtime.sessions, now=utcnow(),
                                 policy=RetentionSettings().policy(), siren_key=runtime.secret)
    return [str(dossier_id) for dossier_id, _ in purged]


@task(name="delete-stored-objects", retries=3, retry_delay_seconds=exponential_backoff(10),
      retry_jitter_factor=0.5)
def delete_objects() -> int:
    """Delete the stored objects purged dossiers left (store I/O: the retried step)."""
    runtime = get_runtime()
    return retention.delete_pending_objects(sessions=runtime.sessions, store=runtime.store,
                                            now=utcnow())


@flow(name="retention")
def retention_flow() -> dict[str, int]:
    """Warn, purge, delete objects, then e-mail the warnings (if SMTP_HOST is set)."""
    warned = warn_drafts()
    purged = purge_dossiers()
    deleted = delete_objects()
    emailed = send_emails().get("emailed", 0) if MailSettings().enabled else 0
    return {"warned": warned, "purged": len(purged), "objects_deleted": deleted,
            "emailed": emailed}


def retention_due(runtime: Runtime) -> bool:
    """Whether a run would do anything: the dispatcher's cheap check before starting one."""
    now, policy = utcnow(), RetentionSettings().policy()
    with runtime.sessions() as db:
        return bool(retention.drafts_to_warn(db=db, now=now, policy=policy)
                    or retention.due_for_purge(db=db, now=now, policy=policy)
                    or retention.pending_stubs(db=db, limit=1))


def run_once(runtime: Runtime, *, now: datetime | None = None, dry_run: bool = False,
             policy: retention.Policy | None = None) -> retention.RunReport:
    """The flow's work without Prefect (the CLI): warn, purge, delete objects, e-mail."""
    report = retention.run(sessions=runtime.sessions, store=runtime.store, now=now or utcnow(),
                           policy=policy or RetentionSettings().policy(),
                           siren_key=runtime.secret,
                           dry_run=dry_run)
    mail = MailSettings()
    if not dry_run and report.warned and mail.enabled:
        send_pending(runtime, mail, policy=ReminderSettings().policy())
    return report
