"""Reads of sessions (Appointment), each scoped to the two people in it (404 for anyone else).

Also what the booking pages need to offer: the ways to meet both partners allowed, the free
times grouped by the viewer's local day, and the dates of a regular series with its conflicts.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from pairings.selectors import pairings_for_user
from pairings.selectors.agreements import channels_both_allow
from sessions_app.models import Appointment, Availability
from sessions_app.selectors.slots import Slot, SlotPlan, calendar_busy_of, slot_plan

SERIES_MAX = 52  # a year of weekly sessions: "until the cohort ends" stops here at the latest
_PERSON_FIELDS = ("email", "display_name", "timezone")  # name (display_name or email) and zone


def appointments_for_user(*, user: User) -> QuerySet[Appointment]:
    """Sessions the user is in, as mentor or mentee, with both people and the pairing."""
    return Appointment.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "mentor", "mentee", "pairing__cohort"
    )


def appointments_upcoming_for(*, user: User, now: datetime) -> QuerySet[Appointment]:
    """The user's booked sessions that have not ended, in every pairing, soonest first, with
    both people (the dashboard lists them by the partner's name; no pairing or cohort)."""
    return (
        appointments_for_user(user=user)
        .select_related(None)
        .select_related("mentor", "mentee")
        .filter(status=Appointment.Status.BOOKED, ends_at__gt=now)
        .order_by("starts_at", "pk")
    )


def appointment_get_for_user(*, user: User, appointment_id: int) -> Appointment:
    """One of the user's own sessions, or 404: ids leak nothing to anyone outside the pairing."""
    return get_object_or_404(appointments_for_user(user=user), pk=appointment_id)


# What a pairing's list of sessions shows of each: its start (linked), way to meet and state.
SESSION_LIST_FIELDS = ("starts_at", "ends_at", "mode", "status", "reported_not_held")


def appointments_listed_for_pairing(
    *, pairing: Pairing, upcoming: bool, now: datetime
) -> QuerySet[Appointment]:
    """appointments_for_pairing with only what the pairing's list of sessions shows
    (SESSION_LIST_FIELDS), without both people: most of the list's Python work was the ORM
    building and reading their columns."""
    sessions = appointments_for_pairing(pairing=pairing, upcoming=upcoming, now=now)
    return sessions.select_related(None).only(*SESSION_LIST_FIELDS)


# What a session's agenda and notes pages show of it (their views, _session_head.html, the
# agenda and notes selectors): its times, way to meet, state, its pairing's status and both
# people's names and zones.
SESSION_PAGE_FIELDS = (
    "status",
    "starts_at",
    "ends_at",
    "mode",
    "reported_not_held",
    "mentor_id",
    "mentee_id",
    "pairing__status",
    *(f"{person}__{field}" for person in ("mentor", "mentee") for field in _PERSON_FIELDS),
)


def appointment_get_for_page(*, user: User, appointment_id: int) -> Appointment:
    """appointment_get_for_user (404 for anyone outside the session) with only what its agenda
    and notes pages show (SESSION_PAGE_FIELDS): whole rows of both people, the pairing and its
    cohort were three quarters of the query's Python work. A change reads whole rows."""
    sessions = appointments_for_user(user=user).select_related(None)
    sessions = sessions.select_related("mentor", "mentee", "pairing").only(*SESSION_PAGE_FIELDS)
    return get_object_or_404(sessions, pk=appointment_id)


# What the page to move a session shows of it (the view, its template, slot_plan): its status
# and times, its pairing's status, both people's names and zones.
MOVE_PAGE_FIELDS = (
    "status",
    "starts_at",
    "ends_at",
    "pairing__status",
    *(f"{person}__{field}" for person in ("mentor", "mentee") for field in _PERSON_FIELDS),
)


def appointment_get_for_moving(
    *, user: User, appointment_id: int, whole: bool = True
) -> Appointment:
    """appointment_get_for_user (404 for anyone outside the session) with both people and the
    pairing, not its cohort. Not `whole`: only what the page to move it shows
    (MOVE_PAGE_FIELDS); a move reads whole rows, its services read more."""
    sessions = appointments_for_user(user=user).select_related(None)
    sessions = sessions.select_related("mentor", "mentee", "pairing")
    if not whole:
        sessions = sessions.only(*MOVE_PAGE_FIELDS)
    return get_object_or_404(sessions, pk=appointment_id)


def appointments_for_pairing(*, pairing: Pairing, upcoming: bool, now: datetime) -> QuerySet:
    """The pairing's booked sessions still to come (soonest first), or the rest: past and
    cancelled ones (latest first). The caller got `pairing` through pairing_get_for_user."""
    sessions = Appointment.objects.filter(pairing=pairing).select_related("mentor", "mentee")
    to_come = Q(status=Appointment.Status.BOOKED, ends_at__gt=now)
    if upcoming:
        return sessions.filter(to_come).order_by("starts_at")
    return sessions.exclude(to_come).order_by("-starts_at")


# What the booking pages show of a pairing (the views, their templates, slot_plan and
# booking_modes_for): its status, its cohort's in-person rule and last day (the series page's
# end), both people's names and zones.
BOOKING_PAGE_FIELDS = (
    "status",
    "cohort__first_session_in_person",
    "cohort__ends_on",
    *(f"{person}__{field}" for person in ("mentor", "mentee") for field in _PERSON_FIELDS),
)


def _pairing_for_booking(*, user_id: int, pairing_id: int, whole: bool) -> QuerySet[Pairing]:
    pairings = pairings_for_user(user=User(pk=user_id)).select_related(None)
    pairings = pairings.select_related("cohort", "mentor", "mentee").filter(pk=pairing_id)
    return pairings if whole else pairings.only(*BOOKING_PAGE_FIELDS)


# The pairing, its cohort and both people, for the booking pages: compiled once
# (mentoring.prepared).
_PAIRING_FOR_BOOKING = PreparedQuery(_pairing_for_booking, "user_id", "pairing_id")


def pairing_get_for_booking(*, user: User, pairing_id: int, whole: bool = True) -> Pairing:
    """pairing_get_for_user (404 for anyone outside the pairing) with the cohort and both
    people but not their profiles, which the booking pages never read. Not `whole`: only what
    the page shows (BOOKING_PAGE_FIELDS); a booking reads whole rows, its services read more."""
    found = _PAIRING_FOR_BOOKING(user_id=user.pk, pairing_id=pairing_id, whole=whole)
    if not found:
        raise Http404("No Pairing matches the given query.")
    return found[0]


def appointments_next_in_pairing(*, pairing: Pairing, now: datetime, limit: int) -> list:
    """The pairing's first `limit` booked sessions still to come, soonest first, with only
    what a list of them shows: their start and way to meet (and id, for the link)."""
    return list(
        Appointment.objects.filter(
            pairing=pairing, status=Appointment.Status.BOOKED, ends_at__gt=now
        )
        .order_by("starts_at")
        .only("pk", "starts_at", "mode")[:limit]
    )


def booking_modes_for(*, pairing: Pairing) -> list[str]:
    """The ways to meet both partners allow in their contact agreement, in the Mode order.

    A session mode is the channel of the same name; email is a channel but not a session.
    """
    allowed = channels_both_allow(pairing=pairing)
    return [mode for mode in Appointment.Mode.values if mode in allowed]


def first_session_in_person_due(*, pairing: Pairing) -> bool:
    """The cohort asks for a first meeting in person and the pairing has booked none yet
    (cancelled sessions do not count)."""
    return (
        pairing.cohort.first_session_in_person
        and not Appointment.objects.filter(
            pairing=pairing, status=Appointment.Status.BOOKED
        ).exists()
    )


@dataclass(frozen=True)
class SlotDay:
    """The free starts of one day, in the viewer's zone."""

    day: date
    slots: list[datetime]  # the free starts: aware, in the viewer's zone, ascending


@dataclass(frozen=True)
class SlotWeek:
    """One Monday-to-Sunday week of free times in the viewer's zone, for the week view."""

    monday: date
    days: list[SlotDay]  # all seven, a day without free times has no slots
    previous: date | None  # the Monday before, when it can hold free times
    next: date | None  # the Monday after, when it can hold free times
    first_free: Slot | None  # the earliest free time of all, in any week


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_date(seconds: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, zone).date()


def slot_week(
    *,
    plan: SlotPlan,
    zone: ZoneInfo,
    today: date,
    asked: date | None = None,
    chosen: datetime | None = None,
) -> SlotWeek:
    """The week to show: the one `asked` for (any date in it), else the one holding `chosen`
    (a refused submit), else the one with the first free time; kept between the weeks of the
    first and the last free time of `plan` (this week when there is none: `today` is the
    viewer's local date). Only the shown week's starts become datetimes (and the first free
    time a Slot). No query."""
    starts = plan.starts
    if starts:
        first_week = _monday(_local_date(starts[0], zone))
        last_week = _monday(_local_date(starts[-1], zone))
    else:
        first_week = last_week = _monday(today)
    wanted = asked or (chosen.astimezone(zone).date() if chosen else None)
    if wanted is None:
        wanted = _local_date(starts[0], zone) if starts else today
    monday = min(max(_monday(wanted), first_week), last_week)
    by_day: dict[date, list[datetime]] = {monday + timedelta(days=n): [] for n in range(7)}
    # Starts ascend: only those within a day of the week's local bounds need a look.
    near_from = datetime.combine(monday - timedelta(days=1), time(), tzinfo=zone).timestamp()
    near_to = datetime.combine(monday + timedelta(days=8), time(), tzinfo=zone).timestamp()
    for seconds in starts[bisect_left(starts, near_from) : bisect_right(starts, near_to)]:
        local = datetime.fromtimestamp(seconds, zone)
        day_starts = by_day.get(local.date())
        if day_starts is not None:
            day_starts.append(local)
    return SlotWeek(
        monday=monday,
        days=[SlotDay(day=day, slots=day_starts) for day, day_starts in by_day.items()],
        previous=monday - timedelta(weeks=1) if monday > first_week else None,
        next=monday + timedelta(weeks=1) if monday < last_week else None,
        first_free=plan.slots_between(0, 1)[0] if starts else None,
    )


@dataclass(frozen=True)
class Occurrence:
    """One date of a planned series, and whether it is free to book."""

    starts_at: datetime  # aware, UTC
    ends_at: datetime
    free: bool
    week_full: bool = False  # not free because the mentor's weekly limit is reached that week


def series_starts(
    *, first: datetime, zone: ZoneInfo, every_weeks: int, count: int | None, last_day: date
) -> list[datetime]:
    """The starts of a series at `first`'s wall-clock time in `zone`, every `every_weeks`
    weeks: `count` times, or (count None) up to and including `last_day`. Same local time on
    both sides of a DST change, so the UTC time moves with the clocks."""
    local = first.astimezone(zone)
    wall, day = local.time(), local.date()
    starts = []
    while len(starts) < (count or SERIES_MAX) and (count is not None or day <= last_day):
        starts.append(datetime.combine(day, wall, tzinfo=zone).astimezone(UTC))
        day += timedelta(weeks=every_weeks)
    return starts


def _judged_at(*, starts_at: datetime, now: datetime, availability: Availability) -> datetime:
    """When to judge a series date as if it were booked then.

    The booking horizon keeps one-off bookings near; a series is an agreed rhythm, so a date
    beyond the horizon is judged as though booked when it comes within it. Everything else
    (hours, days off, buffers, the weekly limit, both people's sessions) applies as usual.
    """
    lead = max(
        timedelta(weeks=availability.horizon_weeks) - timedelta(days=1),
        timedelta(hours=availability.notice_hours + 1),
    )
    return max(now, starts_at - lead)


def series_plan(
    *,
    pairing: Pairing,
    availability: Availability,
    starts_at: datetime,
    length: int,
    every_weeks: int,
    count: int | None,
    now: datetime,
) -> list[Occurrence]:
    """Each date of a series at the mentor's local time of `starts_at`, with whether it is
    free (and, when not, whether the mentor's week is full); `count` None runs until the
    cohort ends. Three queries (the windows, the date overrides and both people's calendar
    busy times), then one per date."""
    zone = pairing.mentor.zoneinfo
    starts = series_starts(
        first=starts_at,
        zone=zone,
        every_weeks=every_weeks,
        count=count,
        last_day=pairing.cohort.ends_on,
    )
    if not starts:
        return []
    prefetch_related_objects([availability], "windows")  # nothing to do when already read
    dates = (starts[0].astimezone(zone).date(), starts[-1].astimezone(zone).date())
    overrides = list(availability.overrides.filter(date__range=dates))
    calendar_busy = calendar_busy_of(
        people=[pairing.mentor_id, pairing.mentee_id],
        start=starts[0] - timedelta(days=1),  # more than any buffer
        end=starts[-1] + timedelta(days=1),
    )
    duration = timedelta(minutes=length)
    occurrences = []
    for start in starts:
        plan = slot_plan(
            availability=availability,
            mentor=pairing.mentor,
            mentee=pairing.mentee,
            length=length,
            now=_judged_at(starts_at=start, now=now, availability=availability),
            start=start,
            end=start + timedelta(seconds=1),
            overrides=overrides,
            calendar_busy=calendar_busy,
        )
        free = any(slot.starts_at == start for slot in plan.slots)
        local = start.astimezone(zone).date()
        occurrences.append(
            Occurrence(
                starts_at=start,
                ends_at=start + duration,
                free=free,
                week_full=not free and local - timedelta(days=local.weekday()) in plan.full_weeks,
            )
        )
    return occurrences
