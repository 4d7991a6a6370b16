"""A mentee's first hour (issue 12), through a real browser: a personal invitation opened signed
out, sign-up with the address prefilled, the cohort's questions (one of them the cohort's own),
and, once matched and agreed, the first session booked from the pairing page.

What is not the point is set up by services: the cohort and its admin, a mentor enrolled with
availability and capacity, the cohort's own question, and, after the mentee's answers, matching
(run and published), the mentor's acceptance and both sides of the contact agreement.

Clicks are what the mentee clicks or checks (a form's submit is one; typing is none); pages are
those her browser lands on (a redirect's target, not the redirect). Opening the invitation link,
and coming back to the site once matched, are pages but no clicks.
"""

import re
from collections import Counter
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from matching.services.match_runs import match_run_create, match_run_publish
from pairings.models import Pairing
from pairings.selectors.agreements import agreement_holds
from pairings.services.pairings import pairing_accept
from programmes.models import Cohort, Enrolment, EnrolmentQuestion, Invite
from programmes.services.questions import question_create
from sessions_app.models import Appointment
from sessions_app.services.availability import availability_save
from tests.agreements import agreement_reach
from tests.factories import PASSWORD, CohortFactory, EnrolmentFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.e2e

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
QUESTIONS = re.compile(r"/programmes/cohorts/\d+/join-as/mentee/$")
COHORT = "Winter launch 2027"
OWN_QUESTION = "Which area do you want to grow in first?"
STAGES = (
    "invitation to the cohort's questions",
    "the questions",
    "her profile",
    "to the pairing page",
    "booking",
)


class Journey:
    """Counts the mentee's clicks, by stage, and the pages her browser lands on (each main-frame
    navigation, counted in the stage whose click led to it)."""

    def __init__(self, page: Page) -> None:
        self.clicks: Counter[str] = Counter()
        self.pages: list[tuple[str, str]] = []  # (stage, path)
        self.stage = STAGES[0]
        page.on(
            "framenavigated",
            lambda frame: (
                self.pages.append((self.stage, urlsplit(frame.url).path))
                if frame == page.main_frame
                else None
            ),
        )

    def click(self, locator: Locator) -> None:
        locator.click()
        self.clicks[self.stage] += 1

    def check(self, locator: Locator) -> None:
        locator.check()
        self.clicks[self.stage] += 1

    def report(self) -> str:
        lines = ["first hour of a mentee (clicks, pages: where she landed):"]
        for stage in STAGES:
            paths = [path for at, path in self.pages if at == stage]
            lines.append(
                f"  {stage}: {self.clicks[stage]} clicks, {len(paths)} pages: {' '.join(paths)}"
            )
        lines.append(f"  in all: {self.clicks.total()} clicks, {len(self.pages)} pages")
        return "\n".join(lines)


@pytest.fixture
def winter(transactional_db) -> Cohort:
    """Winter launch 2027, run by Dana Admin, with its own question and Bob Okafor (London)
    enrolled as a mentor with one place, offering 30 or 60 minutes on weekdays 09:00-17:00."""
    dana = UserFactory(email="dana@example.org", display_name="Dana Admin")
    cohort = CohortFactory(
        name=COHORT,
        description="Six months of fortnightly sessions for first-time team leads.",
        admins=[dana],
    )
    question_create(
        cohort=cohort,
        label=OWN_QUESTION,
        kind=EnrolmentQuestion.Kind.SINGLE,
        choices=["Leading a team", "Public speaking", "Code reviews"],
        required=True,
    )
    bob = ProfileFactory(
        mentor=True,
        user__email="bob@example.org",
        user__display_name="Bob Okafor",
        user__timezone="Europe/London",
        headline="Engineering manager, backend teams",
    ).user
    EnrolmentFactory(cohort=cohort, user=bob, role="mentor", capacity=1)
    availability_save(
        mentor=bob,
        session_lengths=[30, 60],
        buffer_before=0,
        buffer_after=10,
        notice_hours=12,
        weekly_limit=5,
        horizon_weeks=8,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    return cohort


def _match_and_agree(cohort: Cohort) -> Pairing:
    """What the admin and the mentor do meanwhile: matching run and published, the mentor
    accepts, both state their contact terms and acknowledge each other's."""
    admin = cohort.admins.get()
    match_run_publish(run=match_run_create(cohort=cohort, by=admin))
    pairing = Pairing.objects.get(cohort=cohort)
    pairing_accept(pairing=pairing, by=pairing.mentor)
    agreement_reach(pairing, channels=["video", "chat", "email"])
    assert agreement_holds(pairing=pairing)
    return pairing


def test_a_mentee_goes_from_a_personal_invitation_to_her_first_booked_session(
    page: Page, winter: Cohort, mailoutbox: list[mail.EmailMessage]
) -> None:
    invite = Invite.objects.create(
        cohort=winter,
        role="mentee",
        email="grace@example.org",
        name="Grace Kim",
        expires_at=timezone.now() + timedelta(days=14),
    )
    grace = Journey(page)

    # The invitation, opened signed out; sign-up with the invited address prefilled.
    page.goto(f"/programmes/join/{invite.token}/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=f"Join {COHORT}", level=1)).to_be_visible()
    expect(main).to_contain_text("You are invited to join as a mentee.")
    grace.click(page.get_by_role("button", name="Create your account"))
    expect(page.get_by_label("Email")).to_have_value("grace@example.org")
    # allauth's labels end in Django's ":" suffix; "Password (again)" must not match too.
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    grace.click(page.get_by_role("main").get_by_role("button", name=re.compile("^sign up$", re.I)))

    # The personal link already proved the address: no confirmation email, no second browser;
    # she is signed in and in the cohort, on its questions.
    expect(page).to_have_url(QUESTIONS)
    assert not [m for m in mailoutbox if CONFIRM_LINK.search(m.body)]
    expect(page.get_by_role("heading", name=COHORT, level=1)).to_be_visible()
    expect(page.get_by_text(f"You joined {COHORT} as a mentee.")).to_be_visible()
    user = User.objects.get(email="grace@example.org")
    enrolment = Enrolment.objects.get(user=user)
    assert (enrolment.cohort, enrolment.role, enrolment.invite) == (winter, "mentee", invite)
    invite.refresh_from_db()
    assert invite.accepted_by == user

    # Her answers, the cohort's own question among them.
    grace.stage = STAGES[1]
    own = page.get_by_role("group", name=f"Questions from {COHORT}")
    expect(own.get_by_text(OWN_QUESTION)).to_be_visible()
    grace.check(page.get_by_label("Video call", exact=True))
    page.get_by_label("Your goals for this programme").fill(
        "Lead my first team's planning and give feedback that helps."
    )
    grace.check(own.get_by_role("radio", name="Leading a team"))
    grace.click(page.get_by_role("button", name="Save my answers"))
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    question = winter.questions.get()
    enrolment.refresh_from_db()
    assert enrolment.answers == {str(question.pk): "Leading a team"}

    # Then her profile, where the site sends her (matching needs her language, prefilled from
    # the browser's).
    grace.stage = STAGES[2]
    expect(page.get_by_role("heading", name="Welcome! Tell us about yourself")).to_be_visible()
    page.get_by_label("Display name").fill("Grace Kim")
    page.get_by_label("Headline").fill("New team lead, backend")
    page.get_by_label("Field or industry").select_option(label="Technology and software")
    page.get_by_label("Years of experience").fill("6")
    grace.click(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_text("Welcome aboard: your profile is ready.")).to_be_visible()

    # Meanwhile: matched with Bob, who accepts; both agree how to keep in touch.
    pairing = _match_and_agree(winter)
    assert (pairing.mentor.email, pairing.mentee) == ("bob@example.org", user)

    # She comes back to her dashboard and finds her mentor.
    grace.stage = STAGES[3]
    page.goto("/dashboard/")
    grace.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Pairings"))
    grace.click(page.get_by_role("region", name="My mentor").get_by_role("link", name="Bob Okafor"))
    expect(page.get_by_role("heading", name="Your mentor Bob Okafor")).to_be_visible()

    # The first session: the first free time proposed, taken.
    grace.stage = STAGES[4]
    grace.click(page.get_by_role("button", name="Book a session"))
    expect(page.get_by_role("heading", name="Book a session with Bob Okafor")).to_be_visible()
    proposed = page.locator(".slot-time.slot-first input")
    expect(proposed).to_be_checked()
    starts_at = proposed.get_attribute("value")
    grace.click(page.get_by_role("button", name="Book this session"))

    expect(page.get_by_role("heading", name="Session with Bob Okafor")).to_be_visible()
    expect(page.get_by_text("Session booked.")).to_be_visible()
    appointment = Appointment.objects.get()
    expect(page).to_have_url(re.compile(rf"/sessions/{appointment.pk}/$"))
    assert appointment.pairing == pairing
    assert appointment.starts_at.isoformat() == starts_at

    print("\n" + grace.report())
    assert grace.clicks[STAGES[4]] <= 3
