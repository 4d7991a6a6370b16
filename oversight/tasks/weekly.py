"""Tasks: take ids, call one service; safe to run twice."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from oversight.services.weekly import health_weekly_dispatch, health_weekly_send


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def health_weekly_dispatch_task() -> int:
    """Beat, every hour: queue the weekly health email of each admin whose moment it is."""
    return health_weekly_dispatch(now=timezone.now())


@shared_task(**RETRY, soft_time_limit=60, time_limit=70)
def health_weekly_send_task(user_id: int, at: str) -> bool:
    """`at`: the dispatching run's time (ISO), which decides the admin's week and moment."""
    return health_weekly_send(user_id=user_id, at=datetime.fromisoformat(at))
