"""Reads for the owner's webhook pages, each scoped to one organisation (404 otherwise)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from organisations.models import Organisation
from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for_owner(*, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation=organisation).select_related("created_by")


def endpoint_get_for_owner(*, organisation: Organisation, endpoint_id: int) -> WebhookEndpoint:
    return get_object_or_404(
        WebhookEndpoint.objects.filter(organisation=organisation).select_related("organisation"),
        pk=endpoint_id,
    )


def deliveries_for_endpoint(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )


def delivery_get_for_owner(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_id)
