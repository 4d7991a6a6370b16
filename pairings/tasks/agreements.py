"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from accounts.tasks import RETRY
from pairings.services.agreements import agreement_terms_notify


@shared_task(**RETRY)
def agreement_terms_notify_task(
    agreement_id: int, version: int, kind: str, recipient_id: int
) -> bool:
    return agreement_terms_notify(
        agreement_id=agreement_id, version=version, kind=kind, recipient_id=recipient_id
    )
