"""Emails about cohorts, pairings and what happens in them, built from
templates/emails/<app>/; workers send them."""

from django.core.mail import EmailMultiAlternatives

from accounts.emails import email_build
from accounts.models import User


def programme_email_build(
    *, template: str, to: User, subject: str, context: dict
) -> EmailMultiAlternatives:
    """An email to `to` from templates/emails/<template>.{txt,html}, with them in its context."""
    return email_build(
        template=template,
        to=to.email,
        subject=subject,
        context={"recipient": to, **context},
    )
