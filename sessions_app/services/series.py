"""Booking a regular series of sessions, all or none, and cancelling one on to its end."""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from mentoring.errors import DomainError
from pairings.models import Pairing
from sessions_app.models import Appointment, Series
from sessions_app.selectors.appointments import series_plan
from sessions_app.services.booking import (
    BookingRefused,
    SlotUnavailable,
    _availability_locked,
    _cancel,
    _check_request,
    _insert,
    _reason,
)
from sessions_app.services.submits import submit_key, submit_once

SERIES_EVERY_WEEKS = (1, 2, 4)
SERIES_COUNT_MAX = 26


class SeriesChanged(DomainError):
    """A date the person confirmed in a series is no longer free: show the plan again."""


def _week_full(mentor: User, limit: int) -> SeriesChanged:
    return SeriesChanged(
        ngettext(
            "%(mentor)s takes at most %(limit)s session a week, and a week of this series is "
            "now full. Here is the series as it is now.",
            "%(mentor)s takes at most %(limit)s sessions a week, and a week of this series is "
            "now full. Here is the series as it is now.",
            limit,
        )
        % {"mentor": mentor.name, "limit": limit}
    )


def series_book(
    *,
    pairing: Pairing,
    booked_by: User,
    starts_at: datetime,
    length: int,
    every_weeks: int,
    count: int | None,
    mode: str,
    place: str = "",
    confirmed: list[datetime],
    token: str | None = None,
    now: datetime | None = None,
) -> Series:
    """Book the dates of a series (see series_plan) that the person confirmed after seeing its
    conflicts: all of them or none. Each date is a session of its own (own UID and invite, so
    one can be moved or cancelled alone). Raises SeriesChanged when a confirmed date is no
    longer free, SlotUnavailable and BookingRefused as appointment_book.

    With the form's `token`, a second submit returns the first's series.
    """
    return submit_once(
        submit_key("series", booked_by, token, starts_at),
        lambda remember: _series_book(
            pairing=pairing,
            booked_by=booked_by,
            starts_at=starts_at,
            length=length,
            every_weeks=every_weeks,
            count=count,
            mode=mode,
            place=place,
            confirmed=confirmed,
            now=now or timezone.now(),
            remember=remember,
        ),
        lambda pk: Series.objects.get(pk=pk),
    )


@transaction.atomic
def _series_book(
    *,
    pairing: Pairing,
    booked_by: User,
    starts_at: datetime,
    length: int,
    every_weeks: int,
    count: int | None,
    mode: str,
    place: str,
    confirmed: list[datetime],
    now: datetime,
    remember: Callable[[int], None],
) -> Series:
    availability = _availability_locked(pairing)
    _check_request(
        pairing=pairing, availability=availability, length=length, mode=mode, place=place
    )
    if every_weeks not in SERIES_EVERY_WEEKS:
        raise BookingRefused(_("A series repeats every 1, 2 or 4 weeks."))
    if count is not None and not 2 <= count <= SERIES_COUNT_MAX:
        raise BookingRefused(
            _("A series has between 2 and %(most)s sessions.") % {"most": SERIES_COUNT_MAX}
        )
    chosen = sorted(set(confirmed))
    if not chosen:
        raise BookingRefused(_("None of these dates is free. Pick another time."))
    plan = series_plan(
        pairing=pairing,
        availability=availability,
        starts_at=starts_at,
        length=length,
        every_weeks=every_weeks,
        count=count,
        now=now,
    )
    if not {o.starts_at for o in plan if o.free}.issuperset(chosen):
        if any(o.week_full for o in plan if o.starts_at in chosen):
            raise _week_full(pairing.mentor, availability.weekly_limit)
        raise SeriesChanged(
            _("Some of these dates were booked a moment ago. Here is the series as it is now.")
        )
    series = Series.objects.create(pairing=pairing, every_weeks=every_weeks, created_by=booked_by)
    try:
        for start in chosen:
            _insert(
                pairing=pairing,
                availability=availability,
                booked_by=booked_by,
                starts_at=start,
                length=length,
                mode=mode,
                place=place,
                series=series,
            )
    except SlotUnavailable:
        raise SeriesChanged(
            _("Some of these dates were booked a moment ago. Here is the series as it is now.")
        ) from None
    remember(series.pk)
    return series


@transaction.atomic
def series_cancel_from(
    *, appointment: Appointment, by: User, reason: str, now: datetime | None = None
) -> list[Appointment]:
    """Cancel this session and, in a series, every later one of it that is booked and has not
    started, each with its own METHOD:CANCEL. Returns the ones cancelled: none on a repeat."""
    now = now or timezone.now()
    reason = _reason(reason)
    following = Q(pk=appointment.pk)
    if appointment.series_id is not None:
        following |= Q(series_id=appointment.series_id, starts_at__gte=appointment.starts_at)
    sessions = list(
        Appointment.objects.select_for_update(of=("self",))
        .select_related("pairing", "mentor", "mentee")
        .filter(following, status=Appointment.Status.BOOKED, starts_at__gt=now)
        .order_by("starts_at")
    )
    for session in sessions:
        _cancel(session, by=by, reason=reason, now=now)
    return sessions
