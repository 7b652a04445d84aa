"""iCalendar (RFC 5545) invitations: one meeting, its organizer and attendees, Paris time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

from dossier.formatting import paris

PRODID = "-//Dossier unique de financement//Comites//FR"


@dataclass(frozen=True)
class Person:
    """Someone a meeting names: an address and, if known, a name."""

    email: str
    name: str | None = None

    def address(self, **params: str) -> vCalAddress:
        """The person as an ORGANIZER or ATTENDEE value."""
        value = vCalAddress(f"mailto:{self.email}")
        if self.name:
            value.params["CN"] = self.name
        value.params.update(params)
        return value


@dataclass(frozen=True)
class Meeting:
    """What an invitation says: a stable id, when, how long, what, who, where."""

    uid: str
    starts_at: datetime
    minutes: int
    summary: str
    description: str
    organizer: Person
    attendees: tuple[Person, ...]
    stamp: datetime
    location: str | None = None
    url: str | None = None
    sequence: int = 0


def invitation(meeting: Meeting) -> str:
    """A METHOD:REQUEST calendar holding the meeting, its start on the Paris clock (TZID
    Europe/Paris, with the VTIMEZONE that defines it)."""
    start = paris(meeting.starts_at)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.stamp)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=meeting.minutes))
    event.add("summary", meeting.summary)
    event.add("description", meeting.description)
    event.add("status", "CONFIRMED")
    event.add("organizer", meeting.organizer.address())
    for person in meeting.attendees:
        event.add("attendee", person.address(CUTYPE="INDIVIDUAL", ROLE="REQ-PARTICIPANT",
                                             PARTSTAT="NEEDS-ACTION", RSVP="TRUE"))
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.url:
        event.add("url", meeting.url)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(event)
    # The zone's rules around the meeting only, not since 1970.
    calendar.add_missing_timezones(first_date=start.date() - timedelta(days=366),
                                   last_date=start.date() + timedelta(days=366))
    return calendar.to_ical().decode("utf-8")
