"""A cohort from start to agreement through real browsers: an admin creates it, imports people
from a CSV file, runs matching and publishes; the mentor accepts; both partners state their
contact terms and acknowledge each other's."""

import os
import re
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from organisations.models import Role
from organisations.services import membership_ensure
from pairings.models import Pairing
from pairings.selectors.agreements import agreement_holds
from programmes.models import Enrolment, ImportJob, ParticipantRole
from tests.factories import (
    PASSWORD,
    ProfileFactory,
    default_organisation,
    second_factor_add,
    totp_code,
)

pytestmark = pytest.mark.e2e

# E2E_SCREENSHOTS=1 saves what the journey looks like, for a person to review by hand.
SCREENSHOTS = Path(tempfile.gettempdir()) if os.environ.get("E2E_SCREENSHOTS") == "1" else None
LONDON, NEW_YORK = "Europe/London", "America/New_York"
DASH = "\N{EN DASH}"  # between the start and end of a window on the page
APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"  # the pages' typographic one
PEOPLE_CSV = (
    "email,name,role\n"
    "bob@example.org,Bob Okafor,mentor\n"
    "alice@example.org,Alice Moreau,mentee\n"
    "carol@example.org,Carol Nguyen,mentee\n"
)


@pytest.fixture
def open_page(new_page: Callable[..., Page]) -> Callable[[str, str], Page]:
    """A browser of its own for each person (own cookies, own time zone), not signed in: this
    journey signs in through the form."""
    return lambda who, timezone_id: new_page(timezone_id, who=who)


@pytest.fixture
def people(transactional_db) -> dict[str, User]:
    """A programme admin, and a mentor and a mentee who already have accounts and profiles."""
    admin = ProfileFactory(
        user__email="dana@example.org", user__display_name="Dana Whitfield", user__timezone=LONDON
    ).user
    membership_ensure(organisation=default_organisation(), user=admin, role=Role.OWNER)
    admin.totp_secret = second_factor_add(admin)  # her authenticator app
    mentor = ProfileFactory(
        mentor=True,
        user__email="bob@example.org",
        user__display_name="Bob Okafor",
        user__timezone=LONDON,
        headline="Engineering manager, backend teams",
        field="technology",
        languages=["en"],
        expertise=["python", "public speaking", "leadership"],
        years_experience=15,
    ).user
    mentee = ProfileFactory(
        mentee=True,
        user__email="alice@example.org",
        user__display_name="Alice Moreau",
        user__timezone=NEW_YORK,
        headline="Junior developer",
        field="technology",
        languages=["en"],
        goals="Get better at public speaking and Python code reviews.",
        years_experience=5,
        city="New York",
    ).user
    return {"admin": admin, "mentor": mentor, "mentee": mentee}


def _next_monday(today: date) -> date:
    """Today if it is a Monday, else the coming Monday."""
    return today + timedelta(days=-today.weekday() % 7)


def _shown(moment: datetime) -> str:
    """A moment as the agreement shows a window's start: Django's "D j M, H:i"."""
    return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"


def _sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("main").get_by_role("button", name="Continue").click()  # email first
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    if secret := getattr(user, "totp_secret", None):
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _state_terms(
    page: Page, *, channels: list[str], hours: dict[str, list[tuple[str, str]]], reply: str
) -> None:
    """Fill the contact terms form: `hours` maps a day to its windows, in the person's zone."""
    for channel in channels:
        page.get_by_label(channel, exact=True).check()
    page.get_by_role("radio", name="No phone number").check()
    for day, windows in hours.items():
        group = page.get_by_role("group", name=day, exact=True)
        for n, (opens, closes) in enumerate(windows):
            more = group.locator("details")
            if n and not more.evaluate("details => details.open"):
                more.locator("summary").click()  # the second window waits behind "+"
            group.get_by_label(re.compile(r"^(From|and from):?$")).nth(n).fill(opens)
            group.get_by_label(re.compile(r"^to:?$")).nth(n).fill(closes)
    page.get_by_label("How quickly you usually reply").select_option(label=reply)


def test_admin_runs_a_cohort_to_published_matches_and_the_pair_agrees_how_to_keep_in_touch(
    open_page: Callable[[str, str], Page],
    people: dict[str, User],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    admin, mentor, mentee = people["admin"], people["mentor"], people["mentee"]
    starts_on = timezone.localdate() + timedelta(days=14)

    # The admin creates the cohort.
    page = open_page("admin", LONDON)
    _sign_in(page, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", name="Your cohorts")).to_be_visible()
    page.get_by_role("button", name="New cohort").click()
    page.get_by_label("Name").fill("Spring mentoring 2030")
    page.get_by_label("Description").fill("Six months of fortnightly sessions, at a distance.")
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Ends on").fill((starts_on + timedelta(days=180)).isoformat())
    page.get_by_label("Enrolment deadline").fill((starts_on - timedelta(days=3)).isoformat())
    page.get_by_role("radio", name="Admins run optimal matching").check()
    page.get_by_label("Weight: goals and expertise").fill("3")
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e3-cohort-form.png", full_page=True)
    page.get_by_role("button", name="Create cohort").click()

    expect(page.get_by_role("heading", name="Spring mentoring 2030", level=1)).to_be_visible()
    expect(page.get_by_text("Cohort created. Next: invite people.")).to_be_visible()

    # It imports a CSV: everyone is invited by email, those with accounts too.
    page.get_by_role("button", name="Invite people").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "spring-people.csv", "mimeType": "text/csv", "buffer": PEOPLE_CSV.encode()}
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="Import of spring-people.csv")).to_be_visible()
    progress = page.get_by_role("region", name="Done")
    expect(progress).to_contain_text("3 of 3 rows read.", timeout=15_000)
    for count, label in ((3, "invited"), (0, "unchanged (invited before)"), (0, "refused")):
        figure = progress.get_by_role("article").filter(has=page.get_by_text(label, exact=True))
        expect(figure.get_by_role("heading")).to_have_text(str(count))
    expect(progress).to_contain_text("Every row was imported.")
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e3-import.png", full_page=True)
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    assert not Enrolment.objects.exists()  # nobody joins without saying yes

    # Bob and Alice find the invitation on their dashboards and accept it.
    for who, person, zone, role in (
        ("mentor", mentor, LONDON, "mentor"),
        ("mentee", mentee, NEW_YORK, "mentee"),
    ):
        invited = open_page(f"{who}-invited", zone)
        _sign_in(invited, person)
        invited.goto("/dashboard/")
        notice = invited.locator("article").filter(
            has=invited.get_by_role("heading", name="Invitations waiting for you")
        )
        expect(notice).to_contain_text("Spring mentoring 2030")
        notice.get_by_role("link", name="see the invitation").click()
        invited.get_by_role("button", name=f"Join as a {role}").click()
        expect(invited).to_have_url(re.compile(r"/join-as/"))

    page.get_by_role("link", name="Invite people to Spring mentoring 2030").click()
    page.get_by_role("link", name="Spring mentoring 2030").click()
    figures = page.locator(".figures")
    for count, label in ((1, "mentees"), (1, "mentors"), (0, "active pairings")):
        figure = figures.get_by_role("article").filter(has=page.get_by_text(label, exact=True))
        expect(figure.get_by_role("heading")).to_have_text(str(count))
    assert set(Enrolment.objects.values_list("user__email", "role")) == {
        ("bob@example.org", ParticipantRole.MENTOR),
        ("alice@example.org", ParticipantRole.MENTEE),
    }

    # It runs matching, reviews the proposed pair with its score, and publishes.
    page.get_by_role("button", name="Matching").click()
    expect(page.get_by_text("No matching has run for this cohort yet.")).to_be_visible()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_text("Matching done: 1 of 1 mentees matched.")).to_be_visible()
    pairs = page.get_by_role("region", name="Proposed pairs, lowest score first")
    row = pairs.get_by_role("row").filter(has_text="Alice Moreau")
    expect(row.get_by_role("cell")).to_have_text(
        # Weights 1, goals 3: field, goals (3 shared words), hours (London and New York
        # overlap 15 h a week), seniority (10 years apart) are full; no channels stated yet.
        [
            "Alice Moreau",
            "Bob Okafor",
            "6.00",
            "100%",
            "100%",
            "100%",
            "100%",
            "0%",
            "0%",
            re.compile("Lock"),
        ]
    )
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e3-match-review.png", full_page=True)
    page.get_by_role("button", name="Publish…").click()  # it asks first
    page.get_by_role("button", name="Publish: ask each mentor to accept").click()

    expect(page.get_by_role("heading", name="Pairings", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Alice Moreau")
    expect(row).to_contain_text("Bob Okafor")
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "e2e3-published.png", full_page=True)
    expect(row).to_contain_text("Proposed")
    pairing = Pairing.objects.get(cohort__name="Spring mentoring 2030")
    assert (pairing.mentor, pairing.mentee, pairing.status) == (
        mentor,
        mentee,
        Pairing.Status.PROPOSED,
    )

    # The mentor, in London, accepts and states their terms.
    bob = open_page("mentor", LONDON)
    _sign_in(bob, mentor)
    bob.get_by_role("navigation", name="Main").get_by_role("link", name="Pairings").click()
    my_mentees = bob.get_by_role("region", name="My mentees")
    expect(my_mentees).to_contain_text("Alice Moreau")
    my_mentees.get_by_role("button", name="Read why, then accept or decline").click()
    expect(bob.get_by_role("heading", name="Mentoring Alice Moreau")).to_be_visible()
    expect(bob.get_by_role("region", name="Why you were paired")).to_contain_text("Goals: 100%")
    bob.get_by_role("button", name="Accept").click()

    expect(
        bob.get_by_text("You are now mentoring Alice Moreau. Next: agree how to keep in touch.")
    ).to_be_visible()
    bob_agreement = bob.get_by_role("region", name=re.compile("^Contact agreement"))
    expect(bob_agreement).to_contain_text(
        "Start your contact agreement: say how and when Alice Moreau may reach you."
    )
    bob_agreement.get_by_role("button", name="State your contact terms").click()
    expect(bob.get_by_role("heading", name="Your contact terms")).to_be_visible()
    expect(bob.get_by_label("Time zone of your hours")).to_have_value(LONDON)
    _state_terms(
        bob,
        channels=["Video call", "Email"],
        hours={"Monday": [("09:00", "12:00"), ("14:00", "17:00")]},
        reply="Within a day",
    )
    bob.get_by_role("button", name=f"Copy Monday to Tuesday{DASH}Friday").click()
    friday = bob.get_by_role("group", name="Friday", exact=True)
    expect(friday.get_by_label(re.compile(r"^and from:?$"))).to_have_value("14:00")
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "e2e3-terms-form.png", full_page=True)
    bob.get_by_role("button", name="Save my terms").click()

    expect(
        bob.get_by_text("Your terms are saved. Alice Moreau is asked to read and acknowledge them.")
    ).to_be_visible()
    # Nothing to acknowledge yet: Alice has stated no terms (Bob's own count as accepted).
    expect(bob_agreement).to_contain_text(
        "Waiting for Alice Moreau to say how and when you may reach them."
    )
    expect(bob_agreement.get_by_role("button", name=re.compile("I acknowledge"))).to_have_count(0)

    # The mentee, in New York, sees her mentor and his hours in her time, states her own
    # terms and acknowledges his.
    alice = open_page("mentee", NEW_YORK)
    _sign_in(alice, mentee)
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Pairings").click()
    alice.get_by_role("region", name="My mentor").get_by_role("link", name="Bob Okafor").click()
    expect(alice.get_by_role("heading", name="Your mentor Bob Okafor")).to_be_visible()
    expect(alice.get_by_text("Engineering manager, backend teams")).to_be_visible()
    alice_agreement = alice.get_by_role("region", name=re.compile("^Contact agreement"))
    expect(alice_agreement).to_contain_text(
        "Bob Okafor has said how and when you may reach them. "
        "Now say how and when they may reach you."
    )
    monday = _next_monday(datetime.now(ZoneInfo(NEW_YORK)).date())
    bob_monday_opens = datetime.combine(monday, time(9), ZoneInfo(LONDON))
    expect(alice_agreement).to_contain_text(
        f"{_shown(bob_monday_opens.astimezone(ZoneInfo(NEW_YORK)))}{DASH}"
    )
    bob_terms = alice_agreement.get_by_role("article", name=f"Bob Okafor{APOSTROPHE}s terms")
    expect(bob_terms).to_contain_text("Video call, Email")
    expect(bob_terms).to_contain_text("Not shared")  # his phone number
    alice_agreement.get_by_role("button", name="State your contact terms").click()
    expect(alice.get_by_label("Time zone of your hours")).to_have_value(NEW_YORK)
    _state_terms(
        alice,
        channels=["Video call", "Instant message"],
        hours={"Monday": [("18:00", "21:00")], "Wednesday": [("12:00", "13:00")]},
        reply="Within two or three days",
    )
    alice.get_by_role("button", name="Save my terms").click()

    expect(
        alice.get_by_text("Your terms are saved. Bob Okafor is asked to read and acknowledge them.")
    ).to_be_visible()
    expect(alice_agreement).to_contain_text(
        f"Bob Okafor{APOSTROPHE}s terms are waiting for you: read them below, "
        "then acknowledge them."
    )
    alice_agreement.get_by_role(
        "button", name=f"I acknowledge Bob Okafor{APOSTROPHE}s terms"
    ).click()
    expect(alice.get_by_text("You acknowledged the terms of Bob Okafor.")).to_be_visible()
    expect(alice_agreement).to_contain_text("Waiting for Bob Okafor to acknowledge your terms.")
    assert not agreement_holds(pairing=pairing)

    # The mentor acknowledges the new version, with Alice's terms in: the agreement holds.
    bob.reload()
    expect(bob_agreement).to_contain_text(
        f"Alice Moreau{APOSTROPHE}s terms are waiting for you: read them below, "
        "then acknowledge them."
    )
    # Alice's Monday evening in New York is late on Monday into Tuesday in London.
    monday = _next_monday(datetime.now(ZoneInfo(LONDON)).date())
    alice_monday = datetime.combine(monday, time(18), ZoneInfo(NEW_YORK)).astimezone(
        ZoneInfo(LONDON)
    )
    alice_monday_ends = datetime.combine(monday, time(21), ZoneInfo(NEW_YORK)).astimezone(
        ZoneInfo(LONDON)
    )
    expect(bob_agreement).to_contain_text(
        f"{_shown(alice_monday)}{DASH}{alice_monday_ends:%a %H:%M}"
    )
    bob_agreement.get_by_role(
        "button", name=f"I acknowledge Alice Moreau{APOSTROPHE}s terms"
    ).click()

    holds = "both acknowledged the current terms: the agreement holds."
    expect(bob.get_by_text("You acknowledged the terms of Alice Moreau.")).to_be_visible()
    expect(bob_agreement).to_contain_text(f"You and Alice Moreau {holds}")
    expect(bob_agreement.get_by_role("heading", level=2)).to_have_text(
        re.compile(r"Contact agreement\s+· Agreed")
    )
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "e2e3-pairing-mentor.png", full_page=True)
    alice.reload()
    expect(alice_agreement).to_contain_text(f"You and Bob Okafor {holds}")
    expect(alice_agreement).to_contain_text("Bob Okafor acknowledged them.")
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "e2e3-pairing-mentee.png", full_page=True)

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
    assert agreement_holds(pairing=pairing)
