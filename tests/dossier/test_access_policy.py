"""The policy table (dossier/access.py): one answer per action, relation and route state."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from dossier import access
from dossier.access import POLICY, RELATIONS, Action, Relation, Rule
from dossier.errors import Forbidden, NotFound, Unauthorized
from dossier.models import Role
from dossier.routing.machine import VISIBLE_TO_PARTNER, State

OWNER, MEMBER = uuid.uuid4(), uuid.uuid4()
DOSSIER = SimpleNamespace(owner_id=OWNER, members=[SimpleNamespace(user_id=MEMBER)])


def user(role: Role, *, id: uuid.UUID | None = None, partner: str | None = None):
    return SimpleNamespace(role=role, id=id or uuid.uuid4(), partner_code=partner)


def route(state: State = State.delivered, partner: str = "cepac"):
    return SimpleNamespace(partner_code=partner, state=state, dossier=DOSSIER)


def test_every_action_has_one_rule_per_relation():
    assert set(POLICY) == set(Action)
    assert all(len(cells) == len(RELATIONS) for cells in POLICY.values())
    assert all(cells[RELATIONS.index(Relation.anonymous)] == Rule.login
               for cells in POLICY.values())


def test_relations_of_users_to_a_route_and_a_dossier():
    r = route()
    assert access.relation(None, route=r) == Relation.anonymous
    assert access.relation(user(Role.founder, id=OWNER), route=r) == Relation.owner
    assert access.relation(user(Role.founder, id=MEMBER), route=r) == Relation.member
    assert access.relation(user(Role.founder, id=MEMBER), dossier=DOSSIER) == Relation.member
    assert access.relation(user(Role.founder), route=r) == Relation.founder
    assert access.relation(user(Role.reviewer, partner="cepac"), route=r) \
        == Relation.partner_reviewer
    assert access.relation(user(Role.reviewer, partner="bpmed"), route=r) == Relation.reviewer
    # Reviewers never reach a dossier but through their routes.
    assert access.relation(user(Role.reviewer, partner="cepac"), dossier=DOSSIER) \
        == Relation.reviewer
    assert access.relation(user(Role.staff), dossier=DOSSIER) == Relation.staff


@pytest.mark.parametrize("state", list(State))
def test_a_partner_sees_its_route_only_while_it_is_delivered_to_it(state):
    reviewer = user(Role.reviewer, partner="cepac")
    expected = Rule.allow if state in VISIBLE_TO_PARTNER else Rule.hidden
    for action in (Action.read_route, Action.open_route, Action.decide, Action.write_message,
                   Action.write_note, Action.download):
        assert access.decide(reviewer, action, route=route(state)) == expected, action
    # The founder and staff see the route whatever its state.
    assert access.allows(user(Role.founder, id=OWNER), Action.read_route, route=route(state))
    assert access.allows(user(Role.staff), Action.read_route, route=route(state))


def test_who_does_what_to_a_delivered_route():
    r = route()
    owner, other = user(Role.founder, id=OWNER), user(Role.founder)
    reviewer, stranger = user(Role.reviewer, partner="cepac"), user(Role.reviewer, partner="x")
    staff = user(Role.staff)
    table = {  # owner, other founder, partner's reviewer, other partner's, staff
        Action.read_route: ("allow", "hidden", "allow", "hidden", "allow"),
        Action.decide: ("forbidden", "hidden", "allow", "hidden", "forbidden"),
        Action.withdraw: ("allow", "hidden", "forbidden", "forbidden", "forbidden"),
        Action.write_message: ("allow", "hidden", "allow", "hidden", "forbidden"),
        Action.write_note: ("forbidden", "hidden", "allow", "hidden", "forbidden"),
    }
    for action, expected in table.items():
        got = tuple(access.decide(u, action, route=r).value
                    for u in (owner, other, reviewer, stranger, staff))
        assert got == expected, action


def test_the_role_answers_first_when_every_relation_of_it_agrees():
    # A reviewer never withdraws: 403 whatever route it names (ids are not probed)...
    assert access.decide(user(Role.reviewer, partner="cepac"), Action.withdraw) \
        == Rule.forbidden
    # ...while a founder's answer depends on whose route it is.
    assert access.decide(user(Role.founder), Action.decide) == Rule.allow
    assert access.decide(user(Role.staff), Action.pipeline) == Rule.allow
    assert access.decide(user(Role.founder), Action.pipeline) == Rule.forbidden
    assert access.decide(None, Action.read_dossier) == Rule.login


def test_require_raises_the_refusal_of_the_table():
    with pytest.raises(Unauthorized):
        access.require(None, Action.read_route, route=route())
    with pytest.raises(Forbidden):
        access.require(user(Role.staff), Action.decide, route=route())
    with pytest.raises(NotFound) as hidden:
        access.require(user(Role.founder), Action.read_route, route=route())
    assert hidden.value.code == "route_not_found"
    with pytest.raises(NotFound) as hidden:
        access.require(user(Role.founder), Action.edit_dossier, dossier=DOSSIER)
    assert hidden.value.code == "dossier_not_found"
    access.require(user(Role.founder, id=OWNER), Action.edit_dossier, dossier=DOSSIER)


def test_a_co_founder_works_on_the_dossier_but_does_not_engage_the_company():
    member, owner = user(Role.founder, id=MEMBER), user(Role.founder, id=OWNER)
    stranger = user(Role.founder)
    works = (Action.read_dossier, Action.edit_dossier, Action.upload_attachment,
             Action.delete_attachment)
    for action in works:
        assert access.decide(member, action, dossier=DOSSIER) == Rule.allow, action
    for action in (Action.read_route, Action.download, Action.write_message):
        assert access.decide(member, action, route=route()) == Rule.allow, action
    # Submitting, withdrawing and choosing who works on it stay the owner's.
    for action in (Action.submit_dossier, Action.choose_partners, Action.manage_members):
        assert access.decide(member, action, dossier=DOSSIER) == Rule.forbidden, action
        assert access.decide(owner, action, dossier=DOSSIER) == Rule.allow, action
        assert access.decide(stranger, action, dossier=DOSSIER) == Rule.hidden, action
    assert access.decide(member, Action.withdraw, route=route()) == Rule.forbidden
    assert access.decide(member, Action.leave_dossier, dossier=DOSSIER) == Rule.allow
    assert access.decide(owner, Action.leave_dossier, dossier=DOSSIER) == Rule.forbidden
    assert access.decide(member, Action.decide, route=route()) == Rule.forbidden


def expert_of(r, *, partner: str = "cepac") -> access.Expert:
    """The expert a reviewer of `partner` invited on route `r`."""
    return access.Expert(opinion_id=uuid.uuid4(), email="expert@cabinet.example",
                         partner_code=partner, route_id=r.id, version=1)


def test_an_expert_reads_the_one_route_of_its_invitation_and_does_nothing_else():
    own = SimpleNamespace(id=uuid.uuid4(), partner_code="cepac", state=State.in_review,
                          dossier=DOSSIER)
    other = SimpleNamespace(id=uuid.uuid4(), partner_code="cepac", state=State.in_review,
                            dossier=DOSSIER)
    expert = expert_of(own)
    assert access.relation(expert, route=own) == Relation.expert
    # Any other route or dossier: the link is no credential there.
    assert access.relation(expert, route=other) == Relation.anonymous
    assert access.relation(expert, dossier=DOSSIER) == Relation.anonymous
    allowed = {Action.read_route, Action.download, Action.give_opinion}
    for action in Action:
        expected = Rule.allow if action in allowed else Rule.forbidden
        assert access.decide(expert, action, route=own) == expected, action
        if action in allowed:  # another route: as for someone without credentials
            assert access.decide(expert, action, route=other) == Rule.login, action
    # Its areas are none: whatever the id, a 403 (ids are not probed).
    for action in (Action.read_dossier, Action.reviewer_pages, Action.open_route,
                   Action.write_message, Action.ask_opinion, Action.decide):
        assert access.decide(expert, action) == Rule.forbidden, action


@pytest.mark.parametrize("state", list(State))
def test_an_expert_reads_only_while_the_route_is_its_partners(state):
    r = SimpleNamespace(id=uuid.uuid4(), partner_code="cepac", state=state, dossier=DOSSIER)
    expected = Rule.allow if state in VISIBLE_TO_PARTNER else Rule.hidden
    for action in (Action.read_route, Action.download, Action.give_opinion):
        assert access.decide(expert_of(r), action, route=r) == expected, action


def test_opinions_are_the_partners_alone():
    r = route()
    cells = {who: access.decide(u, Action.ask_opinion, route=r).value for who, u in (
        ("owner", user(Role.founder, id=OWNER)), ("member", user(Role.founder, id=MEMBER)),
        ("partner", user(Role.reviewer, partner="cepac")),
        ("other partner", user(Role.reviewer, partner="bpmed")), ("staff", user(Role.staff)))}
    assert cells == {"owner": "forbidden", "member": "forbidden", "partner": "allow",
                     "other partner": "hidden", "staff": "forbidden"}
    # Only the invited expert gives the opinion.
    for u in (user(Role.reviewer, partner="cepac"), user(Role.founder, id=OWNER),
              user(Role.staff)):
        assert access.decide(u, Action.give_opinion, route=r) == Rule.forbidden
