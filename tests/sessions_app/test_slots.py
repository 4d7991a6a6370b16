"""Slot computation: the mentor's hours in their own zone, across DST changes, less both
people's other sessions, within buffers, notice, weekly limit and horizon; on PostgreSQL."""

import random
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions_app.models import Appointment, BusyInterval, CalendarConnection
from sessions_app.selectors.slots import STEP, _free_in_window, free_slots, slot_is_free
from sessions_app.services.availability import availability_save, date_override_add
from tests.factories import AppointmentFactory, PairingFactory, UserFactory

EVERY_DAY = range(7)
WEEKDAYS = range(5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def publish(
    mentor,
    *,
    hours: tuple[str, str] = ("09:00", "17:00"),
    days=EVERY_DAY,
    lengths: tuple[int, ...] = (30, 60),
    before: int = 0,
    after: int = 0,
    notice: int = 0,
    limit: int = 40,
    horizon: int = 26,
):
    opens, closes = (time.fromisoformat(t) for t in hours)
    return availability_save(
        mentor=mentor,
        session_lengths=list(lengths),
        buffer_before=before,
        buffer_after=after,
        notice_hours=notice,
        weekly_limit=limit,
        horizon_weeks=horizon,
        windows=[(day, opens, closes) for day in days],
    )


def book(mentor, mentee, starts_at: datetime, minutes: int = 60, *, around: int = 0, **fields):
    """A booked session as the booking service writes it (buffers of `around` minutes)."""
    return AppointmentFactory(
        pairing=PairingFactory(mentor=mentor, mentee=mentee),
        starts_at=starts_at,
        length=minutes,
        buffer_before=around,
        buffer_after=around,
        **fields,
    )


def starts(slots) -> list[datetime]:
    return [slot.starts_at for slot in slots]


def on_day(slots, day: date, zone: str) -> list[datetime]:
    return [s.starts_at for s in slots if s.starts_at.astimezone(ZoneInfo(zone)).date() == day]


def local_clock(moments, zone: str) -> list[str]:
    return [f"{moment.astimezone(ZoneInfo(zone)):%H:%M}" for moment in moments]


# Monday 4 May 2026 (UTC) as seen on Friday 1 May: the day most tests below look at.
MONDAY_4_MAY = {"now": utc(2026, 5, 1), "start": utc(2026, 5, 4), "end": utc(2026, 5, 5)}
QUARTERS_9_TO_16 = [f"{h:02d}:{m:02d}" for h in range(9, 16) for m in (0, 15, 30, 45)] + ["16:00"]


@pytest.fixture
def london_mentor(db):
    return UserFactory(timezone="Europe/London")


# --- DST and zones --------------------------------------------------------------------------


def test_london_mentor_offers_nine_local_on_both_sides_of_the_spring_change(london_mentor):
    publish(london_mentor)
    slots = free_slots(mentor=london_mentor, mentee=None, length=60, now=utc(2026, 3, 25, 12))

    saturday, sunday, monday = date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)
    assert on_day(slots, saturday, "Europe/London")[0] == utc(2026, 3, 28, 9)  # GMT
    assert on_day(slots, sunday, "Europe/London")[0] == utc(2026, 3, 29, 8)  # BST from 01:00
    assert on_day(slots, monday, "Europe/London")[0] == utc(2026, 3, 30, 8)
    for day in (saturday, sunday, monday):
        assert local_clock(on_day(slots, day, "Europe/London"), "Europe/London") == (
            QUARTERS_9_TO_16
        )


def test_london_mentor_offers_nine_local_on_both_sides_of_the_autumn_change(london_mentor):
    publish(london_mentor)
    slots = free_slots(mentor=london_mentor, mentee=None, length=60, now=utc(2026, 10, 21, 12))

    saturday, sunday, monday = date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)
    assert on_day(slots, saturday, "Europe/London")[0] == utc(2026, 10, 24, 8)  # BST
    assert on_day(slots, sunday, "Europe/London")[0] == utc(2026, 10, 25, 9)  # GMT from 02:00
    assert on_day(slots, monday, "Europe/London")[0] == utc(2026, 10, 26, 9)
    for day in (saturday, sunday, monday):
        assert local_clock(on_day(slots, day, "Europe/London"), "Europe/London") == (
            QUARTERS_9_TO_16
        )


def test_new_york_mentor_afternoon_on_the_day_of_the_us_change_spans_17z_to_22z(db):
    mentor = UserFactory(timezone="America/New_York")
    publish(mentor, hours=("13:00", "18:00"))

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=utc(2026, 3, 1),
        start=utc(2026, 3, 8),
        end=utc(2026, 3, 9, 6),
    )

    assert slots[0].starts_at == utc(2026, 3, 8, 17)
    assert slots[-1].ends_at == utc(2026, 3, 8, 22)
    assert len(slots) == 17  # 13:00 to 17:00 every quarter hour


def test_new_york_mentor_the_day_before_the_change_is_still_on_eastern_standard_time(db):
    mentor = UserFactory(timezone="America/New_York")
    publish(mentor, hours=("13:00", "18:00"))

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=utc(2026, 3, 1),
        start=utc(2026, 3, 7),
        end=utc(2026, 3, 8),
    )

    assert (slots[0].starts_at, slots[-1].ends_at) == (utc(2026, 3, 7, 18), utc(2026, 3, 7, 23))


@pytest.mark.parametrize(
    ("zone", "first"),
    [("Asia/Kathmandu", utc(2026, 5, 4, 3, 15)), ("Asia/Kolkata", utc(2026, 5, 4, 3, 30))],
)
def test_slots_in_zones_with_odd_offsets_align_to_the_mentors_local_hour(db, zone, first):
    mentor = UserFactory(timezone=zone)
    publish(mentor, hours=("09:00", "12:00"))

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=utc(2026, 5, 1),
        start=utc(2026, 5, 4),
        end=utc(2026, 5, 4, 18),
    )

    assert slots[0].starts_at == first  # 09:00 local: +05:45 or +05:30
    assert local_clock(starts(slots), zone) == [
        "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00",
    ]  # fmt: skip


def test_auckland_date_overrides_apply_on_local_dates_across_the_april_change(db):
    mentor = UserFactory(timezone="Pacific/Auckland")
    publish(mentor, days=WEEKDAYS)
    now = utc(2026, 3, 30)
    extra = {"day_off": False, "starts": time(10), "ends": time(12), "now": now}
    date_override_add(mentor=mentor, day=date(2026, 4, 4), **extra)  # Saturday, NZDT +13
    date_override_add(mentor=mentor, day=date(2026, 4, 5), **extra)  # Sunday, NZST +12
    date_override_add(
        mentor=mentor, day=date(2026, 4, 6), day_off=True, starts=None, ends=None, now=now
    )

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=now,
        start=utc(2026, 4, 2, 11),  # Friday 3 April 00:00 NZDT
        end=utc(2026, 4, 6, 12),  # Tuesday 7 April 00:00 NZST
    )
    zone = "Pacific/Auckland"

    friday = on_day(slots, date(2026, 4, 3), zone)
    assert friday[0] == utc(2026, 4, 2, 20)  # 09:00 NZDT
    assert on_day(slots, date(2026, 4, 4), zone) == [
        utc(2026, 4, 3, 21),
        utc(2026, 4, 3, 21, 15),
        utc(2026, 4, 3, 21, 30),
        utc(2026, 4, 3, 21, 45),
        utc(2026, 4, 3, 22),
    ]
    assert on_day(slots, date(2026, 4, 5), zone)[0] == utc(2026, 4, 4, 22)  # 10:00 NZST
    assert local_clock(on_day(slots, date(2026, 4, 5), zone), zone)[-1] == "11:00"
    assert on_day(slots, date(2026, 4, 6), zone) == []  # a Monday made a day off


def test_extra_hours_next_to_weekly_hours_let_a_session_run_across_the_join(db):
    mentor = UserFactory(timezone="Pacific/Auckland")
    publish(mentor, days=WEEKDAYS, hours=("09:00", "12:00"))
    now = utc(2026, 6, 1)
    date_override_add(
        mentor=mentor,
        day=date(2026, 6, 10),
        day_off=False,
        starts=time(12),
        ends=time(14),
        now=now,
    )

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=now,
        start=utc(2026, 6, 9, 12),
        end=utc(2026, 6, 10, 12),
    )

    clock = local_clock(starts(slots), "Pacific/Auckland")
    assert clock[0] == "09:00"
    assert "11:30" in clock
    assert clock[-1] == "13:00"


def test_a_window_over_the_hour_the_clocks_skip_offers_only_the_real_hour(london_mentor):
    publish(london_mentor, hours=("01:00", "03:00"), days=[6])

    slots = free_slots(
        mentor=london_mentor,
        mentee=None,
        length=30,
        now=utc(2026, 3, 20),
        start=utc(2026, 3, 29),
        end=utc(2026, 3, 30),
    )

    # 01:00-02:00 never happens on 29 March: the window is 02:00-03:00 BST (01:00Z-02:00Z).
    assert starts(slots) == [utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 15), utc(2026, 3, 29, 1, 30)]
    assert local_clock(starts(slots), "Europe/London") == ["02:00", "02:15", "02:30"]


@pytest.mark.parametrize(
    ("hours", "first", "count"),
    [
        (("01:30", "03:00"), utc(2026, 3, 29, 1), 3),  # starts at the jump: 02:00 BST
        (("00:00", "01:30"), utc(2026, 3, 29, 0), 3),  # ends at the jump: 01:00 GMT
    ],
)
def test_a_window_edge_inside_the_skipped_hour_moves_to_the_moment_of_the_jump(
    london_mentor, hours, first, count
):
    publish(london_mentor, hours=hours, days=[6])

    slots = free_slots(
        mentor=london_mentor,
        mentee=None,
        length=30,
        now=utc(2026, 3, 20),
        start=utc(2026, 3, 28, 12),
        end=utc(2026, 3, 30),
    )

    assert starts(slots) == [first + timedelta(minutes=15 * n) for n in range(count)]


@pytest.mark.parametrize(
    ("hours", "first", "count"),
    [
        # 01:00 first passes at 00:00Z; 03:00 comes once, at 03:00Z: three real hours.
        (("01:00", "03:00"), utc(2026, 10, 25, 0), 9),
        # 00:00 BST is 23:00Z; 01:30 last passes at 01:30Z (GMT): two and a half hours.
        (("00:00", "01:30"), utc(2026, 10, 24, 23), 7),
    ],
)
def test_a_window_over_the_hour_the_clocks_repeat_runs_from_its_first_to_its_last_pass(
    london_mentor, hours, first, count
):
    publish(london_mentor, hours=hours, days=[6])

    slots = free_slots(
        mentor=london_mentor,
        mentee=None,
        length=60,
        now=utc(2026, 10, 20),
        start=utc(2026, 10, 24, 12),
        end=utc(2026, 10, 26),
    )

    assert starts(slots) == [first + timedelta(minutes=15 * n) for n in range(count)]


def test_each_real_quarter_hour_of_a_repeated_hour_is_offered_once(london_mentor):
    publish(london_mentor, hours=("01:00", "03:00"), days=[6])

    slots = free_slots(
        mentor=london_mentor,
        mentee=None,
        length=60,
        now=utc(2026, 10, 20),
        start=utc(2026, 10, 25),
        end=utc(2026, 10, 26),
    )

    assert len(set(starts(slots))) == len(slots) == 9
    assert local_clock(starts(slots), "Europe/London")[:6] == [
        "01:00", "01:15", "01:30", "01:45", "01:00", "01:15",
    ]  # fmt: skip


# --- buffers, notice, horizon, limit -------------------------------------------------------


def test_buffers_keep_free_minutes_inside_the_window_and_around_other_sessions(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "13:00"), before=10, after=10)
    book(mentor, UserFactory(), utc(2026, 5, 4, 11))

    slots = free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY)

    # 09:00 leaves no room before; 10:00 would run into 11:00 with its 10 minutes after;
    # after the 12:00 end, 12:15 + 70 minutes passes the window's end.
    assert local_clock(starts(slots), "UTC") == ["09:15", "09:30", "09:45"]


def test_another_sessions_own_buffers_block_too(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "14:00"))
    book(mentor, UserFactory(), utc(2026, 5, 4, 11), around=30)  # blocks 10:30-12:30

    slots = free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY)

    assert local_clock(starts(slots), "UTC") == [
        "09:00",
        "09:15",
        "09:30",
        "12:30",
        "12:45",
        "13:00",
    ]


def test_minimum_notice_keeps_the_first_slot_on_the_grid_after_it(db):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, notice=24)

    slots = free_slots(mentor=mentor, mentee=None, length=60, now=utc(2026, 5, 4, 10, 7))

    assert slots[0].starts_at == utc(2026, 5, 5, 10, 15)


def test_no_slot_starts_at_or_past_the_horizon(db):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, horizon=1)
    now = utc(2026, 5, 4, 12)

    slots = free_slots(mentor=mentor, mentee=None, length=60, now=now)

    assert slots[0].starts_at == utc(2026, 5, 4, 12)
    assert slots[-1].starts_at == utc(2026, 5, 11, 11, 45)
    assert free_slots(mentor=mentor, mentee=None, length=60, now=now, start=utc(2026, 5, 12)) == []


def test_a_week_at_the_weekly_limit_offers_nothing_and_the_next_week_does(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, limit=2)
    book(mentor, UserFactory(), utc(2026, 5, 4, 9))  # Monday
    book(mentor, UserFactory(), utc(2026, 5, 6, 9))  # Wednesday

    slots = free_slots(
        mentor=mentor, mentee=mentee, length=60, now=utc(2026, 5, 5), end=utc(2026, 5, 19)
    )

    assert slots[0].starts_at == utc(2026, 5, 11, 9)  # the next Monday


def test_the_weekly_limit_counts_weeks_in_the_mentors_zone(db):
    mentor = UserFactory(timezone="Pacific/Auckland")
    publish(mentor, limit=1)
    # Sunday 14 June in UTC, but Monday 15 June 10:00 in Auckland: the next local week.
    book(mentor, UserFactory(), utc(2026, 6, 14, 22))

    slots = free_slots(
        mentor=mentor, mentee=None, length=60, now=utc(2026, 6, 10), end=utc(2026, 6, 28)
    )
    local_days = {s.starts_at.astimezone(ZoneInfo("Pacific/Auckland")).date() for s in slots}

    assert date(2026, 6, 14) in local_days  # Sunday, the week before: still open
    assert not any(date(2026, 6, 15) <= day <= date(2026, 6, 21) for day in local_days)
    assert date(2026, 6, 22) in local_days


def test_cancelled_sessions_neither_block_nor_count(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "10:00"), limit=1)
    book(mentor, mentee, utc(2026, 5, 4, 9), status=Appointment.Status.CANCELLED)

    slots = free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY)

    assert starts(slots) == [utc(2026, 5, 4, 9)]


# --- whose sessions block -------------------------------------------------------------------


def test_the_mentees_sessions_with_other_mentors_block_their_slots(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "11:00"))
    book(UserFactory(), mentee, utc(2026, 5, 4, 9))

    with_mentee = free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY)
    without = free_slots(mentor=mentor, mentee=None, length=60, **MONDAY_4_MAY)

    assert starts(with_mentee) == [utc(2026, 5, 4, 10)]
    assert starts(without)[0] == utc(2026, 5, 4, 9)


def test_a_mentee_who_mentors_elsewhere_is_blocked_by_those_sessions_too(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "11:00"))
    book(mentee, UserFactory(), utc(2026, 5, 4, 10))  # Alice mentoring someone else

    slots = free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY)

    assert starts(slots) == [utc(2026, 5, 4, 9)]


def test_the_mentors_own_sessions_as_a_mentee_elsewhere_block_but_do_not_count(db):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "11:00"), limit=1)
    book(UserFactory(), mentor, utc(2026, 5, 4, 9))

    slots = free_slots(mentor=mentor, mentee=None, length=60, **MONDAY_4_MAY)

    assert starts(slots) == [utc(2026, 5, 4, 10)]


def test_a_rescheduled_session_neither_blocks_itself_nor_counts_against_the_limit(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "11:00"), limit=1)
    session = book(mentor, mentee, utc(2026, 5, 4, 9, 30))

    assert free_slots(mentor=mentor, mentee=mentee, length=60, **MONDAY_4_MAY) == []
    moved = free_slots(
        mentor=mentor, mentee=mentee, length=60, exclude_appointment_id=session.pk, **MONDAY_4_MAY
    )

    assert starts(moved) == [utc(2026, 5, 4, 9) + timedelta(minutes=15 * n) for n in range(5)]


# --- edges of the contract ------------------------------------------------------------------


def test_a_mentor_without_availability_offers_nothing(db, mentee):
    mentor = UserFactory()

    assert free_slots(mentor=mentor, mentee=mentee, length=60, now=utc(2026, 5, 1)) == []


def test_a_length_the_mentor_does_not_offer_has_no_slots(london_mentor):
    publish(london_mentor, lengths=(30,))

    assert free_slots(mentor=london_mentor, mentee=None, length=60, now=utc(2026, 5, 1)) == []


def test_every_slot_ends_its_length_after_it_starts_in_utc(london_mentor):
    publish(london_mentor)

    slots = free_slots(mentor=london_mentor, mentee=None, length=30, now=utc(2026, 5, 1))

    assert slots
    assert all(s.starts_at.tzinfo is UTC and s.ends_at.tzinfo is UTC for s in slots)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
    assert starts(slots) == sorted(set(starts(slots)))


def test_slot_is_free_only_for_free_starts_on_the_grid(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "12:00"))
    book(mentor, UserFactory(), utc(2026, 5, 4, 11))
    now = utc(2026, 5, 1)
    check = {"mentor": mentor, "mentee": mentee, "length": 60, "now": now}

    assert slot_is_free(starts_at=utc(2026, 5, 4, 9, 45), **check)
    assert not slot_is_free(starts_at=utc(2026, 5, 4, 9, 50), **check)  # off the grid
    assert not slot_is_free(starts_at=utc(2026, 5, 4, 10, 15), **check)  # runs into 11:00
    assert not slot_is_free(starts_at=utc(2026, 5, 4, 17), **check)  # outside the hours
    assert not slot_is_free(starts_at=utc(2026, 5, 1, 9), **{**check, "now": utc(2026, 5, 1, 9, 1)})


@pytest.mark.parametrize("sessions", [5, 200])
def test_free_slots_reads_at_most_five_queries_however_many_sessions(
    db, mentee, django_assert_max_num_queries, sessions
):
    mentor = UserFactory(timezone="Europe/London")
    publish(mentor, days=WEEKDAYS, before=10, after=10, horizon=8)
    pairing = PairingFactory(mentor=mentor, mentee=mentee)
    first = utc(2026, 5, 4, 6)
    Appointment.objects.bulk_create(
        AppointmentFactory.build(
            pairing=pairing,
            starts_at=first + timedelta(hours=4 * n),
            buffer_before=10,
            buffer_after=10,
        )
        for n in range(sessions)
    )

    with django_assert_max_num_queries(5):
        slots = free_slots(mentor=mentor, mentee=mentee, length=60, now=utc(2026, 5, 1))

    assert slots


def busy_in_calendar(person, *spans: tuple[datetime, datetime]) -> None:
    connection = CalendarConnection.objects.create(user=person, name="Work", url_encrypted="x")
    BusyInterval.objects.bulk_create(
        BusyInterval(connection=connection, starts_at=starts_at, ends_at=ends_at)
        for starts_at, ends_at in spans
    )


def test_busy_times_in_either_persons_calendar_block_slots(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "13:00"), after=15)
    busy_in_calendar(mentor, (utc(2026, 5, 4, 9, 30), utc(2026, 5, 4, 10)))
    busy_in_calendar(mentee, (utc(2026, 5, 4, 11, 45), utc(2026, 5, 4, 12, 15)))
    busy_in_calendar(UserFactory(), (utc(2026, 5, 4, 9), utc(2026, 5, 4, 13)))  # someone else

    slots = free_slots(
        mentor=mentor,
        mentee=mentee,
        length=60,
        now=utc(2026, 5, 1),
        start=utc(2026, 5, 4),
        end=utc(2026, 5, 5),
    )

    # An hour and 15 free minutes after: 10:00 is the first start clear of the mentor's
    # 9:30-10:00, and 12:15 the first clear of the mentee's 11:45-12:15 but it runs past 13:00.
    assert starts(slots) == [utc(2026, 5, 4, 10), utc(2026, 5, 4, 10, 15), utc(2026, 5, 4, 10, 30)]
    assert slot_is_free(
        mentor=mentor, mentee=mentee, starts_at=utc(2026, 5, 4, 10), length=60, now=utc(2026, 5, 1)
    )
    assert not slot_is_free(
        mentor=mentor, mentee=mentee, starts_at=utc(2026, 5, 4, 9), length=60, now=utc(2026, 5, 1)
    )


@pytest.mark.sqlite_too
def test_a_busy_time_a_moment_past_the_quarter_hour_still_blocks_that_quarter(db):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "12:00"))
    moment = timedelta(milliseconds=500)
    busy_in_calendar(mentor, (utc(2026, 5, 4, 9, 30) - moment, utc(2026, 5, 4, 10) + moment))

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=30,
        now=utc(2026, 5, 1),
        start=utc(2026, 5, 4),
        end=utc(2026, 5, 5),
    )

    # 09:00 would end half a second into the busy time, 10:00 start half a second before its end.
    assert starts(slots) == [utc(2026, 5, 4, 10, 15) + timedelta(minutes=15 * n) for n in range(6)]


def test_without_the_mentee_only_the_mentors_busy_times_block(db, mentee):
    mentor = UserFactory(timezone="UTC")
    publish(mentor, hours=("09:00", "11:00"))
    busy_in_calendar(mentee, (utc(2026, 5, 4, 9), utc(2026, 5, 4, 11)))

    slots = free_slots(
        mentor=mentor,
        mentee=None,
        length=60,
        now=utc(2026, 5, 1),
        start=utc(2026, 5, 4),
        end=utc(2026, 5, 5),
    )

    assert starts(slots)[0] == utc(2026, 5, 4, 9)


@pytest.mark.parametrize("busy", [5, 500])
def test_free_slots_reads_one_query_more_however_many_busy_times(
    db, mentee, django_assert_max_num_queries, busy
):
    mentor = UserFactory(timezone="Europe/London")
    publish(mentor, days=WEEKDAYS, before=10, after=10, horizon=8)
    book(mentor, mentee, utc(2026, 5, 5, 10))
    first = utc(2026, 5, 4, 6)
    busy_in_calendar(
        mentor,
        *(
            (first + timedelta(hours=3 * n), first + timedelta(hours=3 * n, minutes=30))
            for n in range(busy)
        ),
    )

    with django_assert_max_num_queries(5):
        slots = free_slots(mentor=mentor, mentee=mentee, length=60, now=utc(2026, 5, 1))

    assert slots
    assert utc(2026, 5, 4, 9) not in starts(slots)  # 09:00Z-09:30Z is busy (10:00 in London)


def _free_in_window_as_before(*, window_from, first, last, before, span, busy_starts, busy_ends):
    """The slot scan as it was, one grid start at a time: the reference for the runs."""
    found = []
    steps = max(-(-before // STEP), -(-(first - window_from) // STEP), 0)
    slot = window_from + steps * STEP
    busy = bisect_right(busy_ends, slot - before)
    while slot <= last:
        while busy < len(busy_starts) and busy_ends[busy] <= slot - before:
            busy += 1
        if busy < len(busy_starts) and busy_starts[busy] < slot + span:
            slot = window_from + -(-(busy_ends[busy] + before - window_from) // STEP) * STEP
            continue
        found.append(slot)
        slot += STEP
    return found


@pytest.mark.parametrize("seed", range(40))
def test_free_starts_found_run_by_run_are_those_found_start_by_start(seed):
    rng = random.Random(seed)  # noqa: S311  (varied inputs, repeatable: not a secret)
    window_from = 1_780_000_000 + rng.randrange(0, 3600, 60)
    spans = []
    moment = window_from - rng.randrange(0, 7200)
    for _ in range(rng.randrange(0, 12)):
        moment += rng.randrange(1, 5400)  # busy times off the grid too, down to the second
        length = rng.randrange(1, 5400)
        spans.append((moment, moment + length))
        moment += length
    busy_starts, busy_ends = [s for s, _ in spans], [e for _, e in spans]
    window = {
        "window_from": window_from,
        "first": window_from + rng.randrange(-3600, 7200),
        "last": window_from + rng.randrange(0, 12 * 3600),
        "before": rng.choice([0, 300, 600, 900, 1200]),
        "span": rng.choice([15, 30, 45, 60, 90]) * 60 + rng.choice([0, 300, 600, 1200]),
        "busy_starts": busy_starts,
        "busy_ends": busy_ends,
    }
    found = []

    _free_in_window(found, **window)

    assert found == _free_in_window_as_before(**window)
