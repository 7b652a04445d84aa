"""Where an expert's opinion stands (asked, given, expired, revoked), and the dates it keeps:
an expert reads and answers until the end of `expires_on`, Paris time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from dossier.catalogue import lazy_pgettext as _p
from dossier.db import utcnow
from dossier.formatting import PARIS, paris
from dossier.words import Words, declare

MAX_DAYS = 90  # how far ahead an invitation may run


class OpinionStatus(StrEnum):
    """Where one invitation stands, as the partner's reviewers see it."""

    pending = "pending"  # asked, not answered, the date not passed
    answered = "answered"
    expired = "expired"  # the date passed without an answer
    revoked = "revoked"  # the partner withdrew the invitation before an answer


OPINION_STATUS_LABELS = declare(OpinionStatus, {
    OpinionStatus.pending: Words(_p("opinion_status", "Awaiting the opinion")),
    OpinionStatus.answered: Words(_p("opinion_status", "Opinion received")),
    OpinionStatus.expired: Words(_p("opinion_status", "Expired")),
    OpinionStatus.revoked: Words(_p("opinion_status", "Revoked")),
})


class Asked(Protocol):
    """What the status reads of an invitation (an Opinion row)."""

    expires_on: date
    answered_at: datetime | None
    revoked_at: datetime | None


def today(now: datetime | None = None) -> date:
    """The day in Paris: the one an invitation's date is compared with."""
    return paris(now or utcnow()).date()


def expired(row: Asked, on: date) -> bool:
    """Whether the invitation's last day is behind `on`."""
    return row.expires_on < on


def status(row: Asked, on: date) -> OpinionStatus:
    """Where the invitation stands on the day `on`: an answer stays an answer."""
    if row.answered_at is not None:
        return OpinionStatus.answered
    if row.revoked_at is not None:
        return OpinionStatus.revoked
    return OpinionStatus.expired if expired(row, on) else OpinionStatus.pending


def ends_at(expires_on: date) -> datetime:
    """The moment an invitation stops: midnight after its last day, Paris time."""
    return datetime.combine(expires_on + timedelta(days=1), time(), tzinfo=PARIS)
