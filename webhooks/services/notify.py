"""Telling the organisation's owners that an endpoint was switched off for failing."""

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from accounts.emails import email_build
from accounts.models import User
from accounts.services import email_send_once
from mentoring.links import absolute
from organisations.models import Role
from webhooks.models import WebhookEndpoint


def _email(*, endpoint: WebhookEndpoint, owner: User) -> EmailMultiAlternatives:
    return email_build(
        template="webhooks/endpoint_disabled",
        to=owner.email,
        subject=_("Webhook switched off: %(url)s") % {"url": endpoint.url},
        context={
            "recipient": owner,
            "endpoint": endpoint,
            "organisation": endpoint.organisation,
            "endpoint_url": absolute("webhooks:endpoint", endpoint.organisation.slug, endpoint.pk),
        },
    )


def endpoint_disabled_notify(*, endpoint_id: int, disabled_at: datetime) -> int:
    """Email each owner of the endpoint's organisation, in their language, that it was
    switched off at `disabled_at`; once per owner and switch-off, however often this runs.
    Returns how many emails this call sent. Nothing when it has been switched on since."""
    endpoint = WebhookEndpoint.objects.select_related("organisation").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.enabled or endpoint.disabled_at != disabled_at:
        return 0
    owners = User.objects.filter(
        memberships__organisation_id=endpoint.organisation_id, memberships__role=Role.OWNER
    ).order_by("pk")
    sent = 0
    for owner in owners:
        sent += email_send_once(
            kind="webhook_endpoint_disabled",
            key=f"endpoint:{endpoint.pk}:{disabled_at.isoformat()}",
            recipient=owner,
            build=lambda owner=owner: _email(endpoint=endpoint, owner=owner),
        )
    return sent
