"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from accounts.tasks import RETRY
from programmes.services.invites import invite_send


@shared_task(**RETRY)
def invite_send_task(invite_id: int) -> bool:
    return invite_send(invite_id=invite_id)
