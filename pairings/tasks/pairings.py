"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from accounts.tasks import RETRY
from pairings.services.pairing_emails import pairing_notify


@shared_task(**RETRY)
def pairing_notify_task(pairing_id: int, kind: str, recipient_id: int) -> bool:
    return pairing_notify(pairing_id=pairing_id, kind=kind, recipient_id=recipient_id)
