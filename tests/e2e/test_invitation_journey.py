"""From an invitation link to the cohort's questions, signed out, through a real browser.

Clicks are counted from the invitation link (opening it is not a click) to the cohort's
questions; a form counts as one click (its submit), however many fields it has.
"""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from programmes.models import Cohort, Enrolment, Invite, PendingJoin
from tests.factories import PASSWORD, CohortFactory, UserFactory

pytestmark = pytest.mark.e2e

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
QUESTIONS = re.compile(r"/programmes/cohorts/\d+/join-as/(mentor|mentee)/$")


@pytest.fixture
def winter(transactional_db) -> Cohort:
    """Winter launch 2027, run by Dana Admin; nobody enrolled yet."""
    dana = UserFactory(email="dana@example.org", display_name="Dana Admin")
    cohort = CohortFactory(
        name="Winter launch 2027",
        description="Six months of fortnightly sessions for first-time team leads.",
        admins=[dana],
    )
    return cohort


def _invite(cohort: Cohort, **fields) -> Invite:
    return Invite.objects.create(
        cohort=cohort, expires_at=timezone.now() + timedelta(days=14), **fields
    )


def _sees_the_invitation(page: Page, role: str) -> None:
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Join Winter launch 2027", level=1)).to_be_visible()
    expect(main).to_contain_text(f"You are invited to join as a {role}.")
    expect(main).to_contain_text("Six months of fortnightly sessions for first-time team leads.")
    expect(main).to_contain_text("Run by Dana Admin, the programme admin.")
    expect(main.get_by_role("button", name="I already have an account")).to_be_visible()


def _set_password(page: Page) -> None:
    # allauth's labels end in Django's ":" suffix; "Password (again)" must not match too.
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^sign up$", re.I)).click()


def test_a_personal_invitation_leads_from_sign_up_straight_to_the_cohorts_questions(
    page: Page, winter, mailoutbox: list[mail.EmailMessage]
) -> None:
    invite = _invite(winter, role="mentee", email="grace@example.org", name="Grace Kim")

    page.goto(f"/programmes/join/{invite.token}/")  # page 1: the invitation
    _sees_the_invitation(page, "mentee")
    page.get_by_role("button", name="Create your account").click()  # click 1 → page 2: sign-up

    expect(page.get_by_label("Email")).to_have_value("grace@example.org")
    _set_password(page)  # click 2 → page 3: the cohort's questions, signed in

    expect(page).to_have_url(QUESTIONS)
    expect(page.get_by_role("heading", name="Winter launch 2027", level=1)).to_be_visible()
    expect(page.get_by_text("You joined Winter launch 2027 as a mentee.")).to_be_visible()
    grace = User.objects.get(email="grace@example.org")
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.role, enrolment.invite) == (grace, "mentee", invite)
    assert not [m for m in mailoutbox if CONFIRM_LINK.search(m.body)]  # no email to confirm


def test_confirming_the_email_on_a_phone_still_lands_the_person_in_the_cohort(
    new_page: Callable[..., Page], winter, mailoutbox: list[mail.EmailMessage]
) -> None:
    invite = _invite(winter, role="mentor")
    laptop = new_page("Europe/London", who="laptop")

    laptop.goto(f"/programmes/join/{invite.token}/")  # page 1: the invitation
    _sees_the_invitation(laptop, "mentor")
    laptop.get_by_role("button", name="Create your account").click()  # click 1 → page 2
    laptop.get_by_label("Email").fill("kim@example.org")
    _set_password(laptop)  # click 2 → page 3: "verify your email"
    expect(
        laptop.get_by_role("heading", name=re.compile("verify your email", re.I))
    ).to_be_visible()
    kim = User.objects.get(email="kim@example.org")
    assert PendingJoin.objects.filter(user=kim, invite=invite).exists()
    assert not Enrolment.objects.exists()

    # The email is opened on a phone: another browser, no session from the sign-up.
    link = next(m for m in (CONFIRM_LINK.search(m.body) for m in mailoutbox) if m)
    phone = new_page("America/Los_Angeles", device="phone", who="phone")
    phone.goto(link.group())  # page 4: confirm
    phone.get_by_role("button", name="Confirm").click()  # click 3 → page 5: sign in

    enrolment = Enrolment.objects.get()  # in the cohort now: the admin counts her
    assert (enrolment.user, enrolment.role, enrolment.invite) == (kim, "mentor", invite)
    phone.get_by_label(re.compile("^email", re.I)).fill("kim@example.org")
    phone.get_by_role("main").get_by_role("button", name="Continue").click()  # email first
    phone.get_by_label(re.compile("^password", re.I)).fill(PASSWORD)
    phone.get_by_role("main").get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    # clicks 4 and 5 → page 6: the cohort's questions

    expect(phone).to_have_url(QUESTIONS)
    expect(phone.get_by_role("heading", name="Winter launch 2027", level=1)).to_be_visible()
    expect(phone.get_by_text("You joined Winter launch 2027 as a mentor.")).to_be_visible()
    assert Enrolment.objects.count() == 1
    assert not PendingJoin.objects.exists()
