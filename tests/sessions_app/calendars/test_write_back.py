"""Sessions written back into the calendar a person chose, against a real Radicale: booked,
moved and cancelled under the same UID with a rising SEQUENCE, no METHOD and
SCHEDULE-AGENT=CLIENT; never counted as busy against themselves; written once however often
the task runs. Time stands still on Monday 2 March 2026, 12:00 UTC (Bob is in New York)."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
import time_machine
from django.urls import reverse

from mentoring.crypto import encrypt
from mentoring.links import absolute
from outbox.models import QueuedTask
from sessions_app.calendars.caldav import CalDavError
from sessions_app.models import Appointment, BusyInterval, CalendarConnection, SessionEventWrite
from sessions_app.services.booking import appointment_cancel, appointment_reschedule
from sessions_app.services.calendar_writes import session_write_back
from sessions_app.services.calendars import (
    calendar_caldav_choose,
    calendar_caldav_connect,
    calendar_refresh,
)
from sessions_app.tasks.calendars import session_write_back_task
from tests.sessions_app.test_booking import NOW, TUE_10_NY, WED_10_NY, agree, book, open_hours
from tests.sessions_app.two_parsers import parse_both

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agreed(pairing):
    agree(pairing, ["video", "in_person"])
    open_hours(pairing.mentor)
    return pairing


@pytest.fixture
def sessions_calendar(radicale, mentor) -> str:
    """Bob connects his Radicale account and chooses its "Sessions" calendar for sessions."""
    url = radicale.make_calendar("Sessions")
    account = calendar_caldav_connect(
        user=mentor,
        server_url=radicale.base_url,
        username=radicale.username,
        password=radicale.password,
        now=NOW,
    )
    chosen = account.calendars.get()
    calendar_caldav_choose(connection=account, busy_ids={chosen.pk}, receiving_id=chosen.pk)
    return url


def stored_event(radicale, url: str):
    """The one event stored in the calendar, as both icalendar and vobject read its file."""
    folder = radicale.storage / "collection-root" / unquote(urlsplit(url).path.strip("/"))
    (path,) = (p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    calendar = parse_both(path.read_bytes())
    assert "METHOD" not in calendar
    (event,) = calendar.walk("VEVENT")
    return event


def test_a_booked_session_appears_in_the_chosen_calendar_with_its_uid(
    agreed, sessions_calendar, radicale, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed, mode="video")

    event = stored_event(radicale, sessions_calendar)
    assert str(event["UID"]) == appointment.uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == TUE_10_NY
    assert event.decoded("DTEND") == TUE_10_NY + timedelta(minutes=45)
    assert "Alice Mentee" in str(event["SUMMARY"])  # Bob's copy names his partner
    assert str(event["LOCATION"]) == appointment.video_url
    page = absolute("sessions_app:detail", appointment.pk)
    assert str(event["URL"]) == page
    assert page in str(event["DESCRIPTION"])
    assert event["ORGANIZER"].params["SCHEDULE-AGENT"] == "CLIENT"
    attendees = event["ATTENDEE"]
    assert {a.params["SCHEDULE-AGENT"] for a in attendees} == {"CLIENT"}
    assert not any("RSVP" in a.params for a in attendees)


def test_a_moved_session_keeps_its_uid_and_a_cancelled_one_says_so(
    agreed, sessions_calendar, radicale, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed, mode="in_person", place="Café Nero, Soho")
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=60)

    moved = stored_event(radicale, sessions_calendar)
    assert str(moved["UID"]) == appointment.uid
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") == WED_10_NY
    assert moved.decoded("DTEND") == WED_10_NY + timedelta(hours=1)
    assert str(moved["LOCATION"]) == "Café Nero, Soho"

    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=agreed.mentee, reason="I am ill.")

    cancelled = stored_event(radicale, sessions_calendar)
    assert str(cancelled["UID"]) == appointment.uid
    assert cancelled["SEQUENCE"] == 2
    assert cancelled["STATUS"] == "CANCELLED"
    assert "I am ill." in str(cancelled["DESCRIPTION"])


def test_a_refresh_never_counts_the_persons_own_session_as_busy(
    agreed, sessions_calendar, radicale, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(agreed)
    assert len(radicale.objects(sessions_calendar)) == 1
    (account,) = CalendarConnection.objects.filter(user=mentor)

    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    assert not BusyInterval.objects.exists()
    account.refresh_from_db()
    assert account.last_error == ""


def test_running_the_write_back_twice_writes_once(
    agreed, sessions_calendar, radicale, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the queued task is not run
        appointment = book(agreed)

    assert session_write_back_task.delay(appointment.pk, mentor.pk).get() == 1
    assert session_write_back_task.delay(appointment.pk, mentor.pk).get() == 0
    (write,) = SessionEventWrite.objects.all()
    assert write.sequence == 0
    assert write.href.startswith(sessions_calendar)
    assert len(radicale.objects(sessions_calendar)) == 1
    # The mentee chose no calendar: nothing to write for her.
    assert session_write_back(appointment_id=appointment.pk, user_id=agreed.mentee_id) == 0


def test_only_people_who_chose_a_calendar_get_a_write_back(
    agreed, sessions_calendar, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        book(agreed)
    queued = QueuedTask.objects.filter(name="sessions_app.tasks.calendars.session_write_back_task")
    assert list(queued.values_list("args", flat=True)) == [
        [Appointment.objects.get().pk, mentor.pk]
    ]


def test_a_session_booked_before_the_choice_is_written_when_a_calendar_is_chosen(
    agreed, radicale, mentor, django_capture_on_commit_callbacks
):
    appointment = book(agreed)
    url = radicale.make_calendar("Sessions")
    account = calendar_caldav_connect(
        user=mentor,
        server_url=radicale.base_url,
        username=radicale.username,
        password=radicale.password,
        now=NOW,
    )
    chosen = account.calendars.get()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_caldav_choose(connection=account, busy_ids=set(), receiving_id=chosen.pk)
    assert str(stored_event(radicale, url)["UID"]) == appointment.uid


def test_a_server_that_refuses_says_why_and_the_task_tries_again_later(
    agreed, sessions_calendar, radicale, mentor, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        appointment = book(agreed)
    CalendarConnection.objects.filter(user=mentor).update(password_encrypted=encrypt("revoked"))

    with pytest.raises(CalDavError, match="password"):
        session_write_back(appointment_id=appointment.pk, user_id=mentor.pk)
    assert not SessionEventWrite.objects.filter(sequence__gte=0).exists()
    # Bob's calendars page says so, until a write there succeeds again.
    client.force_login(mentor)
    page = client.get(reverse("sessions_app:calendars")).content.decode()
    assert "Sessions could not be written to “Sessions”:" in page
    assert "password" in page.lower()
    CalendarConnection.objects.filter(user=mentor).update(
        password_encrypted=encrypt(radicale.password)
    )
    assert session_write_back(appointment_id=appointment.pk, user_id=mentor.pk) == 1
    page = client.get(reverse("sessions_app:calendars")).content.decode()
    assert "could not be written" not in page
    assert CalDavError in session_write_back_task.autoretry_for
    assert session_write_back_task.retry_backoff


def uids_in(radicale, url: str) -> set[str]:
    return {str(e["UID"]) for cal in radicale.objects(url) for e in cal.walk("VEVENT")}


def test_removing_the_account_takes_the_sessions_to_come_out_of_its_calendar(
    agreed, sessions_calendar, radicale, mentor, client, django_capture_on_commit_callbacks
):
    """Sessions to come would go stale in a calendar no longer updated: they are taken out.
    The session already held stays there as the record of it."""
    with django_capture_on_commit_callbacks(execute=True):
        held = book(agreed, starts_at=TUE_10_NY)
        ahead = book(agreed, starts_at=WED_10_NY)
    assert uids_in(radicale, sessions_calendar) == {held.uid, ahead.uid}
    (account,) = CalendarConnection.objects.filter(user=mentor)

    client.force_login(mentor)
    with time_machine.travel(TUE_10_NY + timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("sessions_app:calendar_remove", args=[account.pk]))
        assert response.status_code == 302
        page = client.get(reverse("sessions_app:calendars"))
    assert "sessions to come are being taken out of its calendar" in page.content.decode()
    assert reverse("sessions_app:calendar_remove", args=[account.pk]) not in page.content.decode()
    assert uids_in(radicale, sessions_calendar) == {held.uid}
    assert not CalendarConnection.objects.exists()


def test_a_removed_account_whose_server_fails_is_tried_again_then_goes_anyway(
    agreed, sessions_calendar, radicale, mentor, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)
    (account,) = CalendarConnection.objects.filter(user=mentor)
    CalendarConnection.objects.filter(pk=account.pk).update(password_encrypted=encrypt("revoked"))
    account.refresh_from_db()

    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sessions_app:calendar_remove", args=[account.pk]))
    # Hidden at once, blocking nothing and receiving no more sessions, while it is tried again.
    assert client.get(reverse("sessions_app:calendar_choose", args=[account.pk])).status_code == 404
    assert not BusyInterval.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Ill")
    assert uids_in(radicale, sessions_calendar) == {appointment.uid}  # untouched, not updated
    assert not calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    assert CalendarConnection.objects.filter(pk=account.pk).exists()

    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(hours=25))
    assert not CalendarConnection.objects.exists()
