"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from notifications.services import notifications_dispatch, notifications_send


@shared_task(soft_time_limit=50, time_limit=55)
def notifications_dispatch_task(recipient_id: int | None = None) -> int:
    """Beat runs this every minute for everyone: claim the due notifications and enqueue one
    send per person. A notification due the moment it was written runs it for its recipient."""
    return notifications_dispatch(now=timezone.now(), recipient_id=recipient_id)


@shared_task(**RETRY, soft_time_limit=30, time_limit=40)
def notifications_send_task(recipient_id: int, notification_ids: list[int]) -> int:
    return notifications_send(recipient_id=recipient_id, notification_ids=notification_ids)
