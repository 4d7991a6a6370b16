"""The booking and availability pages' reads are compiled once (mentoring.prepared) and give what
the ORM gives, on PostgreSQL and SQLite."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.http import Http404

from sessions_app.models import Appointment
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

# Each read in each of its shapes, with two sets of values.
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
    "availability": (availability_selectors._AVAILABILITY, {"user_id": 11}),
    "windows": (availability_selectors._WINDOWS, {"availability_id": 11}),
    "overrides from today": (
        availability_selectors._OVERRIDES_UPCOMING,
        {"availability_id": 11, "today": date(2026, 5, 4)},
    ),
    "the pairing for booking, whole": (
        appointment_selectors._PAIRING_FOR_BOOKING,
        {"user_id": 11, "pairing_id": 12, "whole": True},
    ),
    "the pairing for booking, what the page shows": (
        appointment_selectors._PAIRING_FOR_BOOKING,
        {"user_id": 11, "pairing_id": 12, "whole": False},
    ),
}


def _other(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, list):
        return [item + 100 for item in value]
    return value + (timedelta(days=3) if isinstance(value, date) else 100)


@pytest.mark.parametrize("name", READS)
def test_each_read_is_compiled_once_and_gives_the_orms_rows(db, name):
    read, values = READS[name]
    read._compiled.clear()
    for each in (values, {name: _other(value) for name, value in values.items()}):
        assert read(**each) == list(read.build(**each))
    assert list(read._compiled.values()) != [None]  # kept: not built through the ORM each time
    assert len(read._compiled) == 1


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
        user_id=mentee.pk, pairing_id=pairing.pk, whole=whole
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
