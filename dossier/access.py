"""The one gate: may this user do this action to this dossier or route (one policy table)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from dossier.errors import Forbidden, NotFound, Unauthorized
from dossier.models import Dossier, Partner, Role, Route, User
from dossier.routing.machine import VISIBLE_TO_PARTNER, State
from dossier.services.ids import parse_id


class Action(StrEnum):
    """What a caller does; the object's state beyond visibility is the services' and the
    route machine's to judge (a 409)."""

    # a founder's dossier
    read_dossier = "read_dossier"  # content, PDF, documents, eligibility, access log
    # the wizard (and its company look-up), PUT, the founder's pages of their dossier
    edit_dossier = "edit_dossier"
    submit_dossier = "submit_dossier"
    choose_partners = "choose_partners"
    upload_attachment = "upload_attachment"
    delete_attachment = "delete_attachment"
    # one partner's route
    read_route = "read_route"  # detail, events, messages
    download = "download"  # the route's PDF and the attachments the partner received
    open_route = "open_route"  # reading it as its partner: `opened`, marked read
    review = "review"  # any reviewer event of the machine (start, ask, decide)
    ask_info = "ask_info"
    decide = "decide"
    withdraw = "withdraw"
    accept_offer = "accept_offer"  # the founder takes an approved offer
    disburse = "disburse"  # the partner records a tranche paid out
    open_mediation = "open_mediation"  # a bank's refusal taken to the Médiation du crédit
    write_message = "write_message"
    write_note = "write_note"  # internal notes and assignment, within the partner
    ask_opinion = "ask_opinion"  # invite an outside expert, read and revoke the partner's asks
    give_opinion = "give_opinion"  # the invited expert answers (its one route, until its date)
    # one partner
    committees = "committees"  # its committee: the sessions, planning one, who sits on it
    # the people of a dossier
    manage_members = "manage_members"  # invite a co-founder, remove one, hand the dossier over
    leave_dossier = "leave_dossier"  # a co-founder stops working on a dossier
    # no object: an area of the product
    create_dossier = "create_dossier"
    erase_account = "erase_account"
    founder_pages = "founder_pages"
    inbox = "inbox"
    reviewer_pages = "reviewer_pages"
    pipeline = "pipeline"
    exports = "exports"
    partner_catalogue = "partner_catalogue"
    staff_pages = "staff_pages"
    registry_lookup = "registry_lookup"  # the company registry's facts for a SIREN/SIRET


class Relation(StrEnum):
    """Who the caller is to the object."""

    anonymous = "anonymous"
    owner = "owner"  # the founder who owns the dossier
    member = "member"  # a co-founder the owner invited: reads, edits, uploads, answers
    founder = "founder"  # another founder
    partner_reviewer = "partner_reviewer"  # a reviewer of the route's (or the) partner
    reviewer = "reviewer"  # a reviewer of another partner
    staff = "staff"
    expert = "expert"  # an expert a reviewer invited, to the one route of the invitation


EXPERT = "expert"  # the role an invited expert reads under (no account: a signed link)


@dataclass(frozen=True)
class Expert:
    """A caller without an account: the expert of one opinion (dossier.services.opinions),
    whose e-mailed link names one route and the version it may read."""

    opinion_id: uuid.UUID
    email: str
    partner_code: str  # the partner whose reviewer invited the expert
    route_id: uuid.UUID
    version: int
    role: str = EXPERT


class Rule(StrEnum):
    """A cell of the table."""

    allow = "allow"
    hidden = "hidden"  # 404, exactly as for an id that does not exist
    forbidden = "forbidden"  # 403: a role that never does this, whatever the object
    login = "login"  # 401 on the API, the login page for a page
    delivered = "delivered"  # allowed while the route is visible to its partner, else hidden


RELATIONS = tuple(Relation)
A, H, F, L, V = Rule.allow, Rule.hidden, Rule.forbidden, Rule.login, Rule.delivered
_FOUNDER_OWN = (L, A, A, H, F, F, F, F)  # the owner and the co-founders work on the dossier
_OWNER_ONLY = (L, A, F, H, F, F, F, F)  # engages the company: the owner alone
_REVIEWER_OWN = (L, F, F, H, V, H, F, F)
_FOUNDERS, _REVIEWERS = (L, A, A, A, F, F, F, F), (L, F, F, F, A, A, F, F)
_STAFF = (L, F, F, F, F, F, A, F)

# Columns: anonymous, owner, member, founder, partner_reviewer, reviewer, staff, expert.
# An expert reads its route's version while the route is its partner's (a withdrawal ends
# it); the invitation's date and revocation are dossier.services.opinions' to judge (409).
POLICY: dict[Action, tuple[Rule, ...]] = {
    Action.read_dossier: (L, A, A, H, H, H, A, F),  # reviewers read through their routes
    Action.edit_dossier: _FOUNDER_OWN,
    Action.submit_dossier: _OWNER_ONLY,
    Action.choose_partners: _OWNER_ONLY,
    Action.upload_attachment: _FOUNDER_OWN,
    Action.delete_attachment: _FOUNDER_OWN,
    Action.read_route: (L, A, A, H, V, H, A, V),
    Action.download: (L, A, A, H, V, H, A, V),
    Action.open_route: _REVIEWER_OWN,
    Action.review: _REVIEWER_OWN,
    Action.ask_info: _REVIEWER_OWN,
    Action.decide: _REVIEWER_OWN,
    Action.withdraw: _OWNER_ONLY,
    Action.accept_offer: _OWNER_ONLY,
    Action.disburse: _REVIEWER_OWN,
    Action.open_mediation: _OWNER_ONLY,
    Action.write_message: (L, A, A, H, V, H, F, F),
    Action.write_note: _REVIEWER_OWN,
    # Opinions are the partner's own, as its notes are: never the founder's nor staff's.
    Action.ask_opinion: _REVIEWER_OWN,
    Action.give_opinion: (L, F, F, F, F, F, F, V),
    Action.committees: (L, F, F, F, A, H, A, F),
    Action.manage_members: _OWNER_ONLY,
    Action.leave_dossier: (L, F, A, H, F, F, F, F),
    Action.create_dossier: _FOUNDERS,
    Action.erase_account: _FOUNDERS,
    Action.founder_pages: _FOUNDERS,
    Action.inbox: _REVIEWERS,
    Action.reviewer_pages: _REVIEWERS,
    Action.pipeline: _STAFF,
    Action.exports: _STAFF,
    Action.partner_catalogue: _STAFF,
    Action.staff_pages: _STAFF,
    Action.registry_lookup: (L, A, A, A, F, F, A, F),
}
ROUTE_ACTIONS = frozenset({Action.read_route, Action.download, Action.open_route, Action.review,
                           Action.ask_info, Action.decide, Action.withdraw,
                           Action.accept_offer, Action.disburse, Action.open_mediation,
                           Action.write_message, Action.write_note, Action.ask_opinion,
                           Action.give_opinion})
PARTNER_ACTIONS = frozenset({Action.committees})
Caller = User | Expert | None


def relation(user: Caller, *, dossier: Dossier | None = None,
             route: Route | None = None, partner: str | None = None) -> Relation:
    """Who `user` is to the route, the dossier or the partner (a code)."""
    if user is None:
        return Relation.anonymous
    if isinstance(user, Expert):
        # To anything but the route of its invitation, an expert's link is no credential.
        return (Relation.expert if route is not None and route.id == user.route_id
                else Relation.anonymous)
    if user.role == Role.staff:
        return Relation.staff
    if user.role == Role.founder:
        return _founder_relation(user, dossier or (route.dossier if route is not None else None))
    target = route.partner_code if route is not None else partner
    if user.role == Role.reviewer and target is not None and target == user.partner_code:
        return Relation.partner_reviewer
    return Relation.reviewer  # reviewers reach a dossier through their routes only


def _founder_relation(user: User, dossier: Dossier | None) -> Relation:
    if dossier is None:
        return Relation.founder
    if dossier.owner_id == user.id:
        return Relation.owner
    if any(m.user_id == user.id for m in dossier.members):
        return Relation.member
    return Relation.founder


# The relations a role may have to an object: the role's own answer is theirs when they agree.
ROLE_RELATIONS = {None: (Relation.anonymous,),
                  Role.founder: (Relation.owner, Relation.member, Relation.founder),
                  Role.reviewer: (Relation.partner_reviewer, Relation.reviewer),
                  Role.staff: (Relation.staff,), EXPERT: (Relation.expert,)}


def rule(action: Action, who: Relation, state: State | str | None = None) -> Rule:
    """The table's cell, the route's state applied (no state: the best case)."""
    cell = POLICY[action][RELATIONS.index(who)]
    if cell == Rule.delivered:
        return Rule.allow if state is None or State(state) in VISIBLE_TO_PARTNER else Rule.hidden
    return cell


def role_answer(user: Caller, action: Action) -> Rule | None:
    """The answer for the user's role whatever the object, if every relation of the role
    gets the same one: then a refusal does not depend on whether an id exists."""
    role = user.role if user is not None else None
    cells = {rule(action, who) for who in ROLE_RELATIONS.get(role, (Relation.reviewer,))}
    return cells.pop() if len(cells) == 1 else None


def decide(user: Caller, action: Action, *, dossier: Dossier | None = None,
           route: Route | None = None, partner: str | None = None) -> Rule:
    """May `user` do `action` to this object? Without an object: in this area, or (for an
    object action) whether the role alone already refuses."""
    if dossier is None and route is None and partner is None:
        return role_answer(user, action) or Rule.allow
    who = relation(user, dossier=dossier, route=route, partner=partner)
    return rule(action, who, route.state if route is not None else None)


def allows(user: Caller, action: Action, *, dossier: Dossier | None = None,
           route: Route | None = None, partner: str | None = None) -> bool:
    """Whether the table lets `user` do `action`."""
    return decide(user, action, dossier=dossier, route=route, partner=partner) == Rule.allow


def require(user: Caller, action: Action, *, dossier: Dossier | None = None,
            route: Route | None = None, partner: str | None = None) -> None:
    """Raise the refusal the table gives: 401, 403 or a 404 naming the object."""
    answer = decide(user, action, dossier=dossier, route=route, partner=partner)
    if answer == Rule.login:
        raise Unauthorized("not_authenticated")
    if answer == Rule.forbidden:
        raise Forbidden("role_forbidden", {"role": user.role if user else None})
    if answer == Rule.hidden:
        raise NotFound("partner_not_found" if partner is not None else "route_not_found"
                       if route is not None or action in ROUTE_ACTIONS else "dossier_not_found")


def load_dossier(*, db: Session, dossier_id: uuid.UUID | str, user: User,
                 action: Action) -> Dossier:
    """The dossier once the table allows `action`; NotFound for what the caller may not see."""
    return _load(db, Dossier, dossier_id, user, action)


def load_route(*, db: Session, route_id: uuid.UUID | str, user: User | Expert,
               action: Action) -> Route:
    """The route once the table allows `action`; NotFound for what the caller may not see."""
    return _load(db, Route, route_id, user, action)


def load_partner(*, db: Session, code: str, user: User, action: Action) -> Partner:
    """The partner once the table allows `action` on it; NotFound for an unknown one, as for
    another partner's (a reviewer of another partner)."""
    require(user, action)
    partner = db.get(Partner, code) if isinstance(code, str) and len(code) <= 40 else None
    if partner is None or not partner.active:
        raise NotFound("partner_not_found")
    require(user, action, partner=partner.code)
    return partner


def _load(db: Session, model: type[Any], object_id: uuid.UUID | str, user: User | Expert,
          action: Action) -> Any:
    """The role's own answer first (a 403 must not depend on whether the id exists), then the
    object's; a missing object is the same 404 as a hidden one."""
    require(user, action)
    gone = "route_not_found" if model is Route else "dossier_not_found"
    row = db.get(model, parse_id(object_id, gone))
    if row is None:
        raise NotFound(gone)
    require(user, action, **{"route" if model is Route else "dossier": row})
    return row
