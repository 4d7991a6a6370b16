"""Celery entry points for accounts: they take ids or plain data, and are safe to run twice."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from accounts.services import user_welcome_send

# SMTP refusals and network failures are worth retrying; anything else is a bug to see. The
# schedule (settings.EMAIL_RETRY_*) outlasts a mail server down for 40 minutes.
SEND_ERRORS = (smtplib.SMTPException, OSError)
RETRY = {
    "autoretry_for": SEND_ERRORS,
    "retry_backoff": settings.EMAIL_RETRY_BACKOFF,
    "retry_backoff_max": settings.EMAIL_RETRY_BACKOFF_MAX,
    "retry_jitter": False,
    "max_retries": settings.EMAIL_RETRIES,
}


@shared_task(**RETRY)
def user_welcome_send_task(user_id: int) -> bool:
    return user_welcome_send(user_id=user_id)


@shared_task(**RETRY)
def email_send_task(message: dict) -> None:
    """Send an email rendered in the web process (allauth's verification, reset, notices).

    A retry after a refusal may deliver it twice at worst: these mails are safe to repeat.
    """
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message.get("headers") or {},
    )
    email.content_subtype = message.get("content_subtype", "plain")
    for content, mimetype in message.get("alternatives", []):
        email.attach_alternative(content, mimetype)
    email.send()
