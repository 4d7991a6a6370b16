"""Emails about accounts, built from templates/emails/; workers send them."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User


def email_build(*, template: str, to: str, subject: str, context: dict) -> EmailMultiAlternatives:
    """A plain-text email with an HTML alternative, from templates/emails/<template>.{txt,html}."""
    context = {"site_url": settings.SITE_URL, **context}
    # One line, whatever names and titles it quotes: a line break in a header is refused by
    # the mail library and would stop this email, and every retry of it, for good.
    subject = " ".join(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}".split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


def welcome_email_build(*, user: User) -> EmailMultiAlternatives:
    return email_build(
        template="welcome",
        to=user.email,
        subject=_("Welcome: your mentoring starts here"),
        context={"user": user, "dashboard_url": settings.SITE_URL + reverse("home:dashboard")},
    )
