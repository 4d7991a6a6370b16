"""People's own calendars: connecting an ICS address and refreshing its busy times.

A refresh asks conditionally (ETag, Last-Modified) while the busy times read last still cover
the window; on an answer it reads the busy times of the next WINDOW and replaces the old ones
in one transaction. A failure keeps the last good busy times and records why, in words, with
the moment it started failing. Beat scans every REFRESH_EVERY for the connections not tried
since and queues one short refresh task each.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.crypto import decrypt, encrypt
from sessions_app.calendars.busy import CalendarUnreadable, busy_intervals
from sessions_app.calendars.fetch import CalendarFetchError, fetch_calendar
from sessions_app.models import SESSION_UID_SUFFIX, BusyInterval, CalendarConnection

WINDOW = timedelta(weeks=26)  # the longest booking horizon
REREAD_AFTER = timedelta(days=1)  # read again in full once the window has moved on a day
REFRESH_EVERY = timedelta(minutes=10)
MAX_INTERVALS = 10_000
SCAN_BATCH = 500


class CalendarProblem(Exception):
    """A calendar that could not be read; the message says why, in words."""


def _read(
    connection: CalendarConnection, *, now: datetime, conditional: bool
) -> list[tuple[datetime, datetime]] | None:
    """The busy times at the connection's address, or None when unchanged since last read."""
    try:
        fetched = fetch_calendar(
            decrypt(connection.url_encrypted),
            etag=connection.etag if conditional else "",
            last_modified=connection.last_modified if conditional else "",
        )
    except CalendarFetchError as error:
        raise CalendarProblem(str(error)) from error
    if not fetched.changed:
        return None
    try:
        spans = busy_intervals(
            fetched.body,
            zone=connection.user.zoneinfo,
            start=now - timedelta(days=1),
            end=now + WINDOW,
            skip_uid_suffix=SESSION_UID_SUFFIX,  # sessions booked here count by themselves
        )
    except CalendarUnreadable as error:
        raise CalendarProblem(
            _(
                "The address did not give a calendar (an ICS file). "
                "Check that you copied its secret address."
            )
        ) from error
    if len(spans) > MAX_INTERVALS:
        raise CalendarProblem(
            _(
                "The calendar has more than %(count)s busy times ahead; "
                "only smaller calendars can be read."
            )
            % {"count": MAX_INTERVALS}
        )
    connection.etag, connection.last_modified = fetched.etag[:255], fetched.last_modified[:64]
    return [(span.starts_at, span.ends_at) for span in spans]


def _store(
    connection: CalendarConnection, spans: list[tuple[datetime, datetime]] | None, now: datetime
) -> bool:
    """Keep what was read; False when the connection was removed while it was being read."""
    with transaction.atomic():
        if connection.pk is None:
            connection.save()
        elif not CalendarConnection.objects.select_for_update().filter(pk=connection.pk).exists():
            return False
        if spans is not None:
            connection.busy.all().delete()
            BusyInterval.objects.bulk_create(
                BusyInterval(connection=connection, starts_at=starts_at, ends_at=ends_at)
                for starts_at, ends_at in spans
            )
            connection.busy_known_until = now + WINDOW
        connection.checked_at = connection.last_synced_at = now
        connection.last_error, connection.failing_since = "", None
        connection.save()
    return True


def calendar_connect(*, user: User, name: str, url: str, now: datetime) -> CalendarConnection:
    """Connect the calendar at `url`, read at once; raises CalendarProblem (nothing saved)
    when it cannot be read."""
    connection = CalendarConnection(user=user, name=name, url_encrypted=encrypt(url))
    spans = _read(connection, now=now, conditional=False)
    _store(connection, spans, now)
    return connection


def calendar_disconnect(*, connection: CalendarConnection) -> None:
    """Remove the connection and its busy times: the slots they blocked open again."""
    connection.delete()


def calendar_refresh(*, connection_id: int, now: datetime) -> bool:
    """Read one connection again; True when its busy times are current. Safe to run twice."""
    connection = CalendarConnection.objects.select_related("user").filter(pk=connection_id).first()
    if connection is None:
        return False  # removed meanwhile
    conditional = (
        connection.busy_known_until is not None
        and connection.busy_known_until >= now + WINDOW - REREAD_AFTER
    )
    try:
        spans = _read(connection, now=now, conditional=conditional)
    except CalendarProblem as problem:
        CalendarConnection.objects.filter(pk=connection.pk).update(
            checked_at=now, last_error=str(problem)
        )
        CalendarConnection.objects.filter(pk=connection.pk, failing_since=None).update(
            failing_since=now
        )
        return False
    return _store(connection, spans, now)


def calendars_due(*, now: datetime) -> list[int]:
    """Claim the connections not tried for REFRESH_EVERY (marking them tried now, so a second
    scan does not take them too) and return their ids."""
    with transaction.atomic():
        ids = list(
            CalendarConnection.objects.filter(checked_at__lte=now - REFRESH_EVERY)
            .order_by("checked_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SCAN_BATCH]
        )
        CalendarConnection.objects.filter(pk__in=ids).update(checked_at=now)
    return ids
