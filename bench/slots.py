"""Free slots for one mentor, 8 weeks ahead, with 300 existing sessions of both people.

Target (DESIGN.md): <= 25 ms (median) and <= 5 queries. The mentor is in London (weekdays
09:00-17:00, 60-minute sessions, 10 minutes' buffer each side, 24 hours' notice) and has 150
sessions with ten mentees; the mentee has 150 sessions with ten other mentors; a few days off
and extra hours lie in the range. The 8 weeks cross the spring DST change.
"""

import os
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.harness import count_queries, p50, report, setup_django, timed

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 300))
REPEAT = int(os.environ.get("BENCH_REPEAT", 200))
SEED = 2027
NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)  # a Monday; London changes clocks on 28 March
WEEKS = 8
LENGTH = 60


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


def main() -> None:
    setup_django()
    from accounts.models import User
    from sessions_app.selectors.slots import free_slots

    mentor, mentee = _generate()
    # Fresh user rows, as a view would have them: nothing cached on the instances.
    mentor, mentee = User.objects.get(pk=mentor.pk), User.objects.get(pk=mentee.pk)

    def run():
        return free_slots(mentor=mentor, mentee=mentee, length=LENGTH, now=NOW)

    slots = run()
    queries = count_queries(run)
    samples = timed(run, repeat=REPEAT, warmup=5)
    ms = p50(samples)
    first, last = slots[0].starts_at, slots[-1].starts_at
    report(
        "slots",
        [
            ("sessions (mentor's + mentee's)", f"{SESSIONS}"),
            ("range", f"{WEEKS} weeks from {NOW:%Y-%m-%d %H:%M}Z, {LENGTH}-minute sessions"),
            ("free slots found", f"{len(slots)} ({first:%d %b %H:%M}Z to {last:%d %b %H:%M}Z)"),
            ("queries", f"{queries}"),
            ("median", f"{ms} ms"),
            (
                "p90 / max",
                f"{sorted(samples)[int(0.9 * len(samples))]:.2f} / {max(samples):.2f} ms",
            ),
        ],
        {
            "ms_p50": ms,
            "queries": queries,
            "slots": len(slots),
            "target_met": ms <= 25 and queries <= 5,
        },
    )


if __name__ == "__main__":
    main()
