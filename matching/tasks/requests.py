"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from matching.services.requests import request_notify, requests_expire_due


@shared_task(**RETRY)
def request_notify_task(request_id: int, kind: str) -> bool:
    return request_notify(request_id=request_id, kind=kind)


@shared_task
def requests_expire_due_task() -> int:
    """Beat, every 15 minutes: unanswered requests move on to each mentee's next choice."""
    return requests_expire_due(now=timezone.now())
