"""Connecting a calendar and refreshing it: busy times replaced on a change, kept on a failure
with the problem in words, conditional requests, and the scan beat runs every 10 minutes."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from sessions_app.models import CalendarConnection
from sessions_app.selectors.slots import slot_is_free
from sessions_app.services.calendars import CalendarProblem, calendar_connect, calendar_refresh
from sessions_app.tasks.calendars import calendars_refresh_due_task
from tests.factories import AppointmentFactory
from tests.sessions_app.calendars.conftest import Page
from tests.sessions_app.test_slots import publish

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CANCELLED = (HERE / "cancelled.ics").read_bytes()  # busy 3 March 13:00-13:45Z
WEEKLY = (HERE / "weekly_exdate_moved.ics").read_bytes()


def busy_of(connection) -> list[tuple[datetime, datetime]]:
    return list(connection.busy.order_by("starts_at").values_list("starts_at", "ends_at"))


@pytest.fixture
def connected(calendar_server, mentor):
    calendar_server.pages["/cal.ics"] = Page(body=CANCELLED, etag='"one"')
    return calendar_connect(user=mentor, name="Work", url=calendar_server.url("/cal.ics"), now=NOW)


def test_a_connected_calendar_is_read_at_once_and_its_address_kept_secret(
    connected, calendar_server
):
    connection = CalendarConnection.objects.get()
    assert busy_of(connection) == [
        (datetime(2026, 3, 3, 13, tzinfo=UTC), datetime(2026, 3, 3, 13, 45, tzinfo=UTC))
    ]
    assert connection.last_synced_at == NOW
    assert connection.etag == '"one"'
    assert calendar_server.base not in connection.url_encrypted


def test_an_address_that_gives_no_calendar_is_not_connected(calendar_server, mentor):
    calendar_server.pages["/login"] = Page(body=b"<html>Sign in</html>")
    with pytest.raises(CalendarProblem, match="did not give a calendar"):
        calendar_connect(user=mentor, name="Work", url=calendar_server.url("/login"), now=NOW)
    with pytest.raises(CalendarProblem, match="error 404"):
        calendar_connect(user=mentor, name="Work", url=calendar_server.url("/gone"), now=NOW)
    assert not CalendarConnection.objects.exists()


def test_an_unchanged_calendar_is_asked_conditionally_and_keeps_its_busy_times(
    connected, calendar_server
):
    later = NOW + timedelta(minutes=10)
    assert calendar_refresh(connection_id=connected.pk, now=later)
    assert calendar_server.seen[-1]["If-None-Match"] == '"one"'
    connected.refresh_from_db()
    assert connected.last_synced_at == later
    assert len(busy_of(connected)) == 1


def test_a_changed_calendar_replaces_its_busy_times(connected, calendar_server):
    calendar_server.pages["/cal.ics"] = Page(body=WEEKLY, etag='"two"')
    assert calendar_refresh(connection_id=connected.pk, now=NOW + timedelta(minutes=10))
    starts = [starts_at for starts_at, _ in busy_of(connected)]
    assert starts[0] == datetime(2026, 3, 3, 14, tzinfo=UTC)
    assert datetime(2026, 3, 3, 13, tzinfo=UTC) not in starts
    connected.refresh_from_db()
    assert connected.etag == '"two"'


def test_a_calendar_read_a_day_ago_is_read_in_full_again_to_cover_the_new_days(
    connected, calendar_server
):
    assert calendar_refresh(connection_id=connected.pk, now=NOW + timedelta(days=1, minutes=1))
    assert "If-None-Match" not in calendar_server.seen[-1]


def test_a_failure_keeps_the_last_good_busy_times_and_says_why(connected, calendar_server):
    calendar_server.pages["/cal.ics"] = Page(status=500, body=b"oops")
    first, second = NOW + timedelta(minutes=10), NOW + timedelta(minutes=20)
    assert not calendar_refresh(connection_id=connected.pk, now=first)
    assert not calendar_refresh(connection_id=connected.pk, now=second)
    connected.refresh_from_db()
    assert connected.last_error == "The calendar's server answered with error 500."
    assert connected.failing_since == first
    assert connected.last_synced_at == NOW
    assert len(busy_of(connected)) == 1

    calendar_server.pages["/cal.ics"] = Page(body=CANCELLED, etag='"one"')
    assert calendar_refresh(connection_id=connected.pk, now=second + timedelta(minutes=10))
    connected.refresh_from_db()
    assert (connected.last_error, connected.failing_since) == ("", None)


def test_the_scan_refreshes_only_the_connections_not_tried_for_ten_minutes(
    connected, calendar_server, mentee
):
    calendar_server.pages["/other.ics"] = Page(body=WEEKLY)
    fresh = calendar_connect(
        user=mentee, name="Home", url=calendar_server.url("/other.ics"), now=NOW
    )
    CalendarConnection.objects.filter(pk=connected.pk).update(
        checked_at=datetime.now(UTC) - timedelta(minutes=11)
    )
    CalendarConnection.objects.filter(pk=fresh.pk).update(
        checked_at=datetime.now(UTC) - timedelta(minutes=5)
    )
    calendar_server.pages["/cal.ics"] = Page(body=WEEKLY, etag='"two"')
    assert calendars_refresh_due_task() == 1  # tasks run at once in the tests
    connected.refresh_from_db()
    assert connected.etag == '"two"'
    assert calendars_refresh_due_task() == 0  # just tried


def test_one_scan_reads_every_due_calendar_even_more_than_a_batch(
    calendar_server, mentor, monkeypatch
):
    monkeypatch.setattr("sessions_app.services.calendars.SCAN_BATCH", 2)
    calendar_server.pages["/cal.ics"] = Page(body=CANCELLED, etag='"one"')
    for n in range(5):
        calendar_connect(
            user=mentor, name=f"Calendar {n}", url=calendar_server.url("/cal.ics"), now=NOW
        )
    CalendarConnection.objects.update(checked_at=datetime.now(UTC) - timedelta(minutes=11))
    calendar_server.pages["/cal.ics"] = Page(body=WEEKLY, etag='"two"')

    assert calendars_refresh_due_task() == 5  # not 2 now and the rest 10 minutes later

    assert set(CalendarConnection.objects.values_list("etag", flat=True)) == {'"two"'}


def test_beat_runs_the_calendar_scan_every_ten_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["calendars-refresh-due"]
    assert entry["task"] == "sessions_app.tasks.calendars.calendars_refresh_due_task"
    assert entry["schedule"] == 10 * 60


def test_a_session_booked_here_in_the_persons_own_calendar_is_not_a_busy_time(
    calendar_server, mentor, pairing
):
    session = AppointmentFactory(
        pairing=pairing, starts_at=datetime(2026, 3, 4, 15, tzinfo=UTC), length=60
    )
    copy = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{session.uid}\r\nDTSTAMP:20260301T000000Z\r\n"
        "DTSTART:20260304T150000Z\r\nDTEND:20260304T160000Z\r\nSUMMARY:Mentoring\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    calendar_server.pages["/mine.ics"] = Page(body=copy)
    connection = calendar_connect(
        user=mentor, name="Work", url=calendar_server.url("/mine.ics"), now=NOW
    )
    assert busy_of(connection) == []
    # Moving the session: its own time stays free to choose, its copy does not hold it.
    mentor.timezone = "UTC"
    mentor.save()
    publish(mentor, hours=("09:00", "17:00"))
    assert slot_is_free(
        mentor=mentor,
        mentee=pairing.mentee,
        starts_at=session.starts_at,
        length=60,
        now=NOW,
        exclude_appointment_id=session.pk,
    )
