"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from accounts.tasks import RETRY
from sessions_app.emails import invite_send


@shared_task(**RETRY)
def invite_send_task(appointment_id: int, sequence: int, recipient_id: int) -> bool:
    return invite_send(appointment_id=appointment_id, sequence=sequence, recipient_id=recipient_id)
