"""Calendar data (RFC 5545) for sessions, and the iTIP methods (RFC 5546) the invites use.

One session is one VEVENT with the appointment's stable UID; every change raises SEQUENCE, so a
calendar replaces the old version instead of adding a second event. Times are written in UTC:
every calendar shows them in its owner's zone, and no VTIMEZONE is needed.

The organizer is the platform's own address, and both people are attendees, asked to RSVP in a
REQUEST only: neither person's calendar then treats the invite as one they sent themselves, and
a reply goes to an address that expects it.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from accounts.models import User
from mentoring.links import absolute
from pairings.selectors.agreements import partner_phone_for, phone_display
from sessions_app.models import Appointment

REQUEST = "REQUEST"  # a new or changed session
CANCEL = "CANCEL"  # the session is off
PUBLISH = "PUBLISH"  # a copy for a calendar, no reply expected
PRODID = "-//Mentoring//Sessions//EN"


def _where(appointment: Appointment, viewer: User | None) -> str:
    """The LOCATION: the link, the number, the place, or where the chat happens."""
    if appointment.mode == Appointment.Mode.VIDEO:
        return appointment.video_url
    if appointment.mode == Appointment.Mode.IN_PERSON:
        return appointment.place
    if appointment.mode == Appointment.Mode.PHONE:
        number = None
        if viewer is not None:
            number = partner_phone_for(pairing=appointment.pairing, viewer=viewer)
        if number:
            return _("Phone: %(number)s") % {"number": phone_display(number)}
        return _("Phone (the number is on the session page)")
    return _("Chat in your pairing's messages: %(url)s") % {
        "url": absolute("exchange:thread", appointment.pairing_id)
    }


def event_for(
    appointment: Appointment, *, method: str, viewer: User | None = None, stored: bool = False
) -> Event:
    """The session as a VEVENT. With `viewer` (one of the two people) the summary names their
    partner and a phone session shows the partner's number (one query more).

    `stored`: for the copy written into a person's own calendar over CalDAV (with `method`
    PUBLISH: nobody is asked to reply, and the object itself carries no METHOD). ORGANIZER and
    ATTENDEEs then say SCHEDULE-AGENT=CLIENT, so the calendar server sends no invitations of
    its own: the platform already emailed both people (RFC 6638 §7.1).

    STATUS is CANCELLED for a CANCEL message or a cancelled session, CONFIRMED otherwise.
    DTSTAMP is the session's last change, so the same version always reads the same.
    """
    cancelled = method == CANCEL or appointment.status == Appointment.Status.CANCELLED
    mentor, mentee = appointment.mentor, appointment.mentee
    if viewer is not None:
        summary = _("Mentoring session with %(partner)s") % {
            "partner": (mentee if viewer.pk == mentor.pk else mentor).name
        }
    else:
        summary = _("Mentoring session: %(mentor)s and %(mentee)s") % {
            "mentor": mentor.name,
            "mentee": mentee.name,
        }
    page = absolute("sessions_app:detail", appointment.pk)
    where = _where(appointment, viewer)
    lines = [
        _("%(mode)s: %(where)s") % {"mode": appointment.get_mode_display(), "where": where},
        _("Session page: %(url)s") % {"url": page},
    ]
    if cancelled and appointment.cancel_reason:
        lines.insert(0, _("Cancelled: %(reason)s") % {"reason": appointment.cancel_reason})
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Event.new(
        uid=appointment.uid,
        sequence=appointment.sequence,
        stamp=appointment.updated_at,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=summary,
        description="\n".join(lines),
        location=where,
        url=page,
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer=_client_scheduled(vCalAddress.new(address, cn=name or None), stored),
        attendees=[
            _client_scheduled(_attendee(person, method=method), stored)
            for person in (mentor, mentee)
        ],
    )


def _client_scheduled(address: vCalAddress, stored: bool) -> vCalAddress:
    if stored:
        address.params["SCHEDULE-AGENT"] = "CLIENT"
    return address


def _attendee(person: User, *, method: str) -> vCalAddress:
    """An ATTENDEE. Only a REQUEST asks for a reply (PARTSTAT=NEEDS-ACTION, RSVP=TRUE); a
    PUBLISH expects none (RFC 5546 §3.2.1), and a CANCEL leaves nothing to answer (§3.2.5)."""
    asked = {"partstat": "NEEDS-ACTION", "rsvp": True} if method == REQUEST else {}
    return vCalAddress.new(
        person.email, cn=person.name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT", **asked
    )


def content_type_for(method: str) -> str:
    """The MIME type of a calendar object whose METHOD is `method`: RFC 5545 §3.7.2 asks for
    the same `method=` parameter, which is how mail clients tell an invite from a copy."""
    return f"text/calendar; charset=utf-8; method={method}"


def calendar_for(events: list[Event], *, method: str | None) -> Calendar:
    """A VCALENDAR around `events`; `method` None for a subscribed feed (no iTIP method)."""
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.calscale = "GREGORIAN"
    if method is not None:
        calendar.method = method
    for event in events:
        calendar.add_component(event)
    return calendar
