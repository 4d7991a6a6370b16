"""Journeys through a real browser: signing up, onboarding, refused forms, a phone's screen."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Profile, User
from tests.factories import ProfileFactory

pytestmark = pytest.mark.e2e

# E2E_SCREENSHOTS=1 saves what the journey looks like, for a person to review by hand.
SCREENSHOTS = Path(tempfile.gettempdir()) if os.environ.get("E2E_SCREENSHOTS") == "1" else None
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_visitor_signs_up_confirms_their_email_and_onboards_as_a_mentor(
    page: Page, live_server, mailoutbox: list[mail.EmailMessage], browser_timezone: str
) -> None:
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    # Pico styles a link as a button through role="button", so that is its accessible role.
    nav.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    page.get_by_label("Email").fill("hana@example.org")
    # allauth's labels end in Django's ":" suffix; "Password (again)" must not match too.
    page.get_by_label(re.compile(r"^Password:?$")).fill("tidal-orchid-lantern-42")
    page.get_by_label("Password (again)").fill("tidal-orchid-lantern-42")
    # The nav's "Sign up" is a button to assistive technology too: click the form's own.
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    # Tasks run eagerly in tests, so the mail went out before the page answered.
    assert [m.to for m in mailoutbox] == [["hana@example.org"]]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link, mailoutbox[0].body
    assert link.group().startswith(live_server.url)

    page.goto(link.group())
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Welcome! Tell us about yourself")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # static/js/timezone.js put in the browser's zone; the server only knew UTC.
    expect(page.get_by_label("Time zone")).to_have_value(browser_timezone)

    mentor_section = page.get_by_role("group", name="As a mentor", include_hidden=True)
    mentee_section = page.get_by_role("group", name="As a mentee", include_hidden=True)
    expect(mentee_section).to_be_visible()  # before a role is chosen, every section shows
    page.get_by_role("radio", name="I want to mentor", exact=True).check()
    expect(mentee_section).to_be_hidden()
    expect(mentor_section).to_be_visible()

    page.get_by_label("Display name").fill("Hana Sato")
    page.get_by_label("Headline").fill("Platform engineer who likes helping first-time leads")
    page.get_by_label("Field or industry").select_option(label="Technology and software")
    page.get_by_label("Years of experience").fill("12")
    languages = page.get_by_role("group", name="Languages you can mentor or be mentored in")
    languages.get_by_label("English", exact=True).check()
    languages.get_by_label("Japanese", exact=True).check()
    page.get_by_label("Areas of expertise").fill("Distributed systems, Public speaking")
    expect(page.get_by_label("Mentee capacity")).to_have_count(0)  # asked per cohort
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e-onboarding.png", full_page=True)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Hello, Hana Sato")).to_be_visible()
    expect(page.get_by_text("Welcome aboard: your profile is ready.")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e-dashboard.png", full_page=True)

    user = User.objects.select_related("profile").get(email="hana@example.org")
    assert user.timezone == browser_timezone
    assert user.display_name == "Hana Sato"
    profile = user.profile
    assert (profile.is_mentor, profile.is_mentee) == (True, False)
    assert profile.languages == ["en", "ja"]
    assert profile.expertise == ["distributed systems", "public speaking"]
    assert (profile.field, profile.years_experience, profile.capacity) == ("technology", 12, None)
    # The welcome email follows the verification one once the address is confirmed.
    assert len(mailoutbox) == 2
    assert "Welcome" in mailoutbox[1].subject


def test_refused_onboarding_shows_the_error_by_the_field_and_keeps_what_was_typed(
    page: Page, log_in, newcomer: User
) -> None:
    log_in(page, newcomer)
    page.goto("/welcome/")
    page.get_by_role("radio", name="I want to mentor", exact=True).check()
    page.get_by_label("Display name").fill("Erin Osei")
    page.get_by_label("Headline").fill("Product designer, ten years in health tech")
    page.get_by_label("Field or industry").select_option(label="Health and care")
    page.get_by_label("Years of experience").fill("10")
    page.get_by_label("Work phone").fill("call me maybe")
    page.get_by_label("Time zone").select_option("America/Sao_Paulo")
    languages = page.get_by_role("group", name="Languages you can mentor or be mentored in")
    languages.get_by_label("English", exact=True).check()
    languages.get_by_label("Portuguese", exact=True).check()
    page.get_by_label("Areas of expertise").fill("user research, accessibility")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")
    phone = page.get_by_label("Work phone")
    expect(phone).to_have_value("call me maybe")
    expect(phone).to_have_attribute("aria-invalid", "true")
    # Next to the field: in its own group, not only in a summary at the top.
    phone_group = page.locator(".field", has=phone)
    expect(phone_group).to_contain_text("valid phone number")
    expect(page.get_by_label("Years of experience")).to_have_value("10")
    expect(page.get_by_role("radio", name="I want to mentor", exact=True)).to_be_checked()
    expect(page.get_by_label("Display name")).to_have_value("Erin Osei")
    expect(page.get_by_label("Headline")).to_have_value(
        "Product designer, ten years in health tech"
    )
    expect(page.get_by_label("Field or industry")).to_have_value("healthcare")
    # The typed zone wins over the browser's: a refused form must not "helpfully" reset it.
    expect(page.get_by_label("Time zone")).to_have_value("America/Sao_Paulo")
    expect(languages.get_by_label("English", exact=True)).to_be_checked()
    expect(languages.get_by_label("Portuguese", exact=True)).to_be_checked()
    expect(languages.get_by_label("Japanese", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Areas of expertise")).to_have_value("user research, accessibility")
    expect(page.get_by_role("group", name="As a mentee", include_hidden=True)).to_be_hidden()
    newcomer.refresh_from_db()
    assert newcomer.display_name == ""
    assert not Profile.objects.filter(user=newcomer).exists()


def _assert_no_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    # The phone's own width: a page too wide for it would otherwise be zoomed out to fit.
    assert widths["inner"] == page.viewport_size["width"], widths
    assert widths["scroll"] <= widths["inner"], widths


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_visitor_on_a_phone_sees_sign_in_and_sign_up_without_scrolling_sideways(
    page: Page,
) -> None:
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for item in (
        nav.get_by_role("link", name="Sign in"),
        nav.get_by_role("button", name="Sign up"),
    ):
        expect(item).to_be_visible()
        expect(item).to_be_in_viewport()
    _assert_no_sideways_scrolling(page)


@pytest.mark.parametrize("device", ["phone"], indirect=True)
@pytest.mark.parametrize("path", ["/dashboard/", "/profile/"])
def test_member_on_a_phone_sees_every_nav_link_without_scrolling_sideways(
    page: Page, log_in, path: str
) -> None:
    log_in(page, ProfileFactory(mentor=True).user)
    page.goto(path)
    _assert_no_sideways_scrolling(page)
    # On a phone the links are behind one "Menu" button (a disclosure: no script needed).
    page.get_by_text("Menu", exact=True).click()
    nav = page.get_by_role("navigation", name="Main")
    items = [nav.get_by_role("link", name=name) for name in ("Dashboard", "Profile", "Account")]
    for item in [*items, nav.get_by_role("button", name="Sign out")]:
        expect(item).to_be_visible()
        expect(item).to_be_in_viewport()
    _assert_no_sideways_scrolling(page)
