"""Free slots for one mentor, 8 weeks ahead, with 300 existing sessions of both people and
5,000 busy events in the mentor's three connected calendars.

Target (DESIGN.md): <= 25 ms (median) and <= 5 queries, with and without the calendars. The
mentor is in London (weekdays 09:00-17:00, 60-minute sessions, 10 minutes' buffer each side, 24
hours' notice) and has 150 sessions with ten mentees; the mentee has 150 sessions with ten other
mentors; a few days off and extra hours lie in the range. The 8 weeks cross the spring DST change
(London's and New York's).

The calendars are ICS documents made here and read by the real reader (busy_intervals: repeats
expanded, all-day events as the owner's local days, overlaps merged per calendar), and their busy
times stored as the refresh stores them. All their events lie in the 8 weeks the slots read,
about 90 a day: at that density inside the mentor's hours nothing would be free, so the busy
calendars are busy mostly outside them, as calendars of people abroad and private ones are:
- "Work" (Europe/London): a weekday stand-up (one date excepted), weekly meetings (some with one
  instance moved), one-off meetings, in the mentor's office hours (4 % of the events);
- "Team" (Asia/Tokyo): a busy team calendar, weekly meetings in Tokyo's office hours (London's
  night) and one-offs at any hour outside the mentor's office hours (60 %);
- "Personal" (floating times, read in London): weekend meetings, one-offs outside office hours,
  and a few all-day blocks, one of them a three-day trip (36 %).
Each calendar's overlapping and back-to-back events become one stored busy time, as the reader
stores them; as a worst case the slots are timed once more with one row per event (5,000 rows:
a calendar whose events never touch), and must come out the same.
The mentee has one calendar too ("Mentee work", America/New_York, 200 events). The timing is
taken first without the calendars, then with them.
"""

import os
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bench.harness import count_queries, p50, report, setup_django, timed

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 300))
REPEAT = int(os.environ.get("BENCH_REPEAT", 200))
SEED = 2027
NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)  # a Monday; London changes clocks on 28 March
WEEKS = 8
LENGTH = 60
BUSY_EVENTS = int(os.environ.get("BENCH_BUSY_EVENTS", 5_000))  # the mentor's, in 3 calendars
MENTEE_BUSY_EVENTS = 200


def _free_of(taken: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return all(end <= other_start or other_end <= start for other_start, other_end in taken)


def _generate():
    """People, pairings, availability and sessions, inserted in bulk (not timed)."""
    from accounts.models import User
    from bench.harness import bench_organisation
    from pairings.models import Pairing
    from programmes.models import Cohort
    from sessions_app.models import Appointment
    from sessions_app.services.availability import availability_save, date_override_add

    rng = random.Random(SEED)
    # A mentee has one live pairing per cohort: the mentee's ten mentors are in ten cohorts.
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            organisation=bench_organisation(),
            name=f"Bench cohort {n}",
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 9, 30),
            enrolment_deadline=date(2027, 1, 25),
        )
        for n in range(11)
    )
    people = User.objects.bulk_create(
        User(email=f"s{i}@bench.example", display_name=f"Person {i}", timezone=zone)
        for i, zone in enumerate(
            ["Europe/London", "America/New_York"] + ["Asia/Kolkata", "Europe/Berlin"] * 10
        )
    )
    mentor, mentee, others = people[0], people[1], people[2:]
    other_mentees, other_mentors = others[:10], others[10:]
    pairings = Pairing.objects.bulk_create(
        [
            Pairing(cohort=cohorts[0], mentor=mentor, mentee=m, status="active")
            for m in other_mentees
        ]
        + [
            Pairing(cohort=cohorts[n], mentor=m, mentee=mentee, status="active")
            for n, m in enumerate(other_mentors, start=1)
        ]
    )
    availability_save(
        mentor=mentor,
        session_lengths=[30, 45, 60],
        buffer_before=10,
        buffer_after=10,
        notice_hours=24,
        weekly_limit=40,
        horizon_weeks=WEEKS,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    for offset, day_off in ((9, True), (16, False), (23, True), (30, False), (44, False)):
        date_override_add(
            mentor=mentor,
            day=NOW.date() + timedelta(days=offset),
            day_off=day_off,
            starts=None if day_off else time(18),
            ends=None if day_off else time(20),
            now=NOW,
        )

    zone = ZoneInfo("Europe/London")
    rows, taken = [], {mentor.pk: [], mentee.pk: []}
    while len(rows) < SESSIONS:
        as_mentor = len(rows) % 2 == 0
        pairing = pairings[rng.randrange(10) + (0 if as_mentor else 10)]
        person = mentor.pk if as_mentor else mentee.pk
        day = NOW.date() + timedelta(days=rng.randrange(WEEKS * 7))
        wall = datetime.combine(day, time(7)) + timedelta(minutes=15 * rng.randrange(13 * 4))
        starts_at = wall.replace(tzinfo=zone).astimezone(UTC)
        ends_at = starts_at + timedelta(minutes=rng.choice([30, 45, 60]))
        blocked = (starts_at - timedelta(minutes=10), ends_at + timedelta(minutes=10))
        if not _free_of(taken[person], *blocked):
            continue
        taken[person].append(blocked)
        rows.append(
            Appointment(
                pairing=pairing,
                mentor_id=pairing.mentor_id,
                mentee_id=pairing.mentee_id,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_from=blocked[0],
                blocked_until=blocked[1],
                mode="video",
            )
        )
    Appointment.objects.bulk_create(rows)
    return mentor, mentee


LONDON = ZoneInfo("Europe/London")
QUARTER = timedelta(minutes=15)


def _office_hours(moment: datetime) -> bool:
    """Whether `moment` falls in the mentor's weekday office hours (London, 08:00-18:00)."""
    local = moment.astimezone(LONDON)
    return local.weekday() < 5 and 8 <= local.hour < 18


class _CalendarMaker:
    """One ICS document of busy events in the WEEKS from NOW, in the calendar's zone (None:
    floating times, read in London). Like a person's own calendar it rarely double-books:
    a one-off meeting goes where the calendar has nothing within a quarter hour, when such a
    place is found in a few tries."""

    def __init__(self, rng: random.Random, name: str, zone: str | None) -> None:
        self.rng, self.name = rng, name
        self.zone = ZoneInfo(zone) if zone else None
        self.calendar = Calendar()
        self.calendar.add("prodid", "-//Bench//Busy calendar//EN")
        self.calendar.add("version", "2.0")
        self.uids = 0
        self.taken: set[int] = set()  # UTC quarter hours holding (or next to) an event

    def _quarters(self, starts: datetime, length: timedelta) -> range:
        begins = (starts if self.zone else starts.replace(tzinfo=LONDON)).timestamp()
        first = int(begins // 900)
        return range(first - 1, first + int(length / QUARTER) + 1)

    def _wall(self, day: int, minutes: int) -> datetime:
        moment = datetime.combine(NOW.date() + timedelta(days=day), time()) + timedelta(
            minutes=minutes
        )
        return moment.replace(tzinfo=self.zone) if self.zone else moment

    def _add(self, starts: date | datetime, ends: date | datetime, **properties) -> Event:
        event = Event()
        self.uids += 1
        event.add("uid", properties.pop("uid", f"{self.name}-{self.uids}@calendar.example"))
        event.add("summary", f"{self.name} meeting {self.uids}")
        event.add("dtstart", starts)
        event.add("dtend", ends)
        for key, value in properties.items():
            event.add(key.replace("_", "-"), value)
        self.calendar.add_component(event)
        if isinstance(starts, datetime):
            self.taken.update(self._quarters(starts, ends - starts))
        return event

    def weekly(self, *, count: int, days: range, hours: tuple[int, int], moved: float) -> None:
        """`count` weekly meetings starting in the first week, each WEEKS times, a `moved`
        share of them with one instance an hour later (RECURRENCE-ID)."""
        for _ in range(count):
            starts = self._wall(
                self.rng.choice(days),
                60 * hours[0] + 15 * self.rng.randrange(4 * (hours[1] - hours[0])),
            )
            length = timedelta(minutes=self.rng.choice([30, 30, 45, 60]))
            event = self._add(starts, starts + length, rrule={"freq": "weekly", "count": WEEKS})
            for week in range(1, WEEKS):
                self.taken.update(self._quarters(starts + timedelta(weeks=week), length))
            if self.rng.random() < moved:
                instance = starts + timedelta(weeks=self.rng.randrange(1, WEEKS))
                self._add(
                    instance + timedelta(hours=1),
                    instance + timedelta(hours=1) + length,
                    uid=str(event["UID"]),
                    recurrence_id=instance,
                )

    def stand_up(self, *, at: int) -> None:
        """A 15-minute meeting every weekday at `at` o'clock, one date excepted."""
        starts = self._wall(0, 60 * at)  # NOW is a Monday
        self._add(
            starts,
            starts + timedelta(minutes=15),
            rrule={"freq": "daily", "byday": ["MO", "TU", "WE", "TH", "FR"], "count": WEEKS * 5},
            exdate=starts + timedelta(days=21),
        )

    def all_day(self, *, day: int, days: int = 1) -> None:
        first = NOW.date() + timedelta(days=day)
        self._add(first, first + timedelta(days=days))

    def one_offs(self, *, total: int, office_hours: bool, lengths: list[int]) -> None:
        """Single meetings until the calendar holds `total` events: inside the mentor's office
        hours, or outside them (the calendar's own office hours elsewhere, evenings, weekends)."""
        for _ in range(total - self.events()):
            for _attempt in range(20):
                length = timedelta(minutes=self.rng.choice(lengths))
                moment = NOW + QUARTER * self.rng.randrange(WEEKS * 7 * 96 - 8)
                if _office_hours(moment) != office_hours:
                    continue
                starts = moment.astimezone(self.zone or LONDON)
                starts = starts if self.zone else starts.replace(tzinfo=None)
                if self.taken.isdisjoint(self._quarters(starts, length)):
                    break
            self._add(starts, starts + length)

    def _occurrences(self) -> list:
        import recurring_ical_events

        end = NOW + timedelta(weeks=WEEKS)
        return recurring_ical_events.of(self.calendar).between(NOW - timedelta(days=1), end)

    def events(self) -> int:
        return len(self._occurrences())

    def spans(self) -> list[tuple[datetime, datetime]]:
        """Each event's own busy time (UTC), not merged: all-day and floating in London."""

        def moment(value: date | datetime) -> datetime:
            if not isinstance(value, datetime):
                value = datetime.combine(value, time())
            return (value if value.tzinfo else value.replace(tzinfo=LONDON)).astimezone(UTC)

        return [
            (moment(event["DTSTART"].dt), moment(event["DTEND"].dt))
            for event in self._occurrences()
        ]


def _connect(person, maker: _CalendarMaker) -> tuple[int, int]:
    """The calendar connected as the refresh stores it; (events, busy intervals stored)."""
    from mentoring.crypto import encrypt
    from sessions_app.calendars.busy import busy_intervals
    from sessions_app.models import SESSION_UID_SUFFIX, BusyInterval, CalendarConnection
    from sessions_app.services.calendars import WINDOW

    events = maker.events()
    spans = busy_intervals(
        maker.calendar.to_ical(),
        zone=person.zoneinfo,
        start=NOW - timedelta(days=1),
        end=NOW + WINDOW,
        skip_uid_suffix=SESSION_UID_SUFFIX,
    )
    connection = CalendarConnection.objects.create(
        user=person,
        name=maker.name,
        url_encrypted=encrypt(f"https://calendar.example/{maker.name}/basic.ics"),
        etag=f'"{maker.name}-1"',
        busy_known_until=NOW + WINDOW,
        checked_at=NOW,
        last_synced_at=NOW,
    )
    BusyInterval.objects.bulk_create(
        BusyInterval(connection=connection, starts_at=span.starts_at, ends_at=span.ends_at)
        for span in spans
    )
    return events, len(spans)


def _one_row_per_event(person, makers: list[_CalendarMaker]) -> int:
    """Replace the person's stored busy times by one row per event; the rows written."""
    from sessions_app.models import BusyInterval, CalendarConnection

    rows = []
    for maker in makers:
        connection = CalendarConnection.objects.get(user=person, name=maker.name)
        connection.busy.all().delete()
        rows += [
            BusyInterval(connection=connection, starts_at=starts_at, ends_at=ends_at)
            for starts_at, ends_at in maker.spans()
        ]
    return len(BusyInterval.objects.bulk_create(rows))


def _connect_calendars(mentor, mentee) -> tuple[dict[str, tuple[int, int]], list[_CalendarMaker]]:
    """The mentor's three calendars (BUSY_EVENTS events in all) and the mentee's one: for
    each, its events and busy times stored; and the mentor's calendars."""
    rng = random.Random(SEED + 1)
    work_total, personal_total = BUSY_EVENTS * 4 // 100, BUSY_EVENTS * 36 // 100

    work = _CalendarMaker(rng, "Work", "Europe/London")
    work.stand_up(at=9)
    work.weekly(count=12, days=range(5), hours=(8, 18), moved=0.3)
    work.one_offs(total=work_total, office_hours=True, lengths=[30, 30, 45, 60])

    personal = _CalendarMaker(rng, "Personal", None)
    for day in (9, 20, 33):
        personal.all_day(day=day)
    personal.all_day(day=39, days=3)  # a trip, Friday to Sunday
    personal.weekly(count=20, days=range(5, 7), hours=(9, 21), moved=0.1)
    personal.one_offs(total=personal_total, office_hours=False, lengths=[15, 30, 30, 60, 90])

    team = _CalendarMaker(rng, "Team", "Asia/Tokyo")
    team.weekly(count=60, days=range(5), hours=(9, 17), moved=0.2)  # London's night
    team.one_offs(
        total=BUSY_EVENTS - work.events() - personal.events(),
        office_hours=False,
        lengths=[15, 15, 30, 30, 45],
    )

    theirs = _CalendarMaker(rng, "Mentee work", "America/New_York")
    theirs.weekly(count=10, days=range(5), hours=(9, 17), moved=0.2)
    theirs.one_offs(total=MENTEE_BUSY_EVENTS, office_hours=True, lengths=[30, 30, 45, 60])

    stored = {f"mentor: {maker.name}": _connect(mentor, maker) for maker in (work, team, personal)}
    stored[f"mentee: {theirs.name}"] = _connect(mentee, theirs)
    return stored, [work, team, personal]


def _measure(run) -> tuple[list, int, list[float]]:
    slots = run()
    return slots, count_queries(run), timed(run, repeat=REPEAT, warmup=5)


def _spread(samples: list[float]) -> str:
    return f"{sorted(samples)[int(0.9 * len(samples))]:.2f} / {max(samples):.2f} ms"


def main() -> None:
    setup_django()
    from accounts.models import User
    from sessions_app.models import BusyInterval
    from sessions_app.selectors.slots import free_slots

    mentor, mentee = _generate()
    # Fresh user rows, as a view would have them: nothing cached on the instances.
    mentor, mentee = User.objects.get(pk=mentor.pk), User.objects.get(pk=mentee.pk)

    def run():
        return free_slots(mentor=mentor, mentee=mentee, length=LENGTH, now=NOW)

    bare_slots, bare_queries, bare_samples = _measure(run)
    calendars, makers = _connect_calendars(mentor, mentee)
    slots, queries, samples = _measure(run)
    bare_ms, ms = p50(bare_samples), p50(samples)

    # The busy times only take slots away, and no slot (with its buffers) touches one.
    busy = sorted(
        BusyInterval.objects.filter(connection__user__in=[mentor, mentee]).values_list(
            "starts_at", "ends_at"
        )
    )
    assert set(slots) <= set(bare_slots), "a busy time added a slot"
    buffer = timedelta(minutes=10)
    for slot in slots:
        for busy_from, busy_until in busy:
            assert slot.ends_at + buffer <= busy_from or busy_until <= slot.starts_at - buffer

    # The worst case: the same events, one row each.
    unmerged_rows = _one_row_per_event(mentor, makers)
    unmerged_slots, unmerged_queries, unmerged_samples = _measure(run)
    unmerged_ms = p50(unmerged_samples)
    assert unmerged_slots == slots, "the same busy times gave other slots"

    mentor_events = sum(events for name, (events, _) in calendars.items() if "mentor" in name)
    mentor_rows = sum(rows for name, (_, rows) in calendars.items() if "mentor" in name)
    first, last = slots[0].starts_at, slots[-1].starts_at
    report(
        "slots",
        [
            ("sessions (mentor's + mentee's)", f"{SESSIONS}"),
            ("range", f"{WEEKS} weeks from {NOW:%Y-%m-%d %H:%M}Z, {LENGTH}-minute sessions"),
            *(
                (f"calendar {name}", f"{events} events -> {rows} busy intervals stored")
                for name, (events, rows) in calendars.items()
            ),
            ("without calendars: free slots", f"{len(bare_slots)}"),
            ("without calendars: queries", f"{bare_queries}"),
            ("without calendars: median", f"{bare_ms} ms"),
            ("without calendars: p90 / max", _spread(bare_samples)),
            ("free slots found", f"{len(slots)} ({first:%d %b %H:%M}Z to {last:%d %b %H:%M}Z)"),
            ("queries", f"{queries}"),
            ("median", f"{ms} ms"),
            ("p90 / max", _spread(samples)),
            ("one row per event: rows", f"{unmerged_rows} (same slots)"),
            ("one row per event: queries", f"{unmerged_queries}"),
            ("one row per event: median", f"{unmerged_ms} ms"),
            ("one row per event: p90 / max", _spread(unmerged_samples)),
        ],
        {
            "ms_p50": ms,
            "queries": queries,
            "slots": len(slots),
            "busy_events": mentor_events,
            "busy_intervals": mentor_rows,
            "ms_p50_without_calendars": bare_ms,
            "queries_without_calendars": bare_queries,
            "slots_without_calendars": len(bare_slots),
            "ms_p50_one_row_per_event": unmerged_ms,
            "queries_one_row_per_event": unmerged_queries,
            "target_met": max(ms, bare_ms) <= 25 and max(queries, bare_queries) <= 5,
        },
    )


if __name__ == "__main__":
    main()
