"""Free slots: a mentor's hours in the mentor's own zone, less both people's other sessions.

How local time becomes UTC, so that slots stay right across DST changes:
- A window is read on its own date with that date's offset (zoneinfo), so a London 09:00 is
  08:00Z in summer and 09:00Z in winter, and a Kathmandu 09:00 is 03:15Z.
- Slots start every 15 minutes of real time from the window's start, which keeps them on the
  mentor's local quarter hours even when the clocks change inside a window (changes are whole
  half hours).
- A wall time the clocks skip (spring forward) never happens: a window boundary there moves to
  the moment of the jump, so a London window 01:00-03:00 on 29 March 2026 offers only the real
  hour from 02:00 BST (01:00Z) to 03:00 BST.
- A wall time the clocks repeat (fall back) happens twice: a window starts at its first pass
  and ends at its last, so a London window 01:00-03:00 on 25 October 2026 offers all three
  real hours (00:00Z-03:00Z), each quarter hour once.

Both people's busy times from their connected calendars (BusyInterval, read from the database
only) block slots like their sessions do; the copy of a session booked here in a person's own
calendar is not among them (left out when the calendar is read), so a session being moved never
blocks itself.

Everything is read in at most five queries (availability, its weekly windows, the date
overrides in range, both people's booked sessions in range and their busy times in range) and
computed in Python.
"""

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Func, Q, QuerySet

from accounts.models import User
from mentoring.prepared import PreparedQuery
from sessions_app.models import Appointment, Availability, BusyInterval, DateOverride
from sessions_app.selectors.availability import (
    DayHours,
    OverrideRow,
    availability_for,
    date_override_rows,
    hours_by_day,
    local_today,
)

STEP = 15 * 60  # seconds between slot starts
ONE_MINUTE = timedelta(minutes=1)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC (starts_at + length)


def _instant(day: date, wall_time: time, zone: ZoneInfo, *, last: bool) -> int:
    """POSIX seconds at which the zone's clocks read `wall_time` on `day`.

    A repeated wall time gives its first pass, or its last when `last`; a skipped one gives
    the moment the clocks jumped (the first minute after it that exists).
    """
    wall = datetime.combine(day, wall_time)
    first = wall.replace(tzinfo=zone).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    # Skipped: fold=0 reads the offset before the change, the smaller one when clocks go forward.
    while first < second:
        wall += ONE_MINUTE
        first = wall.replace(tzinfo=zone).utcoffset()
        second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    offset = second if last else first  # equal unless the wall time is repeated
    return int((wall - offset).replace(tzinfo=UTC).timestamp())


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class SlotPlan:
    """Free slots over a range of the mentor's local dates, with what explains them."""

    opens_at: datetime  # the first bookable moment: the notice's end, or the range's start
    length: int = 0  # minutes
    starts: list[int] = field(default_factory=list)  # the free starts, POSIX seconds, ascending
    full_weeks: set[date] = field(default_factory=set)  # local Mondays at the weekly limit

    @property
    def slots(self) -> list[Slot]:
        """All the free slots. A page that shows one week of them takes `slots_between`: weeks
        of slots as objects cost more than finding them."""
        return self.slots_between(0, len(self.starts))

    def slots_between(self, first: int, last: int) -> list[Slot]:
        """The free slots `starts[first:last]`."""
        duration = timedelta(minutes=self.length)
        return [
            Slot(starts_at=moment, ends_at=moment + duration)
            for moment in (
                datetime.fromtimestamp(seconds, UTC) for seconds in self.starts[first:last]
            )
        ]


class _Seconds(Func):
    """A moment as whole POSIX seconds, rounded down (or up, with `up`). Busy times are read
    by the thousand: as integers from the database they cost half what datetimes do."""

    output_field = BigIntegerField()

    def __init__(self, expression: str, *, up: bool = False) -> None:
        super().__init__(expression)
        self.up = up

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        rounding = "CEIL" if self.up else "FLOOR"
        template = f"{rounding}(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        seconds = "ROUND((JULIANDAY(%(expressions)s) - 2440587.5) * 86400.0, 3)"  # as stored
        template = f"CAST({seconds} AS INTEGER)"  # rounds toward zero: down, after 1970
        if self.up:
            template += f" + ({seconds} > CAST({seconds} AS INTEGER))"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _busy_query(*, people: list[int], start: datetime, end: datetime) -> QuerySet:
    return BusyInterval.objects.filter(
        connection__user_id__in=people, starts_at__lt=end, ends_at__gt=start
    ).values_list(_Seconds("starts_at"), _Seconds("ends_at", up=True))


_BUSY = PreparedQuery(_busy_query, "people", "start", "end")  # compiled once (mentoring.prepared)


def calendar_busy_of(*, people: list[int], start: datetime, end: datetime) -> list[tuple[int, int]]:
    """These people's busy times from their connected calendars overlapping [start, end), as
    POSIX seconds (start rounded down, end up); one query."""
    return _BUSY(people=people, start=start, end=end)


def _booked_query(
    *, people: list[int], since: datetime, until: datetime, exclude: int | None
) -> QuerySet:
    booked = Appointment.objects.filter(
        Q(mentor_id__in=people) | Q(mentee_id__in=people),
        status=Appointment.Status.BOOKED,
        blocked_from__lt=until,
        blocked_until__gt=since,
    )
    if exclude is not None:
        booked = booked.exclude(pk=exclude)
    return booked.values_list(
        _Seconds("blocked_from"),
        _Seconds("blocked_until", up=True),
        "mentor_id",
        _Seconds("starts_at"),
    )


# Both people's booked sessions overlapping [since, until): (blocked from, blocked until, mentor,
# start) in POSIX seconds, the blocked span rounded outwards; compiled once (mentoring.prepared).
_BOOKED = PreparedQuery(_booked_query, "people", "since", "until", "exclude")


def _free_in_window(
    found: list[int],
    *,
    window_from: int,
    first: int,
    last: int,
    before: int,
    span: int,
    busy_starts: list[int],
    busy_ends: list[int],
) -> None:
    """Append to `found` the free starts on the grid of a window opening at `window_from`, from
    `first` (and `before` after the window opens) up to `last`, all in POSIX seconds: those
    whose [start - before, start + span) overlaps none of the busy spans (merged, ascending).
    Free starts come as runs between busy spans, each run appended at once."""
    # The first start on the window's grid with its buffer inside and after `first`.
    steps = max(-(-before // STEP), -(-(first - window_from) // STEP), 0)
    slot = window_from + steps * STEP
    busy_count = len(busy_starts)
    busy = bisect_right(busy_ends, slot - before)
    while slot <= last:
        while busy < busy_count and busy_ends[busy] <= slot - before:
            busy += 1
        if busy < busy_count and busy_starts[busy] < slot + span:
            # Taken: jump to the first grid start whose buffer clears this busy span.
            slot = window_from + -(-(busy_ends[busy] + before - window_from) // STEP) * STEP
            continue
        # Free, and so is every grid start up to the next busy span: the spans before `busy`
        # end before this start's buffer, and the later ones start after this one ends.
        free_until = last if busy == busy_count else min(last, busy_starts[busy] - span)
        past = slot + ((free_until - slot) // STEP + 1) * STEP
        found.extend(range(slot, past, STEP))
        slot = past


def slot_plan(
    *,
    availability: Availability,
    mentor: User,
    mentee: User | None,
    length: int,
    now: datetime,
    exclude_appointment_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    overrides: Iterable[DateOverride | OverrideRow] | None = None,
    calendar_busy: Iterable[tuple[int, int]] | None = None,
) -> SlotPlan:
    """The free slots of `free_slots`, for an availability already read with its windows: three
    queries (the date overrides in range, unless given: `overrides` covering the range, those
    outside it ignored; both people's sessions; and both people's calendar busy times, unless
    given: `calendar_busy` of the same people covering the range, from `calendar_busy_of`)."""
    zone = mentor.zoneinfo
    opens = now + timedelta(hours=availability.notice_hours)
    if start is not None:
        opens = max(opens, start)
    closes = now + timedelta(weeks=availability.horizon_weeks)
    if end is not None:
        closes = min(closes, end)
    plan = SlotPlan(opens_at=opens)
    if length not in availability.session_lengths or opens >= closes:
        return plan

    first_day = opens.astimezone(zone).date()
    last_day = closes.astimezone(zone).date()
    if overrides is None:
        overrides = date_override_rows(
            availability=availability, first_day=first_day, last_day=last_day
        )
    days = hours_by_day(
        availability=availability,
        overrides=overrides,
        days=[first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)],
    )

    # Whole local weeks, so the weekly limit counts sessions before `opens` too.
    week_from, week_to = _monday(first_day), _monday(last_day) + timedelta(weeks=1)
    query_from = datetime.fromtimestamp(_instant(week_from, time(), zone, last=False), UTC)
    query_to = datetime.fromtimestamp(_instant(week_to, time(), zone, last=False), UTC)
    people = [mentor.pk] if mentee is None else [mentor.pk, mentee.pk]
    rows = _BOOKED(
        people=people,
        since=query_from,
        until=query_to,
        exclude=exclude_appointment_id,
    )

    if calendar_busy is None:
        calendar_busy = calendar_busy_of(people=people, start=query_from, end=query_to)

    per_week: Counter[date] = Counter()
    spans: list[tuple[int, int]] = list(calendar_busy)  # POSIX seconds
    for blocked_from, blocked_until, mentor_id, starts_at in rows:
        if mentor_id == mentor.pk:
            per_week[_monday(datetime.fromtimestamp(starts_at, zone).date())] += 1
        spans.append((blocked_from, blocked_until))
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []  # busy spans, merged: both lists ascend
    for busy_from, busy_until in spans:
        if ends and busy_from <= ends[-1]:
            if busy_until > ends[-1]:
                ends[-1] = busy_until
        else:
            starts.append(busy_from)
            ends.append(busy_until)
    plan.full_weeks = {
        week for week, count in per_week.items() if count >= availability.weekly_limit
    }

    before, after = availability.buffer_before * 60, availability.buffer_after * 60
    span = length * 60 + after
    first_start, last_start = math.ceil(opens.timestamp()), math.ceil(closes.timestamp()) - 1
    found: list[int] = []
    for day in days:
        if not day.windows or day.monday in plan.full_weeks:
            continue
        for window_starts, window_ends in day.windows:
            window_from = _instant(day.day, window_starts, zone, last=False)
            window_until = _instant(day.day, window_ends, zone, last=True)
            _free_in_window(
                found,
                window_from=window_from,
                first=first_start,
                last=min(window_until - span, last_start),
                before=before,
                span=span,
                busy_starts=starts,
                busy_ends=ends,
            )
    plan.length = length
    plan.starts = found
    return plan


def free_slots(
    *,
    mentor: User,
    mentee: User | None,
    length: int,
    now: datetime,
    exclude_appointment_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Slot]:
    """Bookable starts for a session of `length` minutes with this mentor (and this mentee's
    other sessions left out too), from max(now + notice, start) to min(now + horizon, end),
    in order. `exclude_appointment_id`: the session being rescheduled does not block itself or
    count against the weekly limit. At most 5 queries, whatever the number of appointments and
    busy times.

    Empty when the mentor has not published availability or does not offer `length`.
    """
    availability = availability_for(mentor)
    if availability is None:
        return []
    return slot_plan(
        availability=availability,
        mentor=mentor,
        mentee=mentee,
        length=length,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
        start=start,
        end=end,
    ).slots


def slot_is_free(
    *,
    mentor: User,
    mentee: User | None,
    starts_at: datetime,
    length: int,
    now: datetime,
    exclude_appointment_id: int | None = None,
    availability: Availability | None = None,
    overrides: Iterable[DateOverride] | None = None,
    calendar_busy: Iterable[tuple[int, int]] | None = None,
) -> bool:
    """Whether `starts_at` is one of the free slots (on the grid, inside notice and horizon).

    Checking many times of one mentor, pass the mentor's `availability` (its windows read),
    the date `overrides` and both people's `calendar_busy` (calendar_busy_of) that cover them:
    each check is then one query.
    """
    if availability is None:
        availability = availability_for(mentor)
        if availability is None:
            return False
    slots = slot_plan(
        availability=availability,
        mentor=mentor,
        mentee=mentee,
        length=length,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
        start=starts_at,
        end=starts_at + timedelta(seconds=1),
        overrides=overrides,
        calendar_busy=calendar_busy,
    ).slots
    return any(slot.starts_at == starts_at for slot in slots)


@dataclass(frozen=True)
class WeekDay:
    """One row of the week view: the date's hours and its free starts (aware, UTC)."""

    hours: DayHours
    slots: list[datetime]  # aware: in the mentor's zone from availability_week
    week_full: bool  # the weekly limit is reached in this date's week
    before_notice: bool  # the whole date lies inside the minimum notice
    beyond_horizon: bool  # the date lies past the booking horizon


def availability_week(
    *,
    availability: Availability,
    mentor: User,
    length: int,
    now: datetime,
    first_day: date,
    overrides: Iterable[DateOverride] | None = None,
) -> list[WeekDay]:
    """Seven local dates from `first_day` (today at the earliest) with their hours and free
    starts (in the mentor's zone), as a mentee with no other sessions would see them; three
    queries, two when given the date `overrides` that cover the week (others are left out)."""
    zone = mentor.zoneinfo
    first_day = max(first_day, local_today(user=mentor, now=now))
    week = [first_day + timedelta(days=n) for n in range(7)]
    if overrides is None:
        overrides = list(availability.overrides.filter(date__range=(week[0], week[-1])))
    else:
        overrides = [o for o in overrides if week[0] <= o.date <= week[-1]]
    plan = slot_plan(
        availability=availability,
        mentor=mentor,
        mentee=None,
        length=length,
        now=now,
        start=datetime.fromtimestamp(_instant(week[0], time(), zone, last=False), UTC),
        end=datetime.fromtimestamp(_instant(week[-1] + ONE_DAY, time(), zone, last=False), UTC),
        overrides=overrides,
    )
    by_day: dict[date, list[datetime]] = {}
    for seconds in plan.starts:  # straight to the mentor's zone: no Slot objects on the way
        local = datetime.fromtimestamp(seconds, zone)
        by_day.setdefault(local.date(), []).append(local)
    opens_day = plan.opens_at.astimezone(zone).date()
    horizon_day = (now + timedelta(weeks=availability.horizon_weeks)).astimezone(zone).date()
    return [
        WeekDay(
            hours=hours,
            slots=by_day.get(hours.day, []),
            week_full=hours.monday in plan.full_weeks,
            before_notice=hours.day < opens_day,
            beyond_horizon=hours.day > horizon_day,
        )
        for hours in hours_by_day(availability=availability, overrides=overrides, days=week)
    ]
