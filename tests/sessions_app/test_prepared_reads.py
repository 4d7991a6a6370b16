"""Reads whose SQL is written once (sessions_app.db.PreparedRead): the values go where the ORM's
SQL takes them, the rows come back as the ORM gives them, on PostgreSQL and SQLite."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.http import Http404

from sessions_app.db import PreparedRead
from sessions_app.models import Appointment, DateOverride
from sessions_app.selectors import appointments as appointment_selectors
from sessions_app.selectors import availability as availability_selectors
from sessions_app.selectors import slots as slot_selectors
from sessions_app.selectors.appointments import pairing_get_for_booking
from sessions_app.selectors.availability import (
    availability_of_mentor,
    date_overrides_upcoming,
)
from sessions_app.selectors.slots import free_slots
from sessions_app.services.availability import date_override_add
from tests.factories import UserFactory
from tests.sessions_app.test_slots import book, busy_in_calendar, publish, starts, utc

SINCE, UNTIL = datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 11, 7, 30, tzinfo=UTC)

# Each read with values no two of which are equal, in each of its shapes.
READS = {
    "busy, one person": (slot_selectors._BUSY, {"people": [11], "start": SINCE, "end": UNTIL}),
    "busy, both": (slot_selectors._BUSY, {"people": [11, 12], "start": SINCE, "end": UNTIL}),
    "booked, one person": (
        slot_selectors._BOOKED,
        {"people": [11], "since": SINCE, "until": UNTIL, "exclude": None},
    ),
    "booked, both, one session left out": (
        slot_selectors._BOOKED,
        {"people": [11, 12], "since": SINCE, "until": UNTIL, "exclude": 13},
    ),
    "availability": (availability_selectors._AVAILABILITY, {"user": UserFactory.build(pk=11)}),
    "windows": (availability_selectors._WINDOWS, {"availability_id": 11}),
    "overrides from today": (
        availability_selectors._OVERRIDES_UPCOMING,
        {"availability_id": 11, "today": date(2026, 5, 4)},
    ),
    "the pairing for booking, whole": (
        appointment_selectors._PAIRING_FOR_BOOKING,
        {"user": UserFactory.build(pk=11), "pairing_id": 12, "whole": True},
    ),
    "the pairing for booking, what the page shows": (
        appointment_selectors._PAIRING_FOR_BOOKING,
        {"user": UserFactory.build(pk=11), "pairing_id": 12, "whole": False},
    ),
}


@pytest.mark.parametrize("name", READS)
def test_each_read_lists_its_values_where_the_orms_sql_takes_them(db, name):
    read, values = READS[name]
    _sql, compiled = read.build(**values).query.get_compiler(using="default").as_sql()

    assert read.params(connection, **values) == list(compiled)


def test_a_read_whose_values_are_out_of_order_sends_the_orms_own_sql_each_time(db):
    mentor = UserFactory()
    publish(mentor, days=[0, 2])
    backwards = PreparedRead(
        DateOverride,
        lambda *, availability_id, today: DateOverride.objects.filter(
            availability_id=availability_id, date__gte=today
        ).values_list("date"),
        lambda connection, *, availability_id, today: [today, availability_id],  # wrong way round
    )
    date_override_add(
        mentor=mentor, day=date(2026, 5, 6), day_off=True, starts=None, ends=None, now=SINCE
    )
    availability_id = mentor.availability.pk

    for _ in range(2):
        rows = backwards.rows(availability_id=availability_id, today=date(2026, 5, 4))
        assert rows == [(date(2026, 5, 6),)]
    assert backwards.written == {}


@pytest.mark.sqlite_too
def test_free_times_the_availability_page_and_its_overrides_read_the_same_on_sqlite(db, mentee):
    """The rows' values converted as the ORM converts them: times, dates, the lengths' list."""
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "12:00"), days=[0, 1], lengths=(30, 60))
    book(mentor, mentee, utc(2026, 5, 4, 10), minutes=30, around=15)
    moved = book(mentor, UserFactory(), utc(2026, 5, 4, 9), minutes=30)
    half_second = timedelta(milliseconds=500)
    busy_in_calendar(mentee, (utc(2026, 5, 4, 11, 30) + half_second, utc(2026, 5, 4, 12)))
    date_override_add(
        mentor=mentor, day=date(2026, 5, 5), day_off=True, starts=None, ends=None, now=SINCE
    )

    for _ in range(2):  # compiled, then from the SQL kept
        slots = free_slots(
            mentor=mentor,
            mentee=mentee,
            length=30,
            now=utc(2026, 5, 1),
            start=utc(2026, 5, 4),
            end=utc(2026, 5, 6),
            exclude_appointment_id=moved.pk,
        )
        # 09:45-10:45 blocked by the session and its buffers, 11:30 on by the busy time (half a
        # second past the quarter hour), the session being moved blocks nothing, 5 May is off.
        assert starts(slots) == [
            utc(2026, 5, 4, h, m) for h, m in ((9, 0), (9, 15), (10, 45), (11, 0))
        ]

        offers, availability = availability_of_mentor(user=mentor)
        assert offers is True
        assert availability.session_lengths == [30, 60]
        assert [(w.weekday, w.starts, w.ends) for w in availability.windows.all()] == [
            (0, time(9), time(12)),
            (1, time(9), time(12)),
        ]
        overrides = date_overrides_upcoming(availability=availability, today=date(2026, 5, 4))
        assert [(o.date, o.day_off, o.starts) for o in overrides] == [
            (date(2026, 5, 5), True, None)
        ]
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 2


@pytest.mark.parametrize("whole", [True, False])
def test_objects_come_as_the_orms_with_their_relations_and_deferred_fields(
    db, pairing, mentee, other_mentee, whole, django_assert_num_queries
):
    orm = appointment_selectors._pairing_for_booking(
        user=mentee, pairing_id=pairing.pk, whole=whole
    ).get()

    for _ in range(2):  # compiled, then from the SQL kept
        with django_assert_num_queries(1):
            found = pairing_get_for_booking(user=mentee, pairing_id=pairing.pk, whole=whole)
            names = (found.mentor.name, found.mentee.name, found.cohort.ends_on, found.status)
        assert names == (orm.mentor.name, orm.mentee.name, orm.cohort.ends_on, orm.status)
        assert found.get_deferred_fields() == orm.get_deferred_fields()
        for person in ("mentor", "mentee", "cohort"):
            related, expected = getattr(found, person), getattr(orm, person)
            assert related.pk == expected.pk
            assert related.get_deferred_fields() == expected.get_deferred_fields()
        assert found._state.db == "default"
        assert not found._state.adding
    with pytest.raises(Http404):
        pairing_get_for_booking(user=other_mentee, pairing_id=pairing.pk, whole=whole)
