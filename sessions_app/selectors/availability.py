"""Reads about a mentor's availability: the rules, and the hours that apply on each date."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db import router
from django.db.models import Exists, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from mentoring.prepared import PreparedQuery
from sessions_app.models import Availability, DateOverride, WeeklyWindow

SESSION_LENGTHS = (15, 30, 45, 60, 90)  # the lengths a mentor may offer, in minutes


def availability_for(mentor: User) -> Availability | None:
    """The mentor's published availability with its weekly windows, or None (offers nothing)."""
    return Availability.objects.filter(mentor=mentor).prefetch_related("windows").first()


class OverrideRow(NamedTuple):
    """What hours_by_day reads of a DateOverride, read as a row: lighter than the model."""

    date: date
    day_off: bool
    starts: time | None
    ends: time | None


def date_override_rows(
    *, availability: Availability, first_day: date, last_day: date | None = None
) -> list[OverrideRow]:
    """The availability's date overrides from `first_day` (to `last_day`, or all later ones) as
    rows; one query."""
    if last_day is None:
        overrides = availability.overrides.filter(date__gte=first_day)
    else:
        overrides = availability.overrides.filter(date__range=(first_day, last_day))
    return [OverrideRow(*row) for row in overrides.values_list("date", "day_off", "starts", "ends")]


@dataclass(frozen=True)
class BookingRules:
    """What the booking pages need of a mentor to show free times: the availability (None when
    not published) with its weekly windows read, and its date overrides from `since` on."""

    availability: Availability | None
    overrides: tuple[OverrideRow, ...]
    since: date

    def covers(self, day: date) -> bool:
        """Whether the overrides held reach back to `day`."""
        return self.since <= day


def booking_rules_read(*, mentor: User, since: date) -> BookingRules:
    """The mentor's availability with its weekly windows and date overrides from `since` on;
    three queries (one without availability)."""
    availability = availability_for(mentor)
    if availability is None:
        return BookingRules(availability=None, overrides=(), since=since)
    rows = date_override_rows(availability=availability, first_day=since)
    return BookingRules(availability=availability, overrides=tuple(rows), since=since)


def booking_rules_since(*, mentor: User, now: datetime) -> date:
    """The first date whose overrides a kept copy of the rules holds: the day before the
    mentor's local today, so the copy still covers today if the mentor moves to a time zone
    a day behind."""
    return local_today(user=mentor, now=now) - timedelta(days=1)


def _offering(user: User) -> QuerySet[User]:
    return User.objects.filter(pk=user.pk).filter(
        Q(profile__is_mentor=True) | Q(mentor_pairings__isnull=False)
    )


def offers_sessions(*, user: User) -> bool:
    """Whether the user mentors: so says their profile, or they mentor someone already."""
    return _offering(user).exists()


_AVAILABILITY_FIELDS = tuple(field.attname for field in Availability._meta.concrete_fields)
_WINDOW_FIELDS = tuple(field.attname for field in WeeklyWindow._meta.concrete_fields)


def _availability_query(*, user_id: int) -> QuerySet:
    user = User(pk=user_id)
    return (
        Availability.objects.filter(mentor=user)
        .annotate(offers=Exists(_offering(user)))
        .values_list(*_AVAILABILITY_FIELDS, "offers")
    )


# The user's availability (its fields, then whether they offer sessions), and the weekly windows
# of an availability in their order, as rows: compiled once (mentoring.prepared).
_AVAILABILITY = PreparedQuery(_availability_query, "user_id")
_WINDOWS = PreparedQuery(
    lambda *, availability_id: WeeklyWindow.objects.filter(
        availability_id=availability_id
    ).values_list(*_WINDOW_FIELDS),
    "availability_id",
)


def availability_of_mentor(*, user: User) -> tuple[bool, Availability | None]:
    """(offers_sessions, availability_for) of the user, for their availability page: the
    check rides on the availability's query, so a mentor who has published costs two queries
    (availability, windows) instead of three. Both are compiled once (mentoring.prepared):
    through the ORM with its prefetch they were a sixth of the page."""
    found = _AVAILABILITY(user_id=user.pk)
    if not found:
        return offers_sessions(user=user), None
    alias = router.db_for_read(Availability)
    *fields, offers = found[0]
    availability = Availability.from_db(alias, _AVAILABILITY_FIELDS, fields)
    windows = availability.windows.all()  # as a prefetch keeps them: filtered, then filled
    windows._result_cache = [
        WeeklyWindow.from_db(alias, _WINDOW_FIELDS, row)
        for row in _WINDOWS(availability_id=availability.pk)
    ]
    windows._prefetch_done = True
    availability._prefetched_objects_cache = {"windows": windows}
    return offers, availability


_OVERRIDE_FIELDS = tuple(field.attname for field in DateOverride._meta.concrete_fields)
_OVERRIDES_UPCOMING = PreparedQuery(
    lambda *, availability_id, today: (
        DateOverride.objects.filter(availability_id=availability_id, date__gte=today)
        .order_by("date", "starts")
        .values_list(*_OVERRIDE_FIELDS)
    ),
    "availability_id",
    "today",
)


def date_overrides_upcoming(*, availability: Availability, today: date) -> list[DateOverride]:
    """The mentor's days off and extra hours from `today` on, soonest first; one query, its
    compiled once."""
    alias = router.db_for_read(DateOverride)
    return [
        DateOverride.from_db(alias, _OVERRIDE_FIELDS, row)
        for row in _OVERRIDES_UPCOMING(availability_id=availability.pk, today=today)
    ]


def date_override_get_for_mentor(*, user: User, override_id: int) -> DateOverride:
    """One of the user's own date overrides, or 404."""
    return get_object_or_404(DateOverride.objects.filter(availability__mentor=user), pk=override_id)


@dataclass(frozen=True)
class DayHours:
    """The hours a mentor offers on one local date, after its overrides."""

    day: date
    windows: tuple[tuple[time, time], ...]  # local, in order; overlapping ones merged
    day_off: bool = False
    extra: bool = False  # extra hours were added on this date

    @property
    def monday(self) -> date:
        return date.fromordinal(self.day.toordinal() - self.day.weekday())


def _merged(windows: list[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    """Windows that overlap or touch become one: a session may run across the join."""
    merged: list[tuple[time, time]] = []
    for starts, ends in sorted(windows):
        if merged and starts <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(ends, merged[-1][1]))
        else:
            merged.append((starts, ends))
    return tuple(merged)


def hours_by_day(
    *, availability: Availability, overrides: Iterable[DateOverride], days: Iterable[date]
) -> list[DayHours]:
    """The hours of each of `days`: the weekly windows of its weekday, unless the date is a day
    off (which removes every window that date), plus any extra hours added for the date."""
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for window in availability.windows.all():
        weekly[window.weekday].append((window.starts, window.ends))
    on_date: dict[date, list[DateOverride]] = defaultdict(list)
    for override in overrides:
        on_date[override.date].append(override)
    found = []
    for day in days:
        changes = on_date.get(day, [])
        if any(override.day_off for override in changes):
            found.append(DayHours(day=day, windows=(), day_off=True))
            continue
        extra = [(override.starts, override.ends) for override in changes]
        found.append(
            DayHours(day=day, windows=_merged(weekly[day.weekday()] + extra), extra=bool(extra))
        )
    return found


def local_today(*, user: User, now: datetime) -> date:
    """Today's date where the user lives."""
    return now.astimezone(user.zoneinfo).date()
