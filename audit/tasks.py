"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from audit.services import audit_entries_expire


@shared_task
def audit_entries_expire_task() -> int:
    """Beat runs this every night: the trail keeps AUDIT_RETENTION_DAYS days."""
    return audit_entries_expire(now=timezone.now())
