"""The booking pages show free times from the mentor's booking rules kept in the shared cache
(sessions_app/live.py): the same free times as computed afresh, three queries fewer, whatever
the mentor changes on their availability page shown at once, and a booking still checked
against the database. Needs Redis (LIVE_VERSIONS_CACHED), as in production.

Time stands still on Monday 2 March 2026, 12:00 UTC: Bob (New York) offers weekdays 09:00-17:00
his time, 30 or 60 minutes with 10 minutes after, on 24 hours' notice, up to 8 weeks ahead."""

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from sessions_app.forms.booking import slot_value
from sessions_app.models import Appointment, Availability, DateOverride
from sessions_app.services.availability import availability_save, date_override_add
from tests.caches import REFUSING_CACHES
from tests.factories import EnrolmentFactory, PairingFactory, ProfileFactory
from tests.sessions_app.test_availability import ADD, PAGE, rules
from tests.sessions_app.test_availability import form_data as hours_form
from tests.sessions_app.test_booking import agree, book, book_url
from tests.sessions_app.test_booking import form_data as booking_form

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday; Bob's 07:00
TUE_10_NY = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York (EST)
TUE_13_NY = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
TUE_1615_NY = datetime(2026, 3, 3, 21, 15, tzinfo=UTC)  # the last 30-minute start with 10 after
TUE_1630_NY = datetime(2026, 3, 3, 21, 30, tzinfo=UTC)  # the last one with nothing after
WED_10_NY = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
SAT_10_NY = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
TUE_17_MARCH_10_NY = datetime(2026, 3, 17, 14, 0, tzinfo=UTC)  # EDT by then
FREE_TIME = re.compile(r'name="starts_at" value="([^"]+)"')
ONE_TIME = re.compile(
    r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|name="token" value=")[^"]+"'
)
RULES_TABLES = (
    "sessions_app_availability",
    "sessions_app_weeklywindow",
    "sessions_app_dateoverride",
)


@pytest.fixture(autouse=True)
def _rules_cached(settings) -> None:
    settings.LIVE_VERSIONS_CACHED = True  # Redis, as in production
    settings.BOOKING_RULES_CACHE = True


@pytest.fixture(autouse=True)
def monday_noon():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(pairing, mentor):
    """Bob's hours (the rules above) and a way to meet both allow."""
    agree(pairing, ["video"])
    return availability_save(mentor=mentor, **rules())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, pairing, **query) -> str:
    response = client.get(book_url(pairing), query)
    assert response.status_code == 200
    return response.content.decode()


def free_times(client: Client, pairing, **query) -> list[str]:
    """The free times the booking page offers, as the form posts them."""
    return FREE_TIME.findall(page(client, pairing, **query))


def sql_of(client: Client, url: str, **query) -> list[str]:
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url, query).status_code == 200
    return statements


def asks_for_rules(statements: list[str]) -> bool:
    return any(table in sql for sql in statements for table in RULES_TABLES)


# --- the same free times, fewer queries -----------------------------------------------------


@pytest.mark.parametrize(
    "query", [{}, {"length": 60, "week": "2026-03-02"}, {"week": "2026-04-13"}]
)
def test_the_page_from_the_cache_is_the_computed_one_but_for_its_one_time_tokens(
    settings, pairing, mentor, published, query
):
    for day, day_off, starts, ends in [
        (date(2026, 3, 4), True, None, None),  # Wednesday off
        (date(2026, 3, 7), False, time(10), time(12)),  # extra hours on Saturday
        (date(2026, 4, 14), True, None, None),
    ]:
        date_override_add(
            mentor=mentor,
            day=day,
            day_off=day_off,
            starts=starts,
            ends=ends,
            now=NOW,
        )
    alice = signed_in(pairing.mentee)
    settings.BOOKING_RULES_CACHE = False
    computed = page(alice, pairing, **query)
    settings.BOOKING_RULES_CACHE = True
    page(alice, pairing, **query)  # computed, and kept
    assert not asks_for_rules(sql_of(alice, book_url(pairing), **query))

    cached = page(alice, pairing, **query)

    assert FREE_TIME.findall(cached)
    assert ONE_TIME.sub("", cached) == ONE_TIME.sub("", computed)


def test_from_the_cache_the_page_asks_three_queries_fewer(settings, pairing, published):
    alice = signed_in(pairing.mentee)
    settings.BOOKING_RULES_CACHE = False
    computed = sql_of(alice, book_url(pairing))
    settings.BOOKING_RULES_CACHE = True
    sql_of(alice, book_url(pairing))  # computed, and kept

    cached = sql_of(alice, book_url(pairing))

    assert asks_for_rules(computed)
    assert not asks_for_rules(cached)
    assert len(cached) == len(computed) - 3


def test_a_redis_that_refuses_connections_still_shows_the_free_times(settings, pairing, published):
    alice = signed_in(pairing.mentee)
    settings.BOOKING_RULES_CACHE = False
    computed = free_times(alice, pairing)
    settings.BOOKING_RULES_CACHE = True

    with override_settings(CACHES=REFUSING_CACHES):
        offered = free_times(alice, pairing)

    assert slot_value(TUE_10_NY) in offered
    assert offered == computed


# --- what the mentor changes shows at once ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "query", "moment", "offered_after"),
    [
        # The weekly hours: Tuesday from 13:00 instead of 09:00; Saturday mornings too.
        ({"window_1_1_from": "13:00"}, {}, TUE_10_NY, False),
        ({"window_5_1_from": "10:00", "window_5_1_to": "12:00"}, {}, SAT_10_NY, True),
        # Notice: two days instead of one.
        ({"notice_hours": "48"}, {}, TUE_10_NY, False),
        # Horizon: one week instead of eight.
        ({"horizon_weeks": "1"}, {"week": "2026-03-16"}, TUE_17_MARCH_10_NY, False),
        # Lengths: 60 minutes only, so the last 30-minute start goes.
        ({"session_lengths": ["60"]}, {"length": 30}, TUE_1615_NY, False),
        # Buffers: nothing after a session, so a 30-minute one may end at 17:00.
        ({"buffer_after": "0"}, {"length": 30}, TUE_1630_NY, True),
    ],
)
def test_the_rules_saved_on_the_availability_page_show_at_once_to_the_mentee(
    pairing, mentor, published, changes, query, moment, offered_after
):
    alice, bob = signed_in(pairing.mentee), signed_in(mentor)
    assert (slot_value(moment) in free_times(alice, pairing, **query)) is not offered_after
    assert (slot_value(moment) in free_times(alice, pairing, **query)) is not offered_after

    saved = bob.post(PAGE, hours_form(**changes))

    assert saved.status_code == 302
    assert (slot_value(moment) in free_times(alice, pairing, **query)) is offered_after


def test_a_day_off_and_its_removal_show_at_once_to_the_mentee(pairing, mentor, published):
    alice, bob = signed_in(pairing.mentee), signed_in(mentor)
    assert slot_value(WED_10_NY) in free_times(alice, pairing)

    bob.post(ADD, {"override-date": "2026-03-04", "override-kind": "day_off"})
    assert slot_value(WED_10_NY) not in free_times(alice, pairing)
    assert slot_value(TUE_10_NY) in free_times(alice, pairing)

    day_off = DateOverride.objects.get()
    bob.post(reverse("sessions_app:availability_override_remove", args=[day_off.pk]))
    assert slot_value(WED_10_NY) in free_times(alice, pairing)


def test_extra_hours_on_a_saturday_show_at_once_to_the_mentee(pairing, mentor, published):
    alice, bob = signed_in(pairing.mentee), signed_in(mentor)
    assert slot_value(SAT_10_NY) not in free_times(alice, pairing)

    bob.post(
        ADD,
        {
            "override-date": "2026-03-07",
            "override-kind": "extra",
            "override-starts": "10:00",
            "override-ends": "12:00",
        },
    )

    assert slot_value(SAT_10_NY) in free_times(alice, pairing)


def test_the_moving_page_keeps_the_rules_too_and_shows_a_day_off_at_once(
    pairing, mentor, published
):
    session = book(pairing, starts_at=TUE_10_NY, length=30)
    alice, bob = signed_in(pairing.mentee), signed_in(mentor)
    url = reverse("sessions_app:reschedule", args=[session.pk])
    assert FREE_TIME.findall(alice.get(url).content.decode())  # computed, and kept
    assert not asks_for_rules(sql_of(alice, url))
    assert slot_value(WED_10_NY) in FREE_TIME.findall(alice.get(url).content.decode())

    bob.post(ADD, {"override-date": "2026-03-04", "override-kind": "day_off"})

    assert slot_value(WED_10_NY) not in FREE_TIME.findall(alice.get(url).content.decode())


# --- a booking checks the database ------------------------------------------------------------


def test_a_time_a_stale_copy_still_shows_is_refused_when_booked(pairing, published):
    alice = signed_in(pairing.mentee)
    shown = alice.get(book_url(pairing), {"length": 30})
    # A write that sends no signal, so bumps nothing: the kept copy is out of date.
    Availability.objects.filter(mentor=pairing.mentor).update(notice_hours=48)
    assert slot_value(TUE_10_NY) in free_times(alice, pairing, length=30)

    refused = alice.post(
        book_url(pairing), booking_form(shown, starts_at=slot_value(TUE_10_NY), length=30)
    )

    assert refused.status_code == 200
    assert not Appointment.objects.exists()
    assert slot_value(TUE_10_NY) not in FREE_TIME.findall(refused.content.decode())


# --- one mentor's write leaves another's kept rules alone ----------------------------------------


def test_a_mentors_write_leaves_another_mentors_kept_rules_in_place(
    cohort, pairing, mentor, published, other_mentee
):
    oscar = ProfileFactory(
        mentor=True, user__email="oscar@example.org", user__timezone="America/New_York"
    ).user
    EnrolmentFactory(cohort=cohort, user=oscar, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=other_mentee, role="mentee")
    theirs = PairingFactory(cohort=cohort, mentor=oscar, mentee=other_mentee)
    agree(theirs, ["video"])
    availability_save(mentor=oscar, **rules())
    charlie, bob = signed_in(other_mentee), signed_in(mentor)
    before = free_times(charlie, theirs)  # computed, and kept

    bob.post(ADD, {"override-date": "2026-03-04", "override-kind": "day_off"})

    assert not asks_for_rules(sql_of(charlie, book_url(theirs)))
    assert free_times(charlie, theirs) == before
    assert slot_value(WED_10_NY) in before


def test_hours_removed_with_their_availability_show_at_once_and_cost_no_query_per_row(
    pairing, mentor, published, other_mentee
):
    alice = signed_in(pairing.mentee)
    assert free_times(alice, pairing)
    oscar = ProfileFactory(mentor=True, user__email="oscar@example.org").user
    availability_save(mentor=oscar, **rules(windows=[(0, time(9), time(17))]))
    date_override_add(
        mentor=oscar, day=date(2026, 3, 4), day_off=True, starts=None, ends=None, now=NOW
    )
    for day in (date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18)):
        date_override_add(mentor=mentor, day=day, day_off=True, starts=None, ends=None, now=NOW)

    def removal_statements(user) -> int:
        statements: list[str] = []

        def record(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            Availability.objects.filter(mentor=user).delete()
        return len(statements)

    # Bob's five windows and three dates go in as many statements as Oscar's one and one.
    assert removal_statements(mentor) == removal_statements(oscar)
    assert "Bob Mentor has not opened any times for sessions yet." in page(alice, pairing)
