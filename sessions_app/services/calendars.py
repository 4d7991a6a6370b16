"""People's own calendars: connecting an ICS address or a CalDAV account and refreshing
their busy times.

A refresh asks conditionally while the busy times read last still cover the window: an ICS
address with its ETag / Last-Modified, a CalDAV calendar by its change marker (getctag or
sync-token), and an unchanged one is not read again. On a change it reads the busy times of the
next WINDOW and replaces the old ones in one transaction. A failure keeps the last good busy
times and records why, in words, with the moment it started failing; once it has failed for
FAILING_LIMIT its owner is emailed, once per failing spell. Beat scans every REFRESH_EVERY for
the connections not tried since and queues one short refresh task each. The daily full read
of a CalDAV account first asks the server for its calendars again, so one made there later
counts too and one removed there goes.
"""

from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.crypto import decrypt, encrypt
from outbox.services import task_enqueue_on_commit, task_publish
from sessions_app.calendars.busy import CalendarUnreadable, busy_intervals
from sessions_app.calendars.caldav import (
    CalDavError,
    DavAccount,
    calendar_state,
    discover,
    event_delete,
    events_between,
)
from sessions_app.calendars.fetch import CalendarFetchError, fetch_calendar
from sessions_app.models import (
    SESSION_UID_SUFFIX,
    Appointment,
    BusyInterval,
    CalendarConnection,
    ConnectedCalendar,
    SessionEventWrite,
)

WINDOW = timedelta(weeks=26)  # the longest booking horizon
REREAD_AFTER = timedelta(days=1)  # read again in full once the window has moved on a day
REFRESH_EVERY = timedelta(minutes=10)
MAX_INTERVALS = 10_000
SCAN_BATCH = 500
FAILING_LIMIT = timedelta(hours=24)  # a calendar failing this long: its owner is emailed once

Spans = list[tuple[datetime, datetime]]


class CalendarProblem(Exception):
    """A calendar that could not be read; the message says why, in words."""


def _spans(document: bytes, *, connection: CalendarConnection, now: datetime) -> Spans:
    """The busy times in `document` for the window, without the sessions booked here."""
    try:
        spans = busy_intervals(
            document,
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
    return [(span.starts_at, span.ends_at) for span in spans]


def _too_many() -> CalendarProblem:
    return CalendarProblem(
        _(
            "The calendar has more than %(count)s busy times ahead; "
            "only smaller calendars can be read."
        )
        % {"count": MAX_INTERVALS}
    )


def _read(connection: CalendarConnection, *, now: datetime, conditional: bool) -> Spans | None:
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
    spans = _spans(fetched.body, connection=connection, now=now)
    if len(spans) > MAX_INTERVALS:
        raise _too_many()
    connection.etag, connection.last_modified = fetched.etag[:255], fetched.last_modified[:64]
    return spans


def account_of(connection: CalendarConnection) -> DavAccount:
    """The CalDAV account of a connection, its password decrypted (never keep it around)."""
    return DavAccount(
        server_url=decrypt(connection.url_encrypted),
        username=connection.username,
        password=decrypt(connection.password_encrypted),
    )


def _dav_read(
    connection: CalendarConnection,
    calendars: list[ConnectedCalendar],
    *,
    now: datetime,
    conditional: bool,
) -> dict[str, tuple[str, Spans]]:
    """The change marker and busy times of each calendar that changed since last read (all of
    them when not `conditional`), by calendar address; an unchanged one costs one request."""
    account = account_of(connection)
    read: dict[str, tuple[str, Spans]] = {}
    try:
        for calendar in calendars:
            state = calendar_state(account, calendar.url)
            if conditional and state and state == calendar.state:
                continue
            document = events_between(
                account, calendar.url, start=now - timedelta(days=1), end=now + WINDOW
            )
            read[calendar.url] = (state[:255], _spans(document, connection=connection, now=now))
    except CalDavError as error:
        raise CalendarProblem(str(error)) from error
    if sum(len(spans) for _state, spans in read.values()) > MAX_INTERVALS:
        raise _too_many()
    return read


def _dav_rediscover(connection: CalendarConnection) -> None:
    """Bring the account's calendars up to date with the server: one made there since counts
    as busy (as every calendar does when an account is connected); one removed there goes,
    with its busy times, and stops receiving sessions. Renamed ones take their new name."""
    try:
        found = {calendar.url: calendar for calendar in discover(account_of(connection))}
    except CalDavError as error:
        raise CalendarProblem(str(error)) from error
    with transaction.atomic():
        known = {c.url: c for c in connection.calendars.select_for_update()}
        ConnectedCalendar.objects.bulk_create(
            ConnectedCalendar(
                connection=connection,
                user_id=connection.user_id,
                url=url,
                name=calendar.name[:200],
                writable=calendar.writable,
            )
            for url, calendar in found.items()
            if url not in known
        )
        for url, calendar in known.items():
            if url not in found:
                calendar.delete()
            elif (calendar.name, calendar.writable) != (found[url].name[:200], found[url].writable):
                calendar.name, calendar.writable = found[url].name[:200], found[url].writable
                calendar.receives_sessions = calendar.receives_sessions and calendar.writable
                calendar.save(update_fields=["name", "writable", "receives_sessions"])


def _store(connection: CalendarConnection, spans: Spans | None, now: datetime) -> bool:
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
        _mark_good(connection, now)
    return True


def _mark_good(connection: CalendarConnection, now: datetime) -> None:
    connection.checked_at = connection.last_synced_at = now
    connection.last_error, connection.failing_since = "", None
    connection.failure_emailed_at = None  # a new failing spell is worth a new email
    connection.save()


def _dav_store(
    connection: CalendarConnection,
    read: dict[str, tuple[str, Spans]],
    *,
    now: datetime,
    complete: bool,
) -> bool:
    """Replace the busy times of each calendar read; `complete` when every ticked calendar
    was read, so they now cover the whole window. False when the connection was removed."""
    with transaction.atomic():
        if not CalendarConnection.objects.select_for_update().filter(pk=connection.pk).exists():
            return False
        ids = dict(connection.calendars.filter(counts_busy=True).values_list("url", "pk"))
        for url, (state, spans) in read.items():
            calendar_id = ids.get(url)
            if calendar_id is None:
                continue  # unticked (or gone) while it was being read: it no longer counts
            BusyInterval.objects.filter(calendar_id=calendar_id).delete()
            BusyInterval.objects.bulk_create(
                BusyInterval(
                    connection=connection,
                    calendar_id=calendar_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
                for starts_at, ends_at in spans
            )
            ConnectedCalendar.objects.filter(pk=calendar_id).update(state=state)
        if complete:
            connection.busy_known_until = now + WINDOW
        _mark_good(connection, now)
    return True


def calendar_connect(*, user: User, name: str, url: str, now: datetime) -> CalendarConnection:
    """Connect the calendar at `url`, read at once; raises CalendarProblem (nothing saved)
    when it cannot be read."""
    connection = CalendarConnection(user=user, name=name, url_encrypted=encrypt(url))
    spans = _read(connection, now=now, conditional=False)
    _store(connection, spans, now)
    return connection


def _written_ahead(connection: CalendarConnection, now: datetime):
    """The sessions still to come that were written into the connection's calendars."""
    return SessionEventWrite.objects.filter(
        calendar__connection=connection, appointment__ends_at__gt=now
    ).exclude(href="")


def calendar_disconnect(*, connection: CalendarConnection, now: datetime) -> bool:
    """Remove the connection: its busy times go at once, so the slots they blocked open again.

    A CalDAV account that holds sessions still to come is first hidden and stops receiving;
    a refresh task then takes those sessions out of its calendars (they would go stale there:
    later moves and cancellations no longer reach them) and removes it. Past sessions stay in
    the calendar as the record of what happened. True when sessions are being taken out."""
    from sessions_app.tasks.calendars import calendar_refresh_task  # tasks import services

    with transaction.atomic():
        if not _written_ahead(connection, now).exists():
            connection.delete()
            return False
        CalendarConnection.objects.filter(pk=connection.pk).update(removing_since=now)
        connection.busy.all().delete()
        connection.calendars.update(counts_busy=False, receives_sessions=False)
        # The refresh scan takes it up within REFRESH_EVERY should the broker be down now.
        transaction.on_commit(partial(task_publish, calendar_refresh_task, connection.pk))
    return True


def _dav_remove(connection: CalendarConnection, *, now: datetime) -> bool:
    """Take the sessions to come out of a removed account's calendars, then the account. A
    server that cannot be reached is tried again at each scan for FAILING_LIMIT; after that
    the account goes anyway, so a dead server never keeps a removed password."""
    account = account_of(connection)
    try:
        for write in _written_ahead(connection, now):
            event_delete(account, write.href)
    except CalDavError as error:
        if now - connection.removing_since < FAILING_LIMIT:
            CalendarConnection.objects.filter(pk=connection.pk).update(
                checked_at=now, last_error=str(error)
            )
            return False
    connection.delete()
    return True


def _dav_connection_name(username: str, server_url: str) -> str:
    return f"{username} ({urlsplit(server_url).hostname or server_url})"[:80]


def calendar_caldav_connect(
    *, user: User, server_url: str, username: str, password: str, now: datetime
) -> CalendarConnection:
    """Connect a CalDAV account: find its calendars (each counts as busy until the person
    unticks it; none receives sessions until chosen) and read their busy times at once.
    Raises CalendarProblem, saving nothing, when the account cannot be reached or read."""
    account = DavAccount(server_url=server_url, username=username, password=password)
    try:
        found = discover(account)
    except CalDavError as error:
        raise CalendarProblem(str(error)) from error
    connection = CalendarConnection(
        user=user,
        kind=CalendarConnection.Kind.CALDAV,
        name=_dav_connection_name(username, server_url),
        url_encrypted=encrypt(server_url),
        username=username,
        password_encrypted=encrypt(password),
    )
    calendars = [
        ConnectedCalendar(
            connection=connection,
            user=user,
            url=calendar.url,
            name=calendar.name[:200],
            writable=calendar.writable,
        )
        for calendar in {calendar.url: calendar for calendar in found}.values()
    ]
    read = _dav_read(connection, calendars, now=now, conditional=False)
    with transaction.atomic():
        connection.save()
        for calendar in calendars:
            calendar.connection = connection
        ConnectedCalendar.objects.bulk_create(calendars)
        _dav_store(connection, read, now=now, complete=True)
    return connection


@transaction.atomic
def calendar_caldav_choose(
    *, connection: CalendarConnection, busy_ids: set[int], receiving_id: int | None
) -> None:
    """Keep the person's choices for an account's calendars.

    The calendars in `busy_ids` count as busy: an unticked one's busy times go at once, a newly
    ticked one is read at the next refresh. The calendar `receiving_id` (one of the account's,
    writable) receives the person's sessions from now on, and the sessions to come are written
    into it; any other calendar of theirs, in any account, stops receiving them. None: no
    calendar of this account receives them.
    """
    User.objects.select_for_update().filter(pk=connection.user_id).first()  # one at a time
    calendars = {c.pk: c for c in connection.calendars.select_for_update()}
    for calendar in calendars.values():
        counts = calendar.pk in busy_ids
        if counts != calendar.counts_busy:
            calendar.counts_busy, calendar.state = counts, ""  # "": read in full when ticked
            calendar.save(update_fields=["counts_busy", "state"])
            if not counts:
                calendar.busy.all().delete()
    chosen = calendars.get(receiving_id) if receiving_id is not None else None
    if chosen is not None and chosen.writable and chosen.receives_sessions:
        return
    mine = ConnectedCalendar.objects.filter(user_id=connection.user_id, receives_sessions=True)
    if chosen is None or not chosen.writable:
        mine.filter(connection=connection).update(receives_sessions=False)
        return
    mine.update(receives_sessions=False)
    chosen.receives_sessions = True
    chosen.save(update_fields=["receives_sessions"])
    _write_upcoming(user_id=connection.user_id)


def _write_upcoming(*, user_id: int) -> None:
    """Once committed, write the person's sessions to come into their chosen calendar."""
    from sessions_app.tasks.calendars import session_write_back_task  # tasks import services

    upcoming = Appointment.objects.filter(
        Q(mentor_id=user_id) | Q(mentee_id=user_id),
        status=Appointment.Status.BOOKED,
        ends_at__gt=timezone.now(),
    ).values_list("pk", flat=True)
    for appointment_id in upcoming:
        task_enqueue_on_commit(session_write_back_task, appointment_id, user_id)


def _failed(connection: CalendarConnection, problem: CalendarProblem, now: datetime) -> None:
    """Record the problem, keeping the busy times read before; once the calendar has failed
    for FAILING_LIMIT, its owner is emailed (once, until it reads again and fails anew)."""
    from sessions_app.tasks.calendars import calendar_failing_email_task  # tasks import services

    with transaction.atomic():
        found = CalendarConnection.objects.filter(pk=connection.pk)
        found.update(checked_at=now, last_error=str(problem))
        found.filter(failing_since=None).update(failing_since=now)
        claimed = found.filter(
            failing_since__lte=now - FAILING_LIMIT, failure_emailed_at=None
        ).update(failure_emailed_at=now)
        if claimed:
            task_enqueue_on_commit(calendar_failing_email_task, connection.pk)


def calendar_refresh(*, connection_id: int, now: datetime) -> bool:
    """Read one connection again; True when its busy times are current. Safe to run twice."""
    connection = CalendarConnection.objects.select_related("user").filter(pk=connection_id).first()
    if connection is None:
        return False  # removed meanwhile
    if connection.removing_since is not None:
        return _dav_remove(connection, now=now)
    conditional = (
        connection.busy_known_until is not None
        and connection.busy_known_until >= now + WINDOW - REREAD_AFTER
    )
    try:
        # The problem is kept in words for the owner: their page and their email show it.
        with translation.override(connection.user.email_language):
            if connection.kind == CalendarConnection.Kind.CALDAV:
                if not conditional:  # once a day: calendars made or removed on the server
                    _dav_rediscover(connection)
                ticked = list(connection.calendars.filter(counts_busy=True).order_by("pk"))
                read = _dav_read(connection, ticked, now=now, conditional=conditional)
                return _dav_store(connection, read, now=now, complete=len(read) == len(ticked))
            spans = _read(connection, now=now, conditional=conditional)
    except CalendarProblem as problem:
        _failed(connection, problem, now)
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
