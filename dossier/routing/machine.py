"""The route state machine, declared once as data: states, transitions, who may fire each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dossier.catalogue import lazy_pgettext as _p
from dossier.words import Words, declare


class State(StrEnum):
    """Where one partner stands with one dossier."""

    queued = "queued"
    delivery_failed = "delivery_failed"
    delivered = "delivered"
    opened = "opened"
    in_review = "in_review"
    info_requested = "info_requested"
    approved = "approved"
    accepted = "accepted"  # the founder took the approved offer
    declined = "declined"
    withdrawn = "withdrawn"


# One word per state and audience: reviewers "approve" (their button says so), founders and
# staff read that funding was granted ("Accordé").
STATE_LABELS = declare(State, {
    State.queued: Words(_p("state", "Waiting to be sent"),
                        founder=_p("state/founder", "Being sent")),
    State.delivery_failed: Words(_p("state", "Delivery failed"),
                                 founder=_p("state/founder", "Delivery being retried")),
    State.delivered: Words(_p("state", "Received"),
                           founder=_p("state/founder", "Delivered"),
                           staff=_p("state/staff", "Delivered")),
    State.opened: Words(_p("state", "Opened")),
    State.in_review: Words(_p("state", "In review"),
                           founder=_p("state/founder", "In review")),
    State.info_requested: Words(_p("state", "Information requested"),
                                founder=_p("state/founder", "Information requested"),
                                staff=_p("state/staff", "Information requested")),
    State.approved: Words(_p("state", "Approved"),
                          reviewer=_p("state/reviewer", "Approved")),
    State.accepted: Words(_p("state", "Offer accepted"),
                          founder=_p("state/founder", "Offer accepted")),
    State.declined: Words(_p("state", "Declined")),
    State.withdrawn: Words(_p("state", "Withdrawn")),
})


class RouteKind(StrEnum):
    """What a route carries: a funding request, or a refusal taken to the credit mediator."""

    funding = "funding"
    mediation = "mediation"


ROUTE_KIND_LABELS = declare(RouteKind, {
    RouteKind.funding: Words(_p("route_kind", "Funding request")),
    RouteKind.mediation: Words(_p("route_kind", "Credit mediation referral")),
})


class Actor(StrEnum):
    """Who fires a transition."""

    system = "system"
    reviewer = "reviewer"
    founder = "founder"


OPEN_STATES = frozenset({State.queued, State.delivery_failed, State.delivered, State.opened,
                         State.in_review, State.info_requested})
GRANTED_STATES = frozenset({State.approved, State.accepted})  # the partner said yes
DECIDED_STATES = GRANTED_STATES | {State.declined}
CLOSED_STATES = DECIDED_STATES | {State.withdrawn}
VISIBLE_TO_PARTNER = frozenset({State.delivered, State.opened, State.in_review,
                                State.info_requested}) | DECIDED_STATES


@dataclass(frozen=True)
class Transition:
    """An event type: the states it may leave, the state it reaches, who may fire it."""

    event: str
    sources: frozenset[State | None]  # None: a route not yet created (its first event)
    target: State | None  # None: an event that does not change the state
    actors: frozenset[Actor]
    chosen: frozenset[State] = frozenset()  # the targets an event's payload chooses among


def _t(event: str, sources: set[State | None], target: State | None, *actors: Actor,
       chosen: frozenset[State] = frozenset()) -> Transition:
    return Transition(event, frozenset(sources), target, frozenset(actors), chosen)


TRANSITIONS: dict[str, Transition] = {t.event: t for t in (
    _t("submitted", {None}, State.queued, Actor.founder),
    _t("delivered", {State.queued, State.delivery_failed}, State.delivered, Actor.system),
    _t("delivery_failed", {State.queued, State.delivery_failed}, State.delivery_failed,
       Actor.system),
    _t("opened", {State.delivered}, State.opened, Actor.reviewer),
    _t("in_review", {State.delivered, State.opened}, State.in_review, Actor.reviewer),
    _t("info_requested", {State.delivered, State.opened, State.in_review},
       State.info_requested, Actor.reviewer),
    _t("info_answered", {State.info_requested}, State.in_review, Actor.founder),
    _t("approved", {State.delivered, State.opened, State.in_review, State.info_requested},
       State.approved, Actor.reviewer),
    _t("declined", {State.delivered, State.opened, State.in_review, State.info_requested},
       State.declined, Actor.reviewer),
    _t("accepted", {State.approved}, State.accepted, Actor.founder),
    _t("disbursed", {State.accepted}, None, Actor.reviewer),
    # a decision revised within the revision window: the payload's decision picks the state
    _t("revised", {State.approved, State.declined}, None, Actor.reviewer,
       chosen=frozenset({State.approved, State.declined})),
    _t("withdrawn", set(OPEN_STATES), State.withdrawn, Actor.founder),
    _t("updated", {State.delivered, State.opened, State.in_review, State.info_requested},
       None, Actor.system),
    _t("message", set(VISIBLE_TO_PARTNER), None, Actor.reviewer, Actor.founder),
)}

REVIEWER_EVENTS = ("opened", "in_review", "info_requested", "approved", "declined")
DECISION_EVENTS = frozenset({"approved", "declined"})  # the events that decide a route


def transition_for(event: str) -> Transition | None:
    """The declared transition of an event type, if any."""
    return TRANSITIONS.get(event)


def check(event: str, state: State | str | None, actor: Actor | str,
          chosen: State | str | None = None) -> State | None:
    """The next state (`state` None: a route being created; `chosen`: the target the payload
    of a choosing event names), or why the transition is illegal."""
    transition = TRANSITIONS.get(event)
    if transition is None:
        raise IllegalTransition("event_unknown", event=event, state=str(state))
    if Actor(actor) not in transition.actors:
        raise IllegalTransition("event_not_for_role", event=event, state=str(state),
                                actor=str(actor))
    if (State(state) if state is not None else None) not in transition.sources:
        raise IllegalTransition("event_not_from_state", event=event, state=str(state))
    if transition.chosen:
        if chosen is None or State(chosen) not in transition.chosen:
            raise IllegalTransition("event_target_unknown", event=event, state=str(state))
        return State(chosen)
    return transition.target


class IllegalTransition(Exception):
    """The event does not fit the route's state or the actor's role."""

    def __init__(self, code: str, **ctx: str):
        self.code, self.ctx = code, ctx
        super().__init__(code)
