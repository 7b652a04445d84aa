"""The route state machine, declared once as data: states, transitions, who may fire each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from dossier.catalogue import _l
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
    committee = "committee"  # recommended to the partner's committee, which decides
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
    State.committee: Words(_p("state", "In committee"),
                           founder=_p("state/founder", "Before the committee")),
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
    committee = "committee"  # a reviewer of the partner who sits on its committee


# Who is also someone else: a committee member is a reviewer of the partner too.
ALSO_ACTS_AS: dict[Actor, frozenset[Actor]] = {Actor.committee: frozenset({Actor.reviewer})}

OPEN_STATES = frozenset({State.queued, State.delivery_failed, State.delivered, State.opened,
                         State.in_review, State.info_requested, State.committee})
GRANTED_STATES = frozenset({State.approved, State.accepted})  # the partner said yes
DECIDED_STATES = GRANTED_STATES | {State.declined}
CLOSED_STATES = DECIDED_STATES | {State.withdrawn}
VISIBLE_TO_PARTNER = frozenset({State.delivered, State.opened, State.in_review,
                                State.info_requested, State.committee}) | DECIDED_STATES


@dataclass(frozen=True)
class Transition:
    """An event type: the states it may leave, the state it reaches, who may fire it."""

    event: str
    sources: frozenset[State | None]  # None: a route not yet created (its first event)
    target: State | None  # None: an event that does not change the state
    actors: frozenset[Actor]
    chosen: frozenset[State] = frozenset()  # the targets an event's payload chooses among
    # Sources from which other actors fire it (a committee's decision is its members' alone).
    actors_from: Mapping[State, frozenset[Actor]] = field(default_factory=dict, hash=False)

    def actors_for(self, source: State | None) -> frozenset[Actor]:
        """Who may fire it from `source`."""
        return self.actors_from.get(source, self.actors) if source else self.actors

    @property
    def any_actor(self) -> frozenset[Actor]:
        """Who may fire it from some source."""
        return self.actors.union(*self.actors_from.values())


def _t(event: str, sources: set[State | None], target: State | None, *actors: Actor,
       chosen: frozenset[State] = frozenset(),
       only: Mapping[State, set[Actor]] | None = None) -> Transition:
    return Transition(event, frozenset(sources), target, frozenset(actors), chosen,
                      {state: frozenset(who) for state, who in (only or {}).items()})


COMMITTEE_DECIDES = {State.committee: {Actor.committee}}


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
    _t("recommended", {State.opened, State.in_review, State.info_requested}, State.committee,
       Actor.reviewer),
    _t("approved", {State.delivered, State.opened, State.in_review, State.info_requested,
                    State.committee}, State.approved, Actor.reviewer, only=COMMITTEE_DECIDES),
    _t("declined", {State.delivered, State.opened, State.in_review, State.info_requested,
                    State.committee}, State.declined, Actor.reviewer, only=COMMITTEE_DECIDES),
    _t("accepted", {State.approved}, State.accepted, Actor.founder),
    _t("disbursed", {State.accepted}, None, Actor.reviewer),
    # a decision revised within the revision window: the payload's decision picks the state
    _t("revised", {State.approved, State.declined}, None, Actor.reviewer,
       chosen=frozenset({State.approved, State.declined})),
    _t("withdrawn", set(OPEN_STATES), State.withdrawn, Actor.founder),
    _t("updated", {State.delivered, State.opened, State.in_review, State.info_requested,
                   State.committee}, None, Actor.system),
    _t("message", set(VISIBLE_TO_PARTNER), None, Actor.reviewer, Actor.founder),
)}

# What each event reads as in a route's history: the partner's side by default, the
# founder's own words where they read it as their side of the story ("You answered").
EVENT_LABELS: dict[str, Words] = {
    "submitted": Words(_l("Dossier submitted"),
                        founder=_l("Dossier submitted (version {version})")),
    "delivered": Words(_l("Dossier received (version {version})"),
                        founder=_l("Dossier delivered to the partner")),
    "delivery_failed": Words(_l("Delivery failed"),
                              founder=_l("Delivery failed; retried automatically")),
    "opened": Words(_l("Dossier opened"),
                     founder=_l("Dossier opened by the partner")),
    "in_review": Words(_l("Review started"),
                        founder=_l("Dossier in review")),
    "info_requested": Words(_p("event", "Information requested"),
                             founder=_p("event/founder", "Information requested")),
    "info_answered": Words(_l("The founder answered"),
                            founder=_l("You answered the request")),
    "recommended": Words(_l("Recommended to the committee"),
                          founder=_l("Dossier put before the partner's committee")),
    "approved": Words(_p("event", "Approved"),
                       founder=_l("Funding approved")),
    "declined": Words(_p("event", "Declined"),
                       founder=_l("Request declined")),
    "withdrawn": Words(_l("Withdrawn by the founder"),
                        founder=_l("You withdrew your dossier")),
    "updated": Words(_l("Dossier updated (version {version})"),
                      founder=_l("Update sent (version {version})")),
    "message": Words(_l("Message")),
    "revised": Words(_l("Decision revised")),
    "accepted": Words(_l("Offer accepted by the founder"),
                       founder=_l("You accepted the offer")),
    "disbursed": Words(_l("Payment recorded"),
                        founder=_l("Payment received")),
}
_unworded = set(TRANSITIONS) - set(EVENT_LABELS)
if _unworded:
    raise ValueError(f"events without words: {sorted(_unworded)}")

REVIEWER_EVENTS = ("opened", "in_review", "info_requested", "recommended", "approved",
                   "declined")
DECISION_EVENTS = frozenset({"approved", "declined"})  # the events that decide a route


def transition_for(event: str) -> Transition | None:
    """The declared transition of an event type, if any."""
    return TRANSITIONS.get(event)


def acting_as(actor: Actor | str) -> frozenset[Actor]:
    """The actor and whoever else it also is."""
    return frozenset({Actor(actor)}) | ALSO_ACTS_AS.get(Actor(actor), frozenset())


def check(event: str, state: State | str | None, actor: Actor | str,
          chosen: State | str | None = None) -> State | None:
    """The next state (`state` None: a route being created; `chosen`: the target the payload
    of a choosing event names), or why the transition is illegal."""
    transition = _allowed(event, state, actor)
    if transition.chosen:
        if chosen is None or State(chosen) not in transition.chosen:
            raise IllegalTransition("event_target_unknown", event=event, state=str(state))
        return State(chosen)
    return transition.target


def _allowed(event: str, state: State | str | None, actor: Actor | str) -> Transition:
    """The event's transition if `actor` may fire it from `state`, or why not."""
    transition = TRANSITIONS.get(event)
    if transition is None:
        raise IllegalTransition("event_unknown", event=event, state=str(state))
    who = acting_as(actor)
    if not who & transition.any_actor:
        raise IllegalTransition("event_not_for_role", event=event, state=str(state),
                                actor=str(actor))
    source = State(state) if state is not None else None
    if source not in transition.sources:
        raise IllegalTransition("event_not_from_state", event=event, state=str(state))
    if not who & transition.actors_for(source):
        raise IllegalTransition("event_not_for_role_in_state", event=event, state=str(state),
                                actor=str(actor))
    return transition


def permits(event: str, state: State | str | None, actor: Actor | str) -> bool:
    """Whether `actor` may fire `event` from `state` (whatever a choosing event chooses)."""
    try:
        _allowed(event, state, actor)
    except IllegalTransition:
        return False
    return True


class IllegalTransition(Exception):
    """The event does not fit the route's state or the actor's role."""

    def __init__(self, code: str, **ctx: str):
        self.code, self.ctx = code, ctx
        super().__init__(code)
