"""Calendar invites: every email's calendar data parsed with icalendar and checked against
RFC 5546 (iTIP): METHOD, a stable UID, a SEQUENCE that only goes up, DTSTAMP, ORGANIZER and
ATTENDEEs (asked to RSVP in a REQUEST only), in a `text/calendar; method=…` part and an
invite.ics attachment."""

from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
import time_machine
from icalendar import Calendar

from sessions_app.ics import CANCEL, REQUEST, calendar_for, event_for
from sessions_app.services.booking import appointment_cancel, appointment_reschedule
from tests.sessions_app.test_booking import TUE_10_NY, WED_10_NY, agree, book, open_hours
from tests.sessions_app.two_parsers import parse_both

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agreed(pairing):
    open_hours(pairing.mentor)
    agree(pairing, ["video", "in_person"])
    return pairing


def calendar_parts(message) -> list[Message]:
    """The MIME parts that carry calendar data: the alternative and the attachment."""
    parts = [
        part
        for part in message.message().walk()
        if part.get_content_type() in ("text/calendar", "application/ics")
    ]
    return sorted(parts, key=lambda part: part.get_filename() is not None)


def invite_of(message) -> Calendar:
    """The calendar in the email, after checking that both copies of it say the same."""
    alternative, attachment = calendar_parts(message)
    assert alternative.get_content_type() == attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"
    assert alternative.get_param("charset") == "utf-8"
    same = alternative.get_payload(decode=True)
    assert attachment.get_payload(decode=True) == same
    calendar = parse_both(same)
    assert alternative.get_param("method") == calendar["METHOD"]
    assert attachment.get_param("method") == calendar["METHOD"]
    return calendar


def check_itip(calendar: Calendar, *, method: str, appointment, sequence: int) -> None:
    """The properties RFC 5546 asks of a REQUEST or CANCEL for one event."""
    assert calendar["METHOD"] == method
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (event,) = calendar.events
    assert event.uid == appointment.uid
    assert event.sequence == sequence
    assert event.stamp.tzinfo is not None
    assert event.stamp.utcoffset() == timedelta(0)
    assert event.start == appointment.starts_at
    assert event.end == appointment.ends_at
    assert event.organizer == "mailto:mentoring@localhost"
    attendees = {str(a): a.params for a in event.attendees}
    assert set(attendees) == {"mailto:alice@example.org", "mailto:bob@example.org"}
    for params in attendees.values():
        if method == CANCEL:  # nothing left to answer
            assert "RSVP" not in params
            assert "PARTSTAT" not in params
        else:
            assert params["RSVP"] == "TRUE"
            assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["ROLE"] == "REQ-PARTICIPANT"
    assert event.status == ("CANCELLED" if method == CANCEL else "CONFIRMED")


def test_each_booking_invite_is_a_valid_itip_request(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)

    assert len(mailoutbox) == 2
    for message in mailoutbox:
        calendar = invite_of(message)
        check_itip(calendar, method=REQUEST, appointment=appointment, sequence=0)
        assert calendar.events[0]["LOCATION"] == appointment.video_url


def test_book_then_move_twice_then_cancel_is_one_uid_with_sequence_0_1_2_3(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_reschedule(
            appointment=appointment, starts_at=WED_10_NY, length=45
        )
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_reschedule(
            appointment=appointment, starts_at=WED_10_NY + timedelta(hours=2), length=60
        )
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_cancel(
            appointment=appointment, by=agreed.mentee, reason="Moving abroad"
        )

    for person in ("alice@example.org", "bob@example.org"):
        invites = [invite_of(m) for m in mailoutbox if m.to == [person]]
        events = [calendar.events[0] for calendar in invites]
        assert [event.sequence for event in events] == [0, 1, 2, 3]
        assert {event.uid for event in events} == {appointment.uid}
        assert [calendar["METHOD"] for calendar in invites] == [REQUEST, REQUEST, REQUEST, CANCEL]
        assert [event.start for event in events[:3]] == [
            TUE_10_NY,
            WED_10_NY,
            WED_10_NY + timedelta(hours=2),
        ]
        check_itip(invites[-1], method=CANCEL, appointment=appointment, sequence=3)
        assert "Moving abroad" in events[-1]["DESCRIPTION"]
    subjects = [m.subject for m in mailoutbox if m.to == ["alice@example.org"]]
    assert "Session booked" in subjects[0]
    assert "Session moved" in subjects[1]
    assert "Session cancelled" in subjects[3]


def test_an_in_person_invite_carries_the_place(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(agreed, mode="in_person", place="British Library, 96 Euston Road")

    event = invite_of(mailoutbox[0]).events[0]
    assert event["LOCATION"] == "British Library, 96 Euston Road"
    assert "British Library" in mailoutbox[0].body


def test_a_calendar_without_a_method_is_a_plain_copy_for_a_feed(agreed):
    appointment = book(agreed)

    calendar = parse_both(
        calendar_for([event_for(appointment, method="PUBLISH")], method=None).to_ical()
    )

    assert "METHOD" not in calendar
    (event,) = calendar.events
    assert event["SUMMARY"] == "Mentoring session: Bob Mentor and Alice Mentee"
    assert event.uid == appointment.uid


def test_a_cancelled_session_reads_as_cancelled_in_any_calendar(agreed):
    appointment = appointment_cancel(appointment=book(agreed), by=agreed.mentor, reason="Ill")

    event = event_for(appointment, method="PUBLISH", viewer=agreed.mentee)

    assert event.status == "CANCELLED"
    assert event["SUMMARY"] == "Mentoring session with Bob Mentor"
