"""Planned pauses through real browsers: a mentee plans two weeks off on the pairing page and
her mentor sees it on his; the cohort page leaves a pairing on track while its agreed pause
runs and flags the silence once it is over. Nothing is frozen: dates are relative to today.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import user_make_programme_admin
from oversight.services.health import pairing_health_refresh
from pairings.models import Pairing, PairingPause
from tests.agreements import agreement_reach
from tests.factories import (
    PASSWORD,
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.e2e


def _sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("main").get_by_role("button", name="Continue").click()  # email first
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _today_of(user: User) -> date:
    return timezone.now().astimezone(ZoneInfo(user.timezone)).date()


def _shown(day: date, today: date) -> str:
    """A day as the pauses section shows it: "9 March", with the year when it is not this one."""
    return f"{day.day} {day:%B}" + ("" if day.year == today.year else f" {day.year}")


def test_a_mentee_plans_two_weeks_off_and_her_mentor_sees_it(
    bob_and_alice: Pairing, new_page: Callable[..., Page]
):
    alice, bob = bob_and_alice.mentee, bob_and_alice.mentor
    starts_on = _today_of(alice) + timedelta(days=3)
    ends_on = starts_on + timedelta(days=13)  # two weeks, the last day included
    page = new_page(alice.timezone, who="alice")
    _sign_in(page, alice)

    page.goto(f"/programmes/pairings/{bob_and_alice.pk}/")
    pauses = page.locator("#pauses")
    expect(pauses.get_by_text("No pause planned.")).to_be_visible()
    pauses.get_by_text("We are pausing").click()
    pauses.get_by_label(re.compile(r"^From")).fill(starts_on.isoformat())
    pauses.get_by_label(re.compile(r"^Until")).fill(ends_on.isoformat())
    pauses.get_by_label(re.compile(r"^Why")).fill("Exams in June")
    pauses.get_by_role("button", name="Plan the pause").click()

    expect(page.get_by_text("planned; Bob Okafor is told.")).to_be_visible()
    expect(pauses).to_contain_text(
        f"Pausing from {_shown(starts_on, _today_of(alice))} until "
        f"{_shown(ends_on, _today_of(alice))}: Exams in June — planned by you"
    )
    pause = PairingPause.objects.get(pairing=bob_and_alice)
    assert (pause.starts_on, pause.ends_on, pause.status) == (
        starts_on,
        ends_on,
        PairingPause.Status.AGREED,
    )
    assert [m.to for m in mail.outbox] == [[bob.email]]

    page = new_page(bob.timezone, who="bob")
    _sign_in(page, bob)
    page.goto(f"/programmes/pairings/{bob_and_alice.pk}/")

    banner = page.locator("#pauses article.pause")
    expect(banner).to_contain_text(
        f"Pausing from {_shown(starts_on, _today_of(bob))} until "
        f"{_shown(ends_on, _today_of(bob))}: Exams in June — planned by Alice Moreau"
    )
    expect(banner.get_by_role("button", name="Withdraw the pause")).to_be_visible()


@pytest.fixture
def paused(transactional_db) -> Pairing:
    """Dana runs a cohort meeting every 14 days (no first meeting in person). Bob and Alice
    were paired 35 days ago, agreed how to keep in touch, held sessions that ended 33 and 20
    days ago, and agreed a pause from 18 days ago to 10 days ahead (Alice's exams)."""
    dana = UserFactory(email="dana@example.org", display_name="Dana Admin")
    user_make_programme_admin(user=dana)
    second_factor_add(dana)
    now = timezone.now()
    today = now.date()
    cohort = CohortFactory(
        name="Autumn leaders",
        starts_on=today - timedelta(days=40),
        enrolment_deadline=today - timedelta(days=43),
        first_session_in_person=False,
        admins=[dana],
    )
    bob = ProfileFactory(mentor=True, user__email="bob@example.org").user
    alice = ProfileFactory(mentee=True, user__email="alice@example.org").user
    EnrolmentFactory(cohort=cohort, user=bob, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=alice, role="mentee")
    pairing = PairingFactory(
        cohort=cohort, mentor=bob, mentee=alice, accepted_at=now - timedelta(days=35)
    )
    agreement_reach(pairing)
    for ended_ago in (33, 20):
        AppointmentFactory(
            pairing=pairing,
            starts_at=now - timedelta(days=ended_ago, hours=1),
            video_url="https://meet.example/abc",
        )
    PairingPause.objects.create(
        pairing=pairing,
        starts_on=today - timedelta(days=18),
        ends_on=today + timedelta(days=10),
        note="Exams",
        requested_by=alice,
    )
    return pairing


def _health_shown(page: Page, pairing: Pairing, *, today: date) -> str:
    pairing_health_refresh(pairings=[pairing], today=today)
    page.goto(f"/programmes/cohorts/{pairing.cohort_id}/")
    row = page.locator("section.pairings-table tbody tr", has_text=pairing.mentee.email)
    expect(row).to_have_count(1)
    return row.inner_text()


def test_the_cohort_page_shows_a_paused_pairing_on_track_and_flags_silence_after_the_pause(
    paused: Pairing, open_page: Callable[[str, User], Page]
):
    """Needs the health rules that know of pauses (oversight/health.py): without them, 20 days
    without contact read as "quiet" even while the agreed pause runs."""
    page = open_page("dana", paused.cohort.admins.get())
    today = timezone.now().date()

    during = _health_shown(page, paused, today=today)
    assert "On track" in during, during

    # 21 days after its last day, with no contact since before it began.
    after = _health_shown(page, paused, today=today + timedelta(days=31))
    assert "On track" not in after, after
    assert re.search(r"quiet|No contact", after, re.IGNORECASE), after
