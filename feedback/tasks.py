"""Tasks: take ids, call one service; safe to run twice."""

from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from feedback.services import feedback_scan


@shared_task(soft_time_limit=600, time_limit=660)
def feedback_scan_task() -> dict[str, int]:
    """Beat runs this every 15 minutes: ask both partners after sessions that ended, at
    check-ins that fell due and at closing, and remind once those who have not answered."""
    return asdict(feedback_scan(now=timezone.now()))
