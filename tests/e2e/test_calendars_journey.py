"""A mentor's own calendars through real browsers: Bob (London) connects his work calendar by
its secret ICS address (a local HTTP server), and a meeting added to it later takes 10:00-11:00
his time off Alice's booking page after the next refresh; he connects his CalDAV account (a real
Radicale) and chooses its "Sessions" calendar for sessions; Alice books 14:00 his time and the
session is in that calendar with its UID. Nothing is frozen: the day is a few days from today."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from pairings.models import Pairing
from sessions_app.models import Appointment, CalendarConnection
from sessions_app.services.availability import availability_save
from sessions_app.tasks.calendars import calendar_refresh_task
from tests.agreements import agreement_reach
from tests.sessions_app.calendars.conftest import (  # noqa: F401 (the fixture, used by name)
    CalendarServer,
    calendar_server,
)
from tests.sessions_app.calendars.conftest import (
    Page as Served,
)

pytestmark = pytest.mark.e2e

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
FEED = "/private-bob-work.ics"


def _booking_day(today: date) -> date:
    """The first weekday at least three days after `today`: on the picker's first page."""
    day = today + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _feed(*events: tuple[datetime, datetime]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Work//EN"]
    for number, (starts_at, ends_at) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:work-meeting-{number}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{starts_at:%Y%m%dT%H%M%SZ}",
            f"DTEND:{ends_at:%Y%m%dT%H%M%SZ}",
            "SUMMARY:Quarterly planning",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


@pytest.fixture
def pairing(bob_and_alice: Pairing) -> Pairing:
    """Bob offers 60 minutes on weekdays, 09:00-17:00 London; both allow video calls."""
    agreement_reach(bob_and_alice, channels=["video", "chat", "email"])
    availability_save(
        mentor=bob_and_alice.mentor,
        session_lengths=[60],
        buffer_before=0,
        buffer_after=0,
        notice_hours=12,
        weekly_limit=5,
        horizon_weeks=8,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    return bob_and_alice


def _offered(alice: Page, pairing: Pairing, day: date, moment: datetime):
    """The radio for `moment` on Alice's booking page (her clock), freshly loaded."""
    alice.goto(reverse("sessions_app:book", args=[pairing.pk]))
    expect(alice.get_by_role("heading", name="Book a session with Bob Okafor")).to_be_visible()
    local = moment.astimezone(NEW_YORK)
    day_name = f"{local:%A} {local.day} {local:%B}"
    day_times = alice.get_by_role("group", name=day_name, exact=True)
    if not day_times.count():  # the picker opens on the week of the first free time
        alice.get_by_role("link", name="Next week").click()
    return day_times.get_by_role("radio", name=f"{day_name}, {local:%H:%M}", exact=True)


def test_a_work_meeting_blocks_a_slot_and_a_booked_session_lands_in_the_mentors_calendar(
    open_page: Callable[[str, User], Page],
    pairing: Pairing,
    calendar_server: CalendarServer,  # noqa: F811
    radicale,
) -> None:
    mentor, mentee = pairing.mentor, pairing.mentee
    day = _booking_day(datetime.now(UTC).astimezone(LONDON).date())
    meeting = datetime.combine(day, time(10), LONDON).astimezone(UTC)
    session = datetime.combine(day, time(14), LONDON).astimezone(UTC)
    calendar_server.pages[FEED] = Served(body=_feed(), etag='"empty"')
    sessions_url = radicale.make_calendar("Sessions")

    # Bob connects his work calendar by its secret address: nothing in it yet.
    bob = open_page("mentor", mentor)
    bob.goto("/sessions/calendars/")
    ics = bob.get_by_role("region", name="Connect a calendar by its secret address")
    ics.get_by_role("textbox", name="Name:", exact=True).fill("Work")
    ics.get_by_label("Secret address (ICS)").fill(calendar_server.url(FEED))
    ics.get_by_role("button", name="Connect and read it now").click()
    expect(bob.get_by_text("“Work” is connected")).to_be_visible()

    # Alice sees 10:00 (Bob's clock) free; Bob's meeting arrives, the next refresh reads it.
    alice = open_page("mentee", mentee)
    expect(_offered(alice, pairing, day, meeting)).to_be_visible()
    calendar_server.pages[FEED] = Served(
        body=_feed((meeting, meeting + timedelta(hours=1))), etag='"meeting"'
    )
    work = CalendarConnection.objects.get(user=mentor, name="Work")
    assert calendar_refresh_task.delay(work.pk).get()
    expect(_offered(alice, pairing, day, meeting)).to_have_count(0)
    expect(_offered(alice, pairing, day, session)).to_be_visible()

    # Bob connects his CalDAV account and chooses its "Sessions" calendar for sessions.
    bob.goto("/sessions/calendars/")
    caldav = bob.get_by_role("region", name="Connect a CalDAV account")
    caldav.get_by_label("Server address").fill(radicale.base_url)
    caldav.get_by_label("User name").fill(radicale.username)
    caldav.get_by_label("App password").fill(radicale.password)
    caldav.get_by_role("button", name="Connect and find its calendars").click()
    expect(bob.get_by_text("is connected and its calendars are read")).to_be_visible()
    expect(bob.get_by_role("checkbox", name="Sessions")).to_be_checked()
    bob.get_by_role("group", name="Write my sessions to").get_by_role(
        "radio", name="Sessions"
    ).check()
    bob.get_by_role("button", name="Save my choices").click()
    expect(bob.get_by_text("are saved")).to_be_visible()

    # Alice books 14:00 (Bob's clock); the session is written into Bob's "Sessions" calendar.
    _offered(alice, pairing, day, session).check()
    alice.get_by_role("radio", name="Video call").check()
    alice.get_by_role("button", name="Book this session").click()
    expect(alice.get_by_text("Session booked.")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.starts_at == session
    (stored,) = radicale.objects(sessions_url)
    (event,) = stored.walk("VEVENT")
    assert str(event["UID"]) == appointment.uid
    assert event.decoded("DTSTART") == session
    assert "Alice Moreau" in str(event["SUMMARY"])
