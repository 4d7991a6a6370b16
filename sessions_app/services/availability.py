"""A mentor's availability: booking rules, weekly windows and date overrides."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.errors import DomainError
from sessions_app.models import Availability, DateOverride, WeeklyWindow
from sessions_app.selectors.availability import SESSION_LENGTHS, local_today


class AvailabilityRefused(DomainError):
    """The rules or hours given cannot be saved as they are."""


def _check_windows(windows: list[tuple[int, time, time]]) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, starts, ends in sorted(windows):
        if ends <= starts:
            raise AvailabilityRefused(_("Each window must end after it starts."))
        day = by_day.setdefault(weekday, [])
        if day and starts < day[-1][1]:
            raise AvailabilityRefused(_("Two windows on the same day overlap."))
        day.append((starts, ends))


@transaction.atomic
def availability_save(
    *,
    mentor: User,
    session_lengths: list[int],
    buffer_before: int,
    buffer_after: int,
    notice_hours: int,
    weekly_limit: int,
    horizon_weeks: int,
    windows: list[tuple[int, time, time]],
) -> Availability:
    """Publish (or replace) the mentor's rules and weekly windows, given in the mentor's own
    zone as (weekday, from, to). Raises AvailabilityRefused; safe to repeat."""
    lengths = sorted(set(session_lengths))
    if not lengths or not set(lengths) <= set(SESSION_LENGTHS):
        raise AvailabilityRefused(_("Offer at least one of the listed session lengths."))
    _check_windows(windows)
    Availability.objects.get_or_create(mentor=mentor)
    # Locked, so two saves at once leave one whole set of windows, not a mix of both.
    availability = Availability.objects.select_for_update().get(mentor=mentor)
    availability.session_lengths = lengths
    availability.buffer_before = buffer_before
    availability.buffer_after = buffer_after
    availability.notice_hours = notice_hours
    availability.weekly_limit = weekly_limit
    availability.horizon_weeks = horizon_weeks
    availability.full_clean()
    # One DELETE, without the collector's read of the rows and a post_delete (a bump of the
    # kept rules) for each: nothing refers to a window.
    old_windows = WeeklyWindow.objects.filter(availability=availability)
    old_windows._raw_delete(old_windows.db)
    rows = [
        WeeklyWindow(availability=availability, weekday=weekday, starts=starts, ends=ends)
        for weekday, starts, ends in sorted(windows)
    ]
    for row in rows:
        # The table's checks (ends after starts, weekday 0-6) are _check_windows' and the
        # weekday's validator: asked of the database again, they were two queries a window.
        row.full_clean(exclude=["availability"], validate_constraints=False)
    WeeklyWindow.objects.bulk_create(rows)
    # Saved last: its post_save bumps the mentor's kept booking rules once (receivers.py), after
    # the windows' bulk writes, which send no signal.
    availability.save()
    return availability


@transaction.atomic
def date_override_add(
    *,
    mentor: User,
    day: date,
    day_off: bool,
    starts: time | None,
    ends: time | None,
    now: datetime,
) -> DateOverride:
    """Mark a date (the mentor's local date) as a day off, or add extra hours on it.

    Raises AvailabilityRefused for a past date, before availability is published, or when it
    clashes with what the date already has (a day off, or overlapping extra hours).
    """
    if day < local_today(user=mentor, now=now):
        raise AvailabilityRefused(_("That date has passed. Pick today or a later date."))
    availability = Availability.objects.select_for_update().filter(mentor=mentor).first()
    if availability is None:
        raise AvailabilityRefused(_("Save your weekly hours first, then add dates."))
    existing = list(availability.overrides.filter(date=day))
    if any(override.day_off for override in existing):
        raise AvailabilityRefused(
            _("That date is already a day off. Remove the day off first to add hours.")
        )
    if day_off:
        if existing:
            raise AvailabilityRefused(
                _("That date has extra hours. Remove them first to make it a day off.")
            )
        starts = ends = None
    else:
        if starts is None or ends is None or ends <= starts:
            raise AvailabilityRefused(_("Give extra hours that end after they start."))
        for other in existing:
            if starts < other.ends and other.starts < ends:
                raise AvailabilityRefused(
                    _("Those hours overlap the extra hours on that date, %(from)s to %(to)s.")
                    % {"from": f"{other.starts:%H:%M}", "to": f"{other.ends:%H:%M}"}
                )
    override = DateOverride(
        availability=availability, date=day, day_off=day_off, starts=starts, ends=ends
    )
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def date_override_remove(*, override: DateOverride) -> None:
    """Remove a day off or extra hours; the date's weekly windows apply again. Safe to repeat."""
    DateOverride.objects.filter(pk=override.pk).delete()  # its signal bumps the mentor's rules
