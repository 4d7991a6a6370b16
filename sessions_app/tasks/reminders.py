"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from sessions_app.services.reminders import reminder_send, reminders_dispatch


@shared_task(soft_time_limit=50, time_limit=55)
def reminders_dispatch_task() -> int:
    """Beat runs this every minute: claim the due reminders and enqueue their sends."""
    return reminders_dispatch(now=timezone.now())


@shared_task(**RETRY, soft_time_limit=30, time_limit=40)
def reminder_send_task(reminder_id: int) -> bool:
    return reminder_send(reminder_id=reminder_id)
