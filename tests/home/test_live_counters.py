"""The dashboard's counters and the navigation's admin links come from per-person versions in
Redis (mentoring/live.py): right after a write that changes one, every browser of the person
sees it, and nobody else's dashboard moves."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.urls import reverse

from feedback.models import Feedback
from feedback.services import feedback_answer, feedback_scan
from mentoring.live import cached, counters_cached
from organisations.models import Role
from organisations.services import membership_ensure
from programmes.models import Invite
from sessions_app.services.booking import appointment_cancel
from tests.factories import CohortFactory, default_organisation
from tests.sessions_app.test_booking import TUE_10_NY, agree, book, open_hours

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DASHBOARD = "/dashboard/"
NOTHING_BOOKED = "Nothing booked."
FEEDBACK_WAITING = "Feedback waiting for you"
INVITATIONS = "Invitations waiting for you"


@pytest.fixture(autouse=True)
def _counters_cached(settings) -> None:
    settings.PERSON_COUNTERS_CACHE = True


@pytest.fixture(autouse=True)
def monday_noon():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def sql_of(client: Client, url: str = DASHBOARD) -> list[str]:
    """The statements one GET runs (counted as they run: the debug log is a bounded deque)."""
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return statements


def queries_of(client: Client) -> int:
    return len(sql_of(client))


@pytest.fixture
def booked_pairing(pairing):
    open_hours(pairing.mentor)
    agree(pairing, ["video"])
    return pairing


def test_a_session_booked_shows_at_once_in_both_peoples_browsers(
    booked_pairing, mentor, mentee, other_mentee, other_pairing, django_capture_on_commit_callbacks
):
    phone, laptop, bob = signed_in(mentee), signed_in(mentee), signed_in(mentor)
    charlie = signed_in(other_mentee)
    for client in (phone, laptop, bob, charlie):
        assert NOTHING_BOOKED in page(client)  # counted, and cached: nothing to come
    charlie_cached = queries_of(charlie)

    with django_capture_on_commit_callbacks(execute=True):
        session = book(booked_pairing)

    for client in (phone, laptop):
        html = page(client)
        assert NOTHING_BOOKED not in html
        assert reverse("sessions_app:detail", args=[session.pk]) in html
    assert reverse("sessions_app:detail", args=[session.pk]) in page(bob)
    assert NOTHING_BOOKED in page(charlie)  # another person's counters did not move
    assert queries_of(charlie) == charlie_cached

    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=session, by=mentor, reason="Ill.")
    assert NOTHING_BOOKED in page(laptop)
    assert NOTHING_BOOKED in page(bob)


def test_empty_lists_cost_no_query_while_nothing_changed(mentee, pairing):
    alice = signed_in(mentee)
    first = queries_of(alice)  # counts every list, then keeps how many each held
    again = queries_of(alice)
    assert again <= first - 3  # sessions, feedback and invitations: empty, not asked


def test_feedback_asked_shows_and_answered_goes(
    booked_pairing, mentee, mentor, monday_noon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(booked_pairing)
    alice, bob = signed_in(mentee), signed_in(mentor)
    monday_noon.move_to(TUE_10_NY + timedelta(hours=2))  # the session is over
    assert FEEDBACK_WAITING not in page(alice)
    assert FEEDBACK_WAITING not in page(bob)

    with django_capture_on_commit_callbacks(execute=True):
        feedback_scan(now=TUE_10_NY + timedelta(hours=2))  # bulk-inserts the requests

    assert FEEDBACK_WAITING in page(alice)
    assert FEEDBACK_WAITING in page(bob)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_answer(
            feedback=Feedback.objects.get(person=mentee), by=mentee, took_place=True, rating=4
        )
    assert FEEDBACK_WAITING not in page(alice)
    assert FEEDBACK_WAITING in page(bob)  # Bob has not answered his


def test_an_invitation_shows_when_sent_and_goes_when_accepted(mentee, other_mentee):
    alice, charlie = signed_in(mentee), signed_in(other_mentee)
    assert INVITATIONS not in page(alice)
    assert INVITATIONS not in page(charlie)
    EmailAddress.objects.update_or_create(
        user=mentee, email=mentee.email, defaults={"verified": True, "primary": True}
    )
    cohort = CohortFactory(name="Autumn cohort")
    invite = Invite.objects.create(
        cohort=cohort, role="mentee", email=mentee.email, expires_at=NOW + timedelta(days=7)
    )
    assert "Autumn cohort" in page(alice)
    assert INVITATIONS not in page(charlie)
    invite.delete()
    assert INVITATIONS not in page(alice)


def test_the_admin_links_follow_a_role_given_and_taken(mentee):
    alice = signed_in(mentee)
    cohorts = reverse("oversight:cohort_list")
    assert cohorts not in page(alice)
    membership = membership_ensure(
        organisation=default_organisation(), user=mentee, role=Role.ADMIN
    )
    assert cohorts in page(alice)
    membership.delete()
    assert cohorts not in page(alice)


def test_without_a_shared_cache_every_page_counts_afresh(settings, mentee):
    settings.LIVE_VERSIONS_CACHED = False  # the embedded mode: each process its own cache
    alice = signed_in(mentee)
    assert queries_of(alice) == queries_of(alice)
    computed = []
    assert counters_cached(user_id=mentee.pk, compute=lambda: computed.append(1) or {}) == {}
    assert counters_cached(user_id=mentee.pk, compute=lambda: computed.append(1) or {}) == {}
    assert len(computed) == 2


def test_a_cache_that_fails_falls_through_to_the_database(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: every call fails at once
        }
    }
    assert cached(version_keys=["live:x"], key="live:y", compute=lambda: 7) == 7


def test_the_booking_page_knows_from_the_counters_that_nothing_is_booked(
    booked_pairing, mentee, django_capture_on_commit_callbacks
):
    alice = signed_in(mentee)
    booking = reverse("sessions_app:book", args=[booked_pairing.pk])
    unknown = sql_of(alice, booking)
    assert NOTHING_BOOKED in page(alice)  # the dashboard counted: nothing to come
    known = sql_of(alice, booking)
    sessions_to_come = 'SELECT "sessions_app_appointment"."id"'
    assert [sql for sql in unknown if sql.startswith(sessions_to_come)]
    assert not [sql for sql in known if sql.startswith(sessions_to_come)]
    response = alice.get(booking)
    assert "Already booked" not in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        session = book(booked_pairing)
    html = alice.get(booking).content.decode()
    assert "Already booked" in html
    assert reverse("sessions_app:detail", args=[session.pk]) in html
