"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from sessions_app.calendars.fetch import TIMEOUT
from sessions_app.services.calendars import calendar_refresh, calendars_due


@shared_task(soft_time_limit=TIMEOUT + 30, time_limit=TIMEOUT + 40)
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
