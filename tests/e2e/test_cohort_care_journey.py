"""Looking after a cohort through real browsers: the programme admin opens the cohort page,
filters it to the pairings at risk and nudges the one that went silent; a mentee answers the
feedback prompt on her dashboard after a session. Nothing is frozen: times are relative to now.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import user_make_programme_admin
from feedback.models import Feedback
from feedback.services import feedback_scan
from oversight.models import HealthStatus, Nudge, PairingHealth
from oversight.services.health import pairing_health_refresh
from pairings.models import Pairing
from programmes.models import Cohort
from sessions_app.models import Appointment
from tests.factories import (
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.e2e


def held_session(pairing: Pairing, *, ended_ago: timedelta) -> Appointment:
    """A video session of an hour that ended `ended_ago` before now."""
    return AppointmentFactory(
        pairing=pairing,
        starts_at=timezone.now() - ended_ago - timedelta(hours=1),
        video_url="https://meet.example/abc",
    )


def pairing_in(cohort: Cohort, mentor: User, mentee: User, *, accepted_ago: timedelta) -> Pairing:
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    return PairingFactory(
        cohort=cohort, mentor=mentor, mentee=mentee, accepted_at=timezone.now() - accepted_ago
    )


@pytest.fixture
def cohort(transactional_db) -> Cohort:
    """Dana runs a cohort that started 70 days ago, meeting every 14 days:
    - Bob and Alice met twice, the last time 35 days ago, and went silent since: at risk;
    - Oscar and Charlie started last week and held their first session two hours ago."""
    dana = UserFactory(email="dana@example.org", display_name="Dana Admin")
    user_make_programme_admin(user=dana)
    second_factor_add(dana)
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Autumn leaders",
        starts_on=today - timedelta(days=70),
        enrolment_deadline=today - timedelta(days=73),
        admins=[dana],
    )
    person = {
        name: ProfileFactory(
            mentor=name in ("bob", "oscar"),
            mentee=name in ("alice", "charlie"),
            user__email=f"{name}@example.org",
            user__display_name=f"{name.title()} Example",
        ).user
        for name in ("bob", "alice", "oscar", "charlie")
    }
    silent = pairing_in(cohort, person["bob"], person["alice"], accepted_ago=timedelta(days=63))
    held_session(silent, ended_ago=timedelta(days=49))
    held_session(silent, ended_ago=timedelta(days=35))
    fresh = pairing_in(cohort, person["oscar"], person["charlie"], accepted_ago=timedelta(days=6))
    held_session(fresh, ended_ago=timedelta(hours=2))
    pairing_health_refresh()
    feedback_scan(now=timezone.now())
    return cohort


def test_the_admin_filters_to_the_pairings_at_risk_and_nudges_the_silent_one(
    cohort: Cohort, open_page: Callable[[str, User], Page]
):
    silent = cohort.pairings.get(mentee__email="alice@example.org")
    assert silent.health.status == HealthStatus.AT_RISK
    assert cohort.pairings.get(mentee__email="charlie@example.org").health.status != (
        HealthStatus.AT_RISK
    )
    page = open_page("dana", cohort.admins.get())

    page.goto(f"/programmes/cohorts/{cohort.pk}/")
    table = page.locator("section.pairings-table")
    expect(table.get_by_text("charlie@example.org")).to_be_visible()
    table.get_by_role("combobox", name="Health").select_option(HealthStatus.AT_RISK)
    table.get_by_role("button", name="Show").click()

    expect(table.get_by_text("charlie@example.org")).to_have_count(0)
    row = table.locator("tbody tr", has_text="alice@example.org")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("No contact for 35 days")
    row.get_by_role("link", name="Nudge Bob Example and Alice Example").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Nudge")
    page.get_by_label("Both").check()
    page.get_by_role("button", name="Send the nudge").click()

    expect(page.get_by_text("Nudge sent.")).to_be_visible()
    nudge = Nudge.objects.get(pairing=silent)
    assert (nudge.to_mentor, nudge.to_mentee) == (True, True)
    nudges = [email for email in mail.outbox if "(Autumn leaders)" in email.subject]
    assert sorted(address for email in nudges for address in email.to) == [
        "alice@example.org",
        "bob@example.org",
    ]
    assert all(nudge.get_template_display() in email.subject for email in nudges)
    # The flag stays for the admin to watch: a nudge is not a fix.
    assert PairingHealth.objects.get(pairing=silent).status == HealthStatus.AT_RISK


def test_a_mentee_answers_the_feedback_prompt_on_her_dashboard(
    cohort: Cohort, open_page: Callable[[str, User], Page]
):
    charlie = User.objects.get(email="charlie@example.org")
    page = open_page("charlie", charlie)

    page.goto("/dashboard/")
    prompts = page.locator(
        "article", has=page.get_by_role("heading", name="Feedback waiting for you")
    )
    prompts.get_by_role("link", name="Session with Oscar Example").click()
    page.get_by_label("Yes, it took place").check()
    page.get_by_label("4 · Good").check()
    page.get_by_label("What went well?").fill("Oscar helped me plan the first team meeting.")
    page.get_by_label("Share my words with my partner").check()
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    answer = Feedback.objects.get(person=charlie, kind=Feedback.Kind.SESSION)
    assert (answer.took_place, answer.rating) == (True, 4)
    assert answer.went_well == "Oscar helped me plan the first team meeting."
    assert (answer.share_with_partner, answer.share_with_programme) == (True, False)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Feedback waiting for you")).to_have_count(0)
