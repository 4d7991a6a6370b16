"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from accounts.tasks import RETRY
from pairings.services.pause_emails import pause_notify


@shared_task(**RETRY)
def pause_notify_task(pause_id: int, kind: str, recipient_id: int, note: str = "") -> bool:
    return pause_notify(pause_id=pause_id, kind=kind, recipient_id=recipient_id, note=note)
