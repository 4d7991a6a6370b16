"""Tasks: take ids, call one service; safe to run twice."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from webhooks.services.delivery import (
    deliveries_dispatch,
    delivery_send,
    webhook_events_expire,
)
from webhooks.services.notify import endpoint_disabled_notify


@shared_task(soft_time_limit=50, time_limit=55)
def deliveries_dispatch_task() -> int:
    """Beat runs this every minute: claim the due deliveries and enqueue their sends."""
    return deliveries_dispatch(now=timezone.now())


# One POST of at most 10 s; a failure is recorded and retried by the schedule, not by Celery.
@shared_task(soft_time_limit=30, time_limit=40)
def delivery_send_task(delivery_id: int, by_hand: bool = False) -> bool:
    return delivery_send(delivery_id=delivery_id, by_hand=by_hand)


@shared_task(**RETRY, soft_time_limit=60, time_limit=70)
def endpoint_disabled_notify_task(endpoint_id: int, disabled_at: str) -> int:
    return endpoint_disabled_notify(
        endpoint_id=endpoint_id, disabled_at=datetime.fromisoformat(disabled_at)
    )


@shared_task(soft_time_limit=300, time_limit=320)
def webhook_events_expire_task() -> int:
    """Beat runs this every night: the delivery log keeps 30 days."""
    return webhook_events_expire(now=timezone.now())
