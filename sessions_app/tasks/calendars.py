"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from sessions_app.calendars.caldav import CalDavError
from sessions_app.calendars.fetch import TIMEOUT
from sessions_app.emails import calendar_failing_email_send
from sessions_app.services.calendar_writes import session_write_back
from sessions_app.services.calendars import calendar_refresh, calendars_due

# An ICS address is one fetch; a CalDAV account asks two questions per ticked calendar, each
# within TIMEOUT, and a server that answers at all answers them in well under a second.
REFRESH_LIMIT = TIMEOUT * 8


@shared_task(soft_time_limit=REFRESH_LIMIT + 30, time_limit=REFRESH_LIMIT + 40)
def calendar_refresh_task(connection_id: int) -> bool:
    return calendar_refresh(connection_id=connection_id, now=timezone.now())


@shared_task(soft_time_limit=50, time_limit=55)
def calendars_refresh_due_task() -> int:
    """Beat runs this every 10 minutes: queue a refresh of each connection not tried since,
    claimed batch after batch until none is left, so every calendar is read every 10 minutes
    however many there are."""
    queued = 0
    while ids := calendars_due(now=timezone.now()):
        for connection_id in ids:
            calendar_refresh_task.delay(connection_id)
        queued += len(ids)
    return queued


@shared_task(
    autoretry_for=(CalDavError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=TIMEOUT * 4 + 30,
    time_limit=TIMEOUT * 4 + 40,
)
def session_write_back_task(appointment_id: int, user_id: int) -> int:
    """Write the session's current version into the person's chosen calendar; a server that
    refuses or cannot be reached is tried again later, waiting longer each time."""
    return session_write_back(appointment_id=appointment_id, user_id=user_id)


@shared_task(**RETRY)
def calendar_failing_email_task(connection_id: int) -> bool:
    return calendar_failing_email_send(connection_id=connection_id)
