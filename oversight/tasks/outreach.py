"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from oversight.services.announcements import announcement_dispatch, announcements_resume
from oversight.services.outreach import nudge_email_send


@shared_task(**RETRY)
def nudge_email_send_task(nudge_id: int, recipient_id: int) -> bool:
    return nudge_email_send(nudge_id=nudge_id, recipient_id=recipient_id)


@shared_task(**RETRY, soft_time_limit=50, time_limit=55)
def announcement_dispatch_task(announcement_id: int) -> int:
    """Send one batch of an announcement; it queues the next batch itself while rows wait."""
    return announcement_dispatch(announcement_id=announcement_id)


@shared_task(soft_time_limit=50, time_limit=55)
def announcements_resume_task() -> int:
    """Beat runs this every minute: announcements whose worker died or restarted go on."""
    return announcements_resume(now=timezone.now())
