"""The private calendar feed: the token is the permission, revoking it gives a new URL, times
are UTC, cancelled sessions say so, and nothing private reaches the partner's calendar."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import vDuration
from vobject.icalendar import stringToDurations

from sessions_app.models import Appointment, CalendarFeed
from sessions_app.services.agenda import session_note_save
from sessions_app.services.feed import calendar_feed_enable, calendar_feed_revoke
from tests.factories import AppointmentFactory
from tests.sessions_app.two_parsers import parse_both, vobject_of

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SETTINGS_URL = reverse("sessions_app:feed_settings")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def feed_url(feed: CalendarFeed) -> str:
    return reverse("sessions_app:feed", args=[feed.token])


def events_in(response) -> list:
    return parse_both(response.content).walk("VEVENT")


def test_a_person_makes_their_private_address_once_and_sees_it(client, mentee):
    client.force_login(mentee)
    assert "You have no calendar address yet." in client.get(SETTINGS_URL).content.decode()

    client.post(SETTINGS_URL, {"op": "enable"})
    client.post(SETTINGS_URL, {"op": "enable"})  # a double click keeps the same address

    feed = CalendarFeed.objects.get(user=mentee)
    page = client.get(SETTINGS_URL).content.decode()
    assert f"http://testserver{feed_url(feed)}" in page
    assert f"webcal://testserver{feed_url(feed)}" in page


def test_revoking_gives_a_new_address_and_the_old_one_answers_404(client, mentee):
    old = calendar_feed_enable(user=mentee)
    old_url = feed_url(old)
    client.force_login(mentee)

    client.post(SETTINGS_URL, {"op": "revoke"})

    new = CalendarFeed.objects.get(user=mentee)
    assert new.token != old.token
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_a_deactivated_accounts_feed_answers_404(client, mentee):
    feed = calendar_feed_enable(user=mentee)
    assert client.get(feed_url(feed)).status_code == 200

    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    assert client.get(feed_url(feed)).status_code == 404


def test_an_unknown_address_answers_404(client):
    url = reverse("sessions_app:feed", args=["not-a-real-token"])

    assert client.get(url).status_code == 404


def test_the_settings_page_needs_sign_in_and_a_known_operation(client, mentee):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client.force_login(mentee)
    assert client.post(SETTINGS_URL, {"op": "delete-everything"}).status_code == 400


def test_the_feed_lists_my_upcoming_sessions_in_utc_without_signing_in(
    client, pairing, other_pairing, mentee
):
    upcoming = AppointmentFactory(
        pairing=pairing, starts_at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    )
    # Charlie's, not Alice's
    AppointmentFactory(pairing=other_pairing, starts_at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC))
    feed = calendar_feed_enable(user=mentee)

    response = client.get(feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    body = response.content.decode()
    assert "DTSTART:20260304T140000Z" in body
    assert "DTEND:20260304T150000Z" in body
    calendar = parse_both(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = events_in(response)
    assert event["UID"] == upcoming.uid
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Mentoring session with Bob Mentor"
    assert event.decoded("DTSTART") == datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def test_a_mentors_feed_holds_the_sessions_with_all_mentees(client, pairing, mentor, mentee):
    booked = [
        AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=d)) for d in (1, 8, 15)
    ]
    feed = calendar_feed_enable(user=mentor)

    uids = [str(e["UID"]) for e in events_in(client.get(feed_url(feed)))]

    assert uids == [a.uid for a in booked]


def test_a_cancelled_session_stays_in_the_feed_as_cancelled_so_calendars_drop_it(
    client, pairing, mentee
):
    cancelled = AppointmentFactory(
        pairing=pairing,
        starts_at=NOW + timedelta(days=3),
        status=Appointment.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=1),
        sequence=1,
    )
    long_ago = AppointmentFactory(
        pairing=pairing,
        starts_at=NOW + timedelta(days=5),
        status=Appointment.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=60),
    )
    feed = calendar_feed_enable(user=mentee)

    [event] = events_in(client.get(feed_url(feed)))

    assert event["UID"] == cancelled.uid != long_ago.uid
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_session_from_last_week_stays_and_one_from_last_month_goes(client, pairing, mentee):
    last_week = AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=6))
    AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=40))
    feed = calendar_feed_enable(user=mentee)

    uids = [str(e["UID"]) for e in events_in(client.get(feed_url(feed)))]

    assert uids == [last_week.uid]


def test_a_private_note_never_reaches_the_partners_feed(client, pairing, mentee, mentor):
    last = AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=1))
    AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=6))
    session_note_save(
        appointment=last, author=mentee, text="I doubt my mentor gets it.", shared=False
    )
    feeds = [calendar_feed_enable(user=person) for person in (mentor, mentee)]

    bodies = [client.get(feed_url(feed)).content.decode() for feed in feeds]

    assert all("I doubt my mentor gets it." not in body for body in bodies)


def test_a_revoked_feed_is_revoked_for_good_when_renewed_twice(mentee):
    first = calendar_feed_enable(user=mentee).token
    second = calendar_feed_revoke(user=mentee).token
    third = calendar_feed_revoke(user=mentee).token

    assert len({first, second, third}) == 3
    assert CalendarFeed.objects.get(user=mentee).token == third


def test_the_feed_makes_as_many_queries_for_20_sessions_as_for_2(
    client, pairing, mentee, django_assert_num_queries
):
    feed = calendar_feed_enable(user=mentee)
    for day in (1, 2):
        AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=day))
    with CaptureQueriesContext(connection) as two:
        client.get(feed_url(feed))
    for day in range(3, 21):
        AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=day))

    with django_assert_num_queries(len(two)):
        response = client.get(feed_url(feed))

    assert len(events_in(response)) == 20


def test_the_feed_tells_calendar_apps_to_refresh_hourly_in_duration_form(client, mentee):
    """X-PUBLISHED-TTL (Outlook) and REFRESH-INTERVAL (RFC 7986) are RFC 5545 durations: a
    calendar app reading `1:00:00` falls back to its own, often daily, refresh."""
    feed = calendar_feed_enable(user=mentee)

    response = client.get(feed_url(feed))

    calendar = parse_both(response.content)
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert vDuration.from_ical(calendar["X-PUBLISHED-TTL"].to_ical().decode()) == timedelta(hours=1)
    as_read = vobject_of(response.content)
    assert stringToDurations(as_read.contents["x-published-ttl"][0].value) == [timedelta(hours=1)]
