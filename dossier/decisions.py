"""What follows a partner's decision, as plain rules: conditions, revision window, leverage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from dossier.catalogue import lazy_pgettext as _p
from dossier.money import CENT, ZERO
from dossier.routing.machine import GRANTED_STATES, State
from dossier.schema.enums import Instrument
from dossier.words import Words, declare

REVISION_DAYS = 15  # DECISION_REVISION_DAYS: how long a decision may be revised
# Leverage: euros of bank loans and equity per euro of honour loans and grants (the ratio
# French honour-loan networks report, 7-8 EUR of bank credit per EUR of honour loan).
LEVERED = frozenset({Instrument.bank_loan, Instrument.equity})
LEVERS = frozenset({Instrument.honor_loan, Instrument.grant})


class ConditionStatus(StrEnum):
    """Where a condition on another partner's approval stands."""

    met = "met"
    pending = "pending"
    failed = "failed"


# A founder reads them after the condition itself: "… (au moins 150 000 €) — en attente".
CONDITION_LABELS = declare(ConditionStatus, {
    ConditionStatus.met: Words(_p("condition", "Condition met"),
                               founder=_p("condition/founder", "met")),
    ConditionStatus.pending: Words(_p("condition", "Condition pending"),
                                   founder=_p("condition/founder", "pending")),
    ConditionStatus.failed: Words(_p("condition", "Condition failed"),
                                  founder=_p("condition/founder", "not met")),
})


@dataclass(frozen=True)
class Standing:
    """What one partner said to a dossier, as the conditions of others see it."""

    state: State
    instrument: str | None
    amount: Decimal  # approved, zero unless granted


def condition_status(on: Standing | None, min_amount: Decimal | None) -> ConditionStatus:
    """A condition on a partner's approval (of at least `min_amount`, if set)."""
    if on is None or on.state in (State.declined, State.withdrawn):
        return ConditionStatus.failed
    if on.state not in GRANTED_STATES:
        return ConditionStatus.pending
    if min_amount is not None and on.amount < min_amount:
        return ConditionStatus.failed
    return ConditionStatus.met


def conditions_of(decision: Mapping | None) -> list[dict]:
    """The `conditional_on` list of a recorded approval (empty for none)."""
    return list((decision or {}).get("conditional_on") or [])


def statuses(decision: Mapping | None, standings: Mapping[str, Standing]
             ) -> dict[str, ConditionStatus]:
    """Partner code -> the status of this approval's condition on it."""
    return {c["partner"]: condition_status(
                standings.get(c["partner"]),
                Decimal(c["min_amount_eur"]) if c.get("min_amount_eur") else None)
            for c in conditions_of(decision)}


def holds(decision: Mapping | None, standings: Mapping[str, Standing]) -> ConditionStatus:
    """The approval as a whole: met when every condition is, failed when one failed."""
    found = set(statuses(decision, standings).values())
    if ConditionStatus.failed in found:
        return ConditionStatus.failed
    return ConditionStatus.pending if ConditionStatus.pending in found else ConditionStatus.met


def revisable_until(decided_at: datetime, days: int = REVISION_DAYS) -> datetime:
    """The last moment a decision taken at `decided_at` may be revised."""
    return decided_at + timedelta(days=days)


def leverage(standings: Iterable[Standing]) -> Decimal | None:
    """Euros of bank loans and equity granted per euro of honour loans and grants granted."""
    levered, levers = ZERO, ZERO
    for s in standings:
        if s.state in GRANTED_STATES and s.instrument in LEVERED:
            levered += s.amount
        elif s.state in GRANTED_STATES and s.instrument in LEVERS:
            levers += s.amount
    if not levers:
        return None
    return (levered / levers).quantize(CENT, rounding=ROUND_HALF_UP)
