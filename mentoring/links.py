"""Emails about cohorts and pairings, built from templates/emails/; workers send them."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.emails import email_build
from accounts.models import User


def absolute(url_name: str, *args: object) -> str:
    """A full link for an email: workers have no request to build one from."""
    return settings.SITE_URL + reverse(url_name, args=args)


def programme_email_build(
    *, template: str, to: User, subject: str, context: dict
) -> EmailMultiAlternatives:
    return email_build(
        template=f"programmes/{template}",
        to=to.email,
        subject=subject,
        context={"recipient": to, **context},
    )
