"""Emails about cohorts, pairings and what happens in them, built from
templates/emails/programmes/; workers send them."""

from django.core.mail import EmailMultiAlternatives

from accounts.emails import email_build
from accounts.models import User


def programme_email_build(
    *, template: str, to: User, subject: str, context: dict
) -> EmailMultiAlternatives:
    return email_build(
        template=f"programmes/{template}",
        to=to.email,
        subject=subject,
        context={"recipient": to, **context},
    )
