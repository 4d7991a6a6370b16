"""Picking a time without tiring (issue 12, item 3), through real browsers: from the pairing page
to a booked session in at most three clicks on the week view, the week view on a phone, and the
hours editors about one screen tall on a 390 px phone, with presets done in place."""

import os
import re
import tempfile
from collections.abc import Callable
from datetime import time
from itertools import pairwise
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from pairings.models import ContactTerms, Pairing
from pairings.selectors.agreements import agreement_holds
from sessions_app.models import Appointment, Availability
from sessions_app.services.availability import availability_save
from tests.agreements import agreement_reach

pytestmark = pytest.mark.e2e

# E2E_SCREENSHOTS=1 saves the pages at 390 px, for a person to review by hand.
SCREENSHOTS = Path(tempfile.gettempdir()) if os.environ.get("E2E_SCREENSHOTS") == "1" else None
PHONE = {"width": 390, "height": 844}
DASH = "\N{EN DASH}"


@pytest.fixture
def pairing(bob_and_alice: Pairing, mailoutbox: list[mail.EmailMessage]) -> Pairing:
    """Matched, with the contact agreement reached (video, chat, email), and Bob (London)
    offering 30 or 60 minutes on weekdays 09:00-17:00."""
    pairing = bob_and_alice
    agreement_reach(pairing, channels=["video", "chat", "email"])
    assert agreement_holds(pairing=pairing)
    availability_save(
        mentor=pairing.mentor,
        session_lengths=[30, 60],
        buffer_before=0,
        buffer_after=10,
        notice_hours=12,
        weekly_limit=5,
        horizon_weeks=8,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    return pairing


class Clicks:
    """Counts what a person clicks (or checks) on the way."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1


def test_the_first_session_is_booked_in_three_clicks_from_the_pairing_page(
    open_page: Callable[[str, User], Page], pairing: Pairing
) -> None:
    alice = open_page("mentee", pairing.mentee)
    alice.goto(reverse("home:pairing_detail", args=[pairing.pk]))
    expect(alice.get_by_role("heading", name="Your mentor Bob Okafor")).to_be_visible()
    clicks = Clicks()

    clicks.click(alice.get_by_role("button", name="Book a session"))
    expect(alice.get_by_role("heading", name="Book a session with Bob Okafor")).to_be_visible()
    first = alice.locator(".slot-time.slot-first input")
    expect(first).to_be_checked()  # the first free time is proposed
    expect(alice.get_by_text(re.compile(r"^First free: "))).to_be_visible()
    expect(alice.get_by_role("radio", name="30 minutes")).to_be_checked()
    expect(alice.get_by_role("radio", name="Video call")).to_be_checked()
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "i12-book-desktop.png", full_page=True, caret="initial")
    # She prefers the time after the first free one (the same day's next, or the next day's
    # first when the notice leaves one time that day): one click on it...
    other = first.locator("xpath=following::input[@type='radio'][@name='starts_at'][1]")
    name = other.evaluate("radio => radio.labels[0].textContent")
    assert re.fullmatch(r"\w+day \d{1,2} \w+, \d\d:\d\d", name), name
    clicks.click(other)
    expect(other).to_be_checked()
    starts_at = other.get_attribute("value")
    # ...and one on the button.
    clicks.click(alice.get_by_role("button", name="Book this session"))

    expect(alice.get_by_role("heading", name="Session with Bob Okafor")).to_be_visible()
    appointment = Appointment.objects.get()
    expect(alice).to_have_url(re.compile(rf"/sessions/{appointment.pk}/$"))
    assert appointment.starts_at.isoformat() == starts_at
    assert appointment.mode == Appointment.Mode.VIDEO
    print(f"\nclicks from the pairing page to the booked session: {clicks.count}")
    assert clicks.count <= 3

    # Taking the proposed first free time is two clicks.
    alice.goto(reverse("home:pairing_detail", args=[pairing.pk]))
    again = Clicks()
    again.click(alice.get_by_role("button", name="Book a session"))
    proposed = alice.locator(".slot-time.slot-first input").get_attribute("value")
    again.click(alice.get_by_role("button", name="Book this session"))
    expect(alice.get_by_text("Session booked.")).to_be_visible()
    assert Appointment.objects.latest("pk").starts_at.isoformat() == proposed
    assert again.count == 2


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_the_week_view_pages_by_week_in_place_and_stacks_the_days_on_a_phone(
    new_page: Callable[..., Page], log_in: Callable[[Page, User], None], pairing: Pairing, device
) -> None:
    alice = new_page(pairing.mentee.timezone, device=device, who="mentee")
    log_in(alice, pairing.mentee)
    alice.set_viewport_size(PHONE)
    alice.goto(reverse("sessions_app:book", args=[pairing.pk]))
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "i12-book-390.png", full_page=True, caret="initial")
    title = alice.locator(".slot-week-title")
    first_week = title.text_content()

    alice.get_by_role("link", name="Next week").click()

    expect(title).not_to_have_text(first_week)
    expect(alice).to_have_url(re.compile(r"[?&]week=\d{4}-\d\d-\d\d"))
    days = alice.locator(".slot-day")
    expect(days).to_have_count(7)
    boxes = [days.nth(n).bounding_box() for n in range(7)]
    assert all(box["x"] == boxes[0]["x"] for box in boxes)  # one day under the other
    assert all(a["y"] < b["y"] for a, b in pairwise(boxes))
    width = alice.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    alice.get_by_role("link", name="Previous week").click()
    expect(title).to_have_text(first_week)


def _height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_the_hours_editors_are_about_one_screen_tall_on_a_phone_and_presets_fill_in_place(
    new_page: Callable[..., Page], log_in: Callable[[Page, User], None], pairing: Pairing, device
) -> None:
    bob = new_page(pairing.mentor.timezone, device=device, who="mentor")
    log_in(bob, pairing.mentor)
    bob.set_viewport_size(PHONE)

    bob.goto(reverse("pairings:agreement_terms", args=[pairing.pk]))
    expect(bob.get_by_role("heading", name="Your contact terms")).to_be_visible()
    bob.get_by_role("button", name=f"Weekday office hours 9{DASH}17").click()
    terms_height = _height(bob)  # one window a day: the usual case
    terms_hours = bob.locator("fieldset[aria-describedby=hours-help]").bounding_box()["height"]
    bob.get_by_role("button", name=f"Weekday evenings 18{DASH}21").click()
    monday = bob.get_by_role("group", name="Monday", exact=True)
    expect(monday.get_by_label(re.compile(r"^From:?$"))).to_have_value("18:00")
    expect(
        bob.get_by_role("group", name="Friday", exact=True)
        .get_by_label(re.compile(r"^to:?$"))
        .first
    ).to_have_value("21:00")
    monday.locator("summary").click()
    monday.get_by_label(re.compile(r"^and from:?$")).fill("07:00")
    monday.get_by_label(re.compile(r"^to:?$")).nth(1).fill("08:00")
    bob.get_by_role("button", name=f"Copy Monday to Tuesday{DASH}Friday").click()
    thursday = bob.get_by_role("group", name="Thursday", exact=True)
    expect(thursday.get_by_label(re.compile(r"^and from:?$"))).to_be_visible()
    expect(thursday.get_by_label(re.compile(r"^and from:?$"))).to_have_value("07:00")
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "i12-terms-390.png", full_page=True, caret="initial")
    two_windows_height = _height(bob)
    bob.get_by_role("button", name="Save my terms").click()
    expect(bob.get_by_text("Your terms are saved.")).to_be_visible()
    hours = ContactTerms.objects.get(person=pairing.mentor).contact_hours
    assert [0, 18 * 60, 21 * 60] in hours
    assert [4, 7 * 60, 8 * 60] in hours

    bob.goto(reverse("sessions_app:availability"))
    bob.get_by_role("button", name="Clear all").click()
    expect(
        bob.get_by_role("group", name="Monday", exact=True).get_by_label(re.compile(r"^From:?$"))
    ).to_have_value("")
    bob.get_by_role("button", name=f"Weekday office hours 9{DASH}17").click()
    if SCREENSHOTS:
        bob.screenshot(
            path=SCREENSHOTS / "i12-availability-390.png", full_page=True, caret="initial"
        )
    availability_hours = bob.locator("fieldset[aria-describedby=windows-help]").bounding_box()
    availability_form = bob.locator("form.terms-form").bounding_box()["height"]
    assert Availability.objects.get(mentor=pairing.mentor).windows.count() == 5

    print(
        f"\n390x844, one window a day: terms page {terms_height} px"
        f" ({terms_height / PHONE['height']:.2f} screens), its contact hours {terms_hours:.0f} px;"
        f" with two windows Monday-Friday the page is {two_windows_height} px."
        f" Availability: rules and hours form {availability_form:.0f} px,"
        f" its weekly hours {availability_hours['height']:.0f} px"
    )
    assert terms_hours <= PHONE["height"]
    assert availability_hours["height"] <= PHONE["height"]
