"""Committees in the domain: the route machine's committee state and who fires what from it,
a partner's committee rule, the amount at stake, the invitation file, the date in words."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from dossier.calendar import Meeting, Person, invitation
from dossier.formatting import format_appointment
from dossier.routing.machine import (
    OPEN_STATES,
    TRANSITIONS,
    VISIBLE_TO_PARTNER,
    Actor,
    IllegalTransition,
    State,
    acting_as,
    check,
    permits,
)
from dossier.services.committees import (
    amount_at_stake,
    decision_of,
    for_founder,
    required_for,
    rule_of,
)


def test_a_recommendation_puts_the_route_in_committee():
    for source in (State.opened, State.in_review, State.info_requested):
        assert check("recommended", source, Actor.reviewer) == State.committee
    assert check("recommended", State.in_review, Actor.committee) == State.committee
    with pytest.raises(IllegalTransition) as refused:
        check("recommended", State.approved, Actor.reviewer)
    assert refused.value.code == "event_not_from_state"
    with pytest.raises(IllegalTransition) as founder:
        check("recommended", State.in_review, Actor.founder)
    assert founder.value.code == "event_not_for_role"


def test_only_a_committee_member_decides_from_committee():
    for event, target in (("approved", State.approved), ("declined", State.declined)):
        assert check(event, State.committee, Actor.committee) == target
        with pytest.raises(IllegalTransition) as refused:
            check(event, State.committee, Actor.reviewer)
        assert refused.value.code == "event_not_for_role_in_state"
        # elsewhere, a member decides as the reviewer they also are
        assert check(event, State.in_review, Actor.committee) == target
        assert permits(event, State.in_review, Actor.reviewer)
    assert acting_as(Actor.committee) == {Actor.committee, Actor.reviewer}
    assert acting_as(Actor.reviewer) == {Actor.reviewer}


def test_a_route_in_committee_is_open_visible_and_amendable():
    assert State.committee in OPEN_STATES and State.committee in VISIBLE_TO_PARTNER
    for event, actor in (("withdrawn", Actor.founder), ("updated", Actor.system),
                         ("message", Actor.founder), ("message", Actor.reviewer)):
        assert permits(event, State.committee, actor), event
    assert not permits("info_requested", State.committee, Actor.committee)
    # declared as data: the decisions' own actors, and the committee's for its state
    assert TRANSITIONS["approved"].actors_for(State.committee) == {Actor.committee}
    assert TRANSITIONS["approved"].actors_for(State.in_review) == {Actor.reviewer}


def partner(rule) -> SimpleNamespace:
    return SimpleNamespace(config={"committee": rule} if rule is not None else {})


def route(amount_cents: int | None) -> SimpleNamespace:
    return SimpleNamespace(amount_cents=amount_cents)


def test_a_partner_decides_in_committee_above_its_amount():
    above = partner({"required": True, "above_eur": "250000.00"})
    assert rule_of(above).above_eur == Decimal("250000.00")
    assert not required_for(above, route(20_000_000))  # 200 000 € requested
    assert required_for(above, route(20_000_000), {"amount_eur": "300000.00"})
    assert required_for(above, route(30_000_000), {"amount_eur": "100000.00"})
    assert not required_for(above, route(25_000_000))  # "above": not at the amount itself
    everything = partner({"required": True, "above_eur": "0.00"})
    assert required_for(everything, route(1))
    assert not required_for(everything, route(None))  # an advice request has no amount
    for none in (partner(None), partner({"required": False, "above_eur": "0"}), None):
        assert not required_for(none, route(10**12))
    assert amount_at_stake(route(None), {"amount_eur": "12.50"}) == Decimal("12.50")


def test_the_founder_never_reads_the_recommendation_nor_the_minutes():
    proposal = {"type": "recommended", "recommendation": "decline", "reason": "risk_profile",
                "comment": "Trop risqué", "amount_eur": "1.00", "committee_date": "2027-01-12"}
    assert for_founder("recommended", proposal) == {"type": "recommended",
                                                    "committee_date": "2027-01-12"}
    decision = {"type": "approved", "amount_eur": "1.00", "minutes": "Vote : 4 pour, 1 contre"}
    assert for_founder("approved", decision) == decision_of(decision) == {
        "type": "approved", "amount_eur": "1.00"}


def test_an_invitation_is_a_calendar_request_on_the_paris_clock():
    start = datetime(2027, 7, 1, 12, 30, tzinfo=UTC)  # 14:30 in Paris, summer time
    text = invitation(Meeting(
        uid="committee-1@dossier-unique", starts_at=start, minutes=45,
        summary="Comité Caisse d'Epargne CEPAC — 1 dossier", description="Ordre du jour :\nA",
        organizer=Person("cepac@demo.example", "Caisse d'Epargne CEPAC"),
        attendees=(Person("a@demo.example", "Anne"), Person("b@demo.example")),
        stamp=start, location="Marseille"))
    assert "\r\n" in text and "METHOD:REQUEST" in text
    calendar = Calendar.from_ical(text)
    [zone] = calendar.walk("VTIMEZONE")
    [event] = calendar.walk("VEVENT")
    assert zone["TZID"] == "Europe/Paris"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == datetime(2027, 7, 1, 14, 30,
                                                tzinfo=ZoneInfo("Europe/Paris"))
    assert [str(a) for a in event["ATTENDEE"]] == ["mailto:a@demo.example",
                                                   "mailto:b@demo.example"]
    assert event["ATTENDEE"][0].params["CN"] == "Anne"
    assert event["ATTENDEE"][1].params["RSVP"] == "TRUE"
    assert str(event["UID"]) == "committee-1@dossier-unique" and event["SEQUENCE"] == 0


def test_a_meeting_reads_as_an_invitation_says_it():
    winter = datetime(2027, 1, 12, 13, 30, tzinfo=UTC)
    assert format_appointment(winter) == "12 janvier 2027 à 14 h 30"
    assert format_appointment(winter.replace(minute=0)) == "12 janvier 2027 à 14 h"
    assert format_appointment(winter, "en") == "12 January 2027 at 14:30"
    assert format_appointment("2027-07-01T12:05:00+00:00") == "1 juillet 2027 à 14 h 05"
