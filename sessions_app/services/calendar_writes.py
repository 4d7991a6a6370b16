"""Sessions written into the calendar each person chose in their CalDAV account.

Every booking, move and cancellation queues, once committed, one write-back per person who has
a calendar receiving sessions (or a calendar that holds this session already). The write-back
puts the session's current version there under its own UID: a move replaces the event (the
SEQUENCE rises), a cancellation leaves it marked CANCELLED. The object carries no METHOD and
says SCHEDULE-AGENT=CLIENT, so the calendar server sends no invitations of its own; its UID ends
with SESSION_UID_SUFFIX, so reading the calendar's busy times never counts the session against
itself. A SessionEventWrite row per (session, calendar) remembers the SEQUENCE written: a write
repeated, or arriving late, never writes an older or the same version again.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from outbox.services import task_enqueue_on_commit
from sessions_app.calendars.caldav import CalDavError, event_put
from sessions_app.ics import PUBLISH, calendar_for, event_for
from sessions_app.models import Appointment, ConnectedCalendar, SessionEventWrite
from sessions_app.services.calendars import account_of


def _calendars_for(appointment: Appointment, user_ids: list[int]):
    """The people's calendars that receive sessions or hold this one already (not those of an
    account being removed)."""
    return ConnectedCalendar.objects.filter(
        user_id__in=user_ids, connection__removing_since=None
    ).filter(Q(receives_sessions=True) | Q(writes__appointment=appointment))


def session_writes_queue(*, appointment: Appointment) -> None:
    """Once committed, write the session's new version into the calendars of the two people
    who chose one (one task each); nothing for people who did not. One query."""
    from sessions_app.tasks.calendars import session_write_back_task  # tasks import services

    people = _calendars_for(appointment, [appointment.mentor_id, appointment.mentee_id])
    for user_id in sorted(set(people.values_list("user_id", flat=True))):
        task_enqueue_on_commit(session_write_back_task, appointment.pk, user_id)


def _write_one(appointment: Appointment, person: User, calendar: ConnectedCalendar) -> int:
    """Write the session's current version into one calendar; 1 if written, 0 if it holds it."""
    SessionEventWrite.objects.get_or_create(appointment=appointment, calendar=calendar)
    with transaction.atomic():  # a second run for the same calendar waits, then skips
        write = SessionEventWrite.objects.select_for_update().get(
            appointment=appointment, calendar=calendar
        )
        appointment.refresh_from_db()  # the version as it is now, whatever queued this
        cancelled = appointment.status == Appointment.Status.CANCELLED
        if write.sequence >= appointment.sequence or (cancelled and write.sequence < 0):
            return 0
        event = event_for(appointment, method=PUBLISH, viewer=person, stored=True)
        write.href = event_put(
            account_of(calendar.connection),
            calendar.url,
            uid=appointment.uid,
            ics=calendar_for([event], method=None).to_ical(),
            href=write.href,
        )
        write.sequence, write.written_at = appointment.sequence, timezone.now()
        write.save(update_fields=["href", "sequence", "written_at"])
    return 1


def session_write_back(*, appointment_id: int, user_id: int) -> int:
    """Write the session's current version into the person's calendar that receives sessions
    and into any of theirs holding an older version; returns how many were written. A calendar
    that has this version (or a newer one) already is skipped, so running twice writes once. A
    session cancelled before it was ever written is not written. Raises CalDavError (in words)
    when a server refuses or cannot be reached; the task tries again later."""
    appointment = (
        Appointment.objects.select_related("mentor", "mentee", "pairing")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or user_id not in (appointment.mentor_id, appointment.mentee_id):
        return 0
    person = appointment.mentor if user_id == appointment.mentor_id else appointment.mentee
    calendars = list(_calendars_for(appointment, [user_id]).select_related("connection").distinct())
    written = 0
    for calendar in calendars:
        try:
            written += _write_one(appointment, person, calendar)
        except CalDavError as error:
            # Shown on the person's calendars page until a write there succeeds again.
            ConnectedCalendar.objects.filter(pk=calendar.pk).update(write_error=str(error))
            raise
        if calendar.write_error:
            ConnectedCalendar.objects.filter(pk=calendar.pk).update(write_error="")
    return written
