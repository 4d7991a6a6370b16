"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from chat.services import ChatPostFailed, chat_post, chat_weekly_dispatch

# A channel that fails (network, 429, 5xx) is tried again with back-off: 5 s, 10 s, 20 s, …
# up to 10 minutes apart, for about an hour in all.
RETRY = {
    "autoretry_for": (ChatPostFailed,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


# The post's own timeout is 10 s; the limits stop a stuck one from holding a worker.
@shared_task(**RETRY, soft_time_limit=40, time_limit=45)
def chat_post_task(connection_id: int, kind: str, subject: str) -> bool:
    return chat_post(connection_id=connection_id, kind=kind, subject=subject)


@shared_task(soft_time_limit=60, time_limit=70)
def chat_weekly_dispatch_task() -> int:
    """Beat, every hour: on Mondays from 09:00 UTC, queue each channel's weekly summary."""
    return chat_weekly_dispatch(now=timezone.now())
