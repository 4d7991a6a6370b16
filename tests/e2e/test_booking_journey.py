"""Booking across the Atlantic through real browsers: a mentee in New York books a video session
with her mentor in London in her own time and puts a question on its agenda; the mentor sees
it in "My agenda" at London time. Nothing is frozen: the session is a few days from today."""

import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from pairings.models import Pairing
from pairings.selectors.agreements import agreement_holds
from sessions_app.models import Appointment, Reminder
from sessions_app.services.availability import availability_save
from tests.agreements import agreement_reach

pytestmark = pytest.mark.e2e

# E2E_SCREENSHOTS=1 saves what the journey looks like, for a person to review by hand.
SCREENSHOTS = Path(tempfile.gettempdir()) if os.environ.get("E2E_SCREENSHOTS") == "1" else None
LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
DASH = "\N{EN DASH}"  # between a session's start and end on the pages
QUESTION = "How do I prepare for the quarterly results meeting?"
ALICE_STARTS = time(10)  # on Alice's clock: 14:00 or 15:00 in London, inside Bob's hours


@pytest.fixture
def pairing(bob_and_alice: Pairing, mailoutbox: list[mail.EmailMessage]) -> Pairing:
    """Bob (London) mentors Alice (New York), both allow video calls in their acknowledged
    contact agreement, and Bob offers 30 or 60 minutes on weekdays, 09:00-17:00 his time."""
    pairing, mentor = bob_and_alice, bob_and_alice.mentor
    agreement_reach(pairing, channels=["video", "chat", "email"])
    assert agreement_holds(pairing=pairing)
    availability_save(
        mentor=mentor,
        session_lengths=[30, 60],
        buffer_before=0,
        buffer_after=10,
        notice_hours=12,
        weekly_limit=5,
        horizon_weeks=8,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    mailoutbox.clear()  # the agreement's own emails; the journey's are the invites
    return pairing


def _booking_day(today: date) -> date:
    """The first weekday at least three days after `today`: on the picker's first page."""
    day = today + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_a_mentee_in_new_york_books_a_video_session_in_her_time_and_her_london_mentor_sees_it(
    open_page: Callable[[str, User], Page],
    pairing: Pairing,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    mentor, mentee = pairing.mentor, pairing.mentee
    day = _booking_day(timezone.now().astimezone(NEW_YORK).date())
    starts_at = datetime.combine(day, ALICE_STARTS, NEW_YORK).astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=60)
    in_new_york, in_london = starts_at.astimezone(NEW_YORK), starts_at.astimezone(LONDON)

    # Alice opens her pairing and its booking page, which speaks her time.
    alice = open_page("mentee", mentee)
    alice.goto("/")
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Pairings").click()
    alice.get_by_role("region", name="My mentor").get_by_role("link", name="Bob Okafor").click()
    expect(alice.get_by_role("heading", name="Your mentor Bob Okafor")).to_be_visible()
    alice.get_by_role("button", name="Book a session").click()
    expect(alice.get_by_role("heading", name="Book a session with Bob Okafor")).to_be_visible()
    expect(alice.get_by_role("main")).to_contain_text(
        "Times are in your time zone, America/New_York."
    )

    # She asks for an hour: the free times are fetched again for that length.
    alice.get_by_role("radio", name="60 minutes").check()
    expect(alice).to_have_url(re.compile(r"[?&]length=60\b"))
    expect(alice.locator("#slot-picker input[name=length]")).to_have_value("60")

    # She picks 10:00 on her clock: the time the page sends is that moment, in UTC.
    day_name = f"{day:%A} {day.day} {day:%B}"
    day_times = alice.get_by_role("group", name=day_name, exact=True)
    if not day_times.count():  # the picker opens on the week of the first free time
        alice.get_by_role("link", name="Next week").click()
    label = f"{ALICE_STARTS:%H:%M}"
    chosen = day_times.get_by_role("radio", name=f"{day_name}, {label}", exact=True)
    chosen.check()
    sent = datetime.fromisoformat(chosen.get_attribute("value"))  # what the form posts
    assert sent.utcoffset() == timedelta(0)
    assert f"{sent.astimezone(NEW_YORK):%H:%M}" == label
    assert sent == starts_at
    alice.get_by_role("radio", name="Video call").check()
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "e2e4-book.png", full_page=True)
    alice.get_by_role("button", name="Book this session").click()

    # The confirmation: her time, and the link to the call.
    expect(
        alice.get_by_text("Session booked. You both get a calendar invite by email.")
    ).to_be_visible()
    expect(alice.get_by_role("heading", name="Session with Bob Okafor")).to_be_visible()
    when = f"{in_new_york:%A} {in_new_york.day} {in_new_york:%B %Y, %H:%M}{DASH}11:00"
    expect(alice.get_by_role("main")).to_contain_text(f"When: {when} (America/New_York, 60 ")
    appointment = Appointment.objects.get()
    join = alice.get_by_role("link", name="Join the video call")
    expect(join).to_have_attribute("href", appointment.video_url)
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "e2e4-booked.png", full_page=True)

    # She puts her question on the session's agenda.
    alice.get_by_role("main").get_by_role("link", name="Agenda", exact=True).click()
    agenda = alice.get_by_role("region", name="Agenda")
    expect(agenda).to_contain_text("Nothing on the agenda yet.")
    agenda.get_by_label("What is it?").select_option(label="Question")
    agenda.get_by_label("Agenda item").fill(QUESTION)
    agenda.get_by_role("button", name="Add to the agenda").click()
    item = agenda.get_by_role("listitem").filter(has_text=QUESTION)
    expect(item).to_contain_text(f"Question {QUESTION} · added by you")
    expect(agenda.get_by_label("Agenda item")).to_have_value("")

    # Bob, in London, opens "My agenda": the same moment on his clock, with her question.
    bob = open_page("mentor", mentor)
    bob.goto("/")
    bob.get_by_role("navigation", name="Main").get_by_role("link", name="Agenda").click()
    expect(bob.get_by_role("heading", name="My agenda", level=1)).to_be_visible()
    expect(bob.get_by_role("main")).to_contain_text("Times in Europe/London.")
    london_day = bob.get_by_role(
        "region", name=f"{in_london:%A} {in_london.day} {in_london:%B %Y}", exact=True
    )
    session = london_day.get_by_role("article").filter(has_text="Alice Moreau")
    ends_in_london = ends_at.astimezone(LONDON)
    expect(session).to_contain_text(
        f"{in_london:%H:%M}{DASH}{ends_in_london:%H:%M} · Alice Moreau · Video call"
    )
    expect(session.locator("time")).to_have_attribute("datetime", starts_at.isoformat())
    expect(session.get_by_role("listitem")).to_have_text(f"Question {QUESTION} · Alice Moreau")
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "e2e4-agenda.png", full_page=True)

    # One video session, reminders for both, and an invite for each in their own time.
    assert list(Appointment.objects.values_list("status", "mode", "starts_at", "ends_at")) == [
        (Appointment.Status.BOOKED, Appointment.Mode.VIDEO, starts_at, ends_at)
    ]
    assert appointment.video_url.startswith("https://")
    reminded = set(
        Reminder.objects.filter(
            appointment=appointment, status=Reminder.Status.PENDING, session_starts_at=starts_at
        ).values_list("recipient", flat=True)
    )
    assert reminded == {mentor.pk, mentee.pk}
    invites = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2
    assert set(invites) == {"alice@example.org", "bob@example.org"}
    for email, zone in (("alice@example.org", NEW_YORK), ("bob@example.org", LONDON)):
        local = starts_at.astimezone(zone)
        assert f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone})" in invites[email].subject
        calendars = [
            content
            for content, mimetype in invites[email].alternatives
            if mimetype == "text/calendar; method=REQUEST"
        ]
        assert len(calendars) == 1
        assert f"DTSTART:{starts_at:%Y%m%dT%H%M%SZ}" in calendars[0]
