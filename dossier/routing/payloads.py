"""What each reviewer event carries (api-v1.md), validated with Pydantic."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from dossier.catalogue import lazy_pgettext as _p
from dossier.money import Percent, PositiveMoney
from dossier.schema.enums import Instrument
from dossier.schema.types import (
    LongText,
    Months,
    PartnerCode,
    PastDate,
    date_input,
    text,
)
from dossier.words import Words, declare

Comment = text(5_000, multiline=True)
Short = text(120)


class RequestKind(StrEnum):
    """Why a reviewer asks for information (typed correction requests)."""

    missing_document = "missing_document"
    incorrect = "incorrect"
    outdated = "outdated"
    question = "question"


REQUEST_KIND_LABELS = declare(RequestKind, {
    RequestKind.missing_document: Words(_p("request_kind", "Missing document")),
    RequestKind.incorrect: Words(_p("request_kind", "Incorrect information")),
    RequestKind.outdated: Words(_p("request_kind", "Outdated document")),
    RequestKind.question: Words(_p("request_kind", "Question")),
})


class DeclineReason(StrEnum):
    """Why a partner declines."""

    out_of_scope = "out_of_scope"
    too_early = "too_early"
    insufficient_equity = "insufficient_equity"
    risk_profile = "risk_profile"
    incomplete = "incomplete"
    other = "other"


# The partner's reviewer speaks of its own scope; the founder reads about the partner's.
DECLINE_REASON_LABELS = declare(DeclineReason, {
    DeclineReason.out_of_scope: Words(_p("decline_reason", "Outside the partner's scope"),
                                      reviewer=_p("decline_reason/reviewer", "Out of scope")),
    DeclineReason.too_early: Words(_p("decline_reason", "Too early")),
    DeclineReason.insufficient_equity: Words(_p("decline_reason", "Insufficient equity")),
    DeclineReason.risk_profile: Words(_p("decline_reason", "Risk profile")),
    DeclineReason.incomplete: Words(_p("decline_reason", "Incomplete dossier")),
    DeclineReason.other: Words(_p("decline_reason", "Other reason")),
})


class Recommendation(StrEnum):
    """What a reviewer proposes to the partner's committee."""

    approve = "approve"
    decline = "decline"


RECOMMENDATION_LABELS = declare(Recommendation, {
    Recommendation.approve: Words(_p("recommendation", "Approve")),
    Recommendation.decline: Words(_p("recommendation", "Decline")),
})


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NoPayload(_Payload):
    """opened, in_review."""

    type: Literal["opened", "in_review"]
    comment: Comment | None = None


class InfoRequest(_Payload):
    """info_requested: a typed request to the founder."""

    type: Literal["info_requested"]
    request_kind: RequestKind
    message: LongText
    fields: list[Short] = Field(default_factory=list, max_length=50)
    attachment_kinds: list[Short] = Field(default_factory=list, max_length=20)
    # One document of the version the partner received, to be replaced (an outdated Kbis).
    attachment_id: Short | None = None


class Condition(_Payload):
    """An approval that holds only if another partner approves (at least an amount)."""

    partner: PartnerCode
    min_amount_eur: PositiveMoney | None = None


class Approval(_Payload):
    """approved: the terms of the decision."""

    type: Literal["approved"]
    instrument: Instrument
    amount_eur: PositiveMoney | None = None
    rate_pct: Percent | None = None
    duration_months: Months | None = None
    conditions: Comment | None = None
    conditional_on: list[Condition] = Field(default_factory=list, max_length=10)
    minutes: Comment | None = None  # a committee's decision: its minutes (the partner's)


class Decline(_Payload):
    """declined: the reason and a comment."""

    type: Literal["declined"]
    reason: DeclineReason
    comment: Comment | None = None
    minutes: Comment | None = None  # a committee's decision: its minutes (the partner's)


class Recommend(_Payload):
    """recommended: the reviewer's proposal to the committee, the terms, the committee's day."""

    type: Literal["recommended"]
    recommendation: Recommendation
    instrument: Instrument | None = None
    amount_eur: PositiveMoney | None = None
    rate_pct: Percent | None = None
    duration_months: Months | None = None
    conditions: Comment | None = None
    reason: DeclineReason | None = None  # the reason proposed for declining
    comment: Comment | None = None  # the reviewer's opinion, for the committee
    committee_date: Annotated[date, BeforeValidator(date_input)]


class Revision(_Payload):
    """revised: a decision taken again, within the revision window, for a reason."""

    type: Literal["revised"]
    reason: LongText
    decision: Approval | Decline = Field(discriminator="type")


class DisbursementIn(_Payload):
    """A tranche paid out on an accepted offer."""

    amount_eur: PositiveMoney
    date: PastDate
    label: Short | None = None


class MessageIn(_Payload):
    """A message on a route, with optional attachment ids of the dossier."""

    body: LongText
    attachment_ids: list[Short] = Field(default_factory=list, max_length=10)


EVENT_PAYLOADS: dict[str, type[_Payload]] = {
    "opened": NoPayload, "in_review": NoPayload, "info_requested": InfoRequest,
    "approved": Approval, "declined": Decline, "revised": Revision, "recommended": Recommend,
}
