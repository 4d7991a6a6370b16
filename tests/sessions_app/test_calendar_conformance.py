"""RFC 5546 (iTIP) rules for every calendar object sessions produce, each parsed with both
icalendar and vobject: a PUBLISH (the feed, the session's .ics) asks no one to reply, a REQUEST
asks both people, a CANCEL asks no one."""

from datetime import UTC, datetime
from email.message import Message

import pytest
import time_machine
from django.urls import reverse

from sessions_app.services.booking import appointment_cancel
from sessions_app.services.feed import calendar_feed_enable
from tests.sessions_app.test_booking import agree, book, open_hours
from tests.sessions_app.test_ics import calendar_parts
from tests.sessions_app.two_parsers import parse_both, vobject_of

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PEOPLE = {"mailto:alice@example.org", "mailto:bob@example.org"}


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agreed(pairing):
    open_hours(pairing.mentor)
    agree(pairing, ["video", "in_person"])
    return pairing


def attendee_params(data: bytes) -> dict[str, dict[str, str]]:
    """Each ATTENDEE's parameters, upper-cased, as icalendar reads them; vobject must read the
    same attendees with the same RSVP."""
    (event,) = parse_both(data).walk("VEVENT")
    by_icalendar = {
        str(a): {k.upper(): str(v) for k, v in a.params.items()} for a in event.get("ATTENDEE")
    }
    vevent = vobject_of(data).vevent
    by_vobject = {
        line.value: {k.upper(): v[0] for k, v in line.params.items()}
        for line in vevent.contents["attendee"]
    }
    assert set(by_icalendar) == set(by_vobject) == PEOPLE
    for address, params in by_icalendar.items():
        assert params.get("RSVP") == by_vobject[address].get("RSVP")
    return by_icalendar


def feed_body(client, person) -> bytes:
    feed = calendar_feed_enable(user=person)
    return client.get(reverse("sessions_app:feed", args=[feed.token])).content


def test_the_sessions_calendar_file_asks_no_one_to_reply(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentee)

    data = client.get(reverse("sessions_app:ics", args=[appointment.pk])).content

    assert parse_both(data)["METHOD"] == "PUBLISH"
    for params in attendee_params(data).values():
        assert "RSVP" not in params
        assert "PARTSTAT" not in params


def test_the_feed_asks_no_one_to_reply(client, agreed):
    book(agreed)

    data = feed_body(client, agreed.mentor)

    assert parse_both(data)["METHOD"] == "PUBLISH"
    for params in attendee_params(data).values():
        assert "RSVP" not in params
        assert "PARTSTAT" not in params


def test_a_booking_invite_asks_both_people_to_reply(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(agreed)

    for message in mailoutbox:
        for part in calendar_parts(message):
            data = part.get_payload(decode=True)
            assert parse_both(data)["METHOD"] == "REQUEST"
            for params in attendee_params(data).values():
                assert params["RSVP"] == "TRUE"
                assert params["PARTSTAT"] == "NEEDS-ACTION"


def content_type_params(value: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["Content-Type"] = value
    return message.get_content_type(), dict(message.get_params()[1:])


@pytest.mark.parametrize("where", ["feed", "session file"])
def test_a_published_calendar_names_its_method_in_the_content_type(client, agreed, where):
    """RFC 5545 §3.7.2: a METHOD in the object goes with the same `method=` in the MIME type."""
    appointment = book(agreed)
    if where == "feed":
        response = client.get(
            reverse("sessions_app:feed", args=[calendar_feed_enable(user=agreed.mentee).token])
        )
    else:
        client.force_login(agreed.mentee)
        response = client.get(reverse("sessions_app:ics", args=[appointment.pk]))

    kind, params = content_type_params(response["Content-Type"])
    assert kind == "text/calendar"
    assert params == {"charset": "utf-8", "method": "PUBLISH"}
    assert parse_both(response.content)["METHOD"] == params["method"].upper()


def test_the_invite_and_its_attachment_name_the_same_method_as_the_calendar(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Ill")

    assert len(mailoutbox) == 4
    for message, method in zip(mailoutbox, ["REQUEST", "REQUEST", "CANCEL", "CANCEL"], strict=True):
        alternative, attachment = calendar_parts(message)
        assert alternative.get_filename() is None
        assert attachment.get_filename() == "invite.ics"
        assert alternative.get_payload(decode=True) == attachment.get_payload(decode=True)
        for part in (alternative, attachment):
            assert part.get_content_type() == "text/calendar"
            assert part.get_param("method") == method
            assert part.get_param("charset") == "utf-8"
            assert parse_both(part.get_payload(decode=True))["METHOD"] == method


def test_a_cancellation_names_both_people_and_asks_no_one_to_reply(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    """RFC 5546 §3.2.5: a CANCEL of the whole event names every attendee, and there is
    nothing to answer: no RSVP, no PARTSTAT asking for an action."""
    appointment = book(agreed)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=agreed.mentor, reason="Ill")

    assert {tuple(m.to) for m in mailoutbox} == {("alice@example.org",), ("bob@example.org",)}
    for message in mailoutbox:
        for part in calendar_parts(message):
            data = part.get_payload(decode=True)
            calendar = parse_both(data)
            assert calendar["METHOD"] == "CANCEL"
            assert calendar.events[0]["STATUS"] == "CANCELLED"
            assert vobject_of(data).vevent.status.value == "CANCELLED"
            for params in attendee_params(data).values():
                assert "RSVP" not in params
                assert "PARTSTAT" not in params
