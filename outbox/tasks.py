"""Celery entry points for the outbox."""

from celery import shared_task
from django.utils import timezone

from outbox.services import queued_tasks_publish_due


@shared_task(soft_time_limit=50, time_limit=60)
def queued_tasks_publish_due_task() -> int:
    return queued_tasks_publish_due(now=timezone.now())
