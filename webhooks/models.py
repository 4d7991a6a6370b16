"""Signed webhooks: an organisation's owner subscribes HTTPS endpoints to events.

An event is written (WebhookEvent, the outbox) in the same transaction as the change it
reports, with one WebhookDelivery per enabled endpoint of the organisation subscribed to its
kind. Deliveries are sent by workers, signed per the Standard Webhooks specification, retried
with back-off for about a day; every attempt is kept (WebhookAttempt) for the delivery log.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class EventKind(models.TextChoices):
    """What an endpoint can subscribe to; the value is the payload's `type`."""

    ENROLMENT_CREATED = "enrolment.created", _("Enrolment created")
    PAIRING_PROPOSED = "pairing.proposed", _("Pairing proposed")
    PAIRING_ACTIVATED = "pairing.activated", _("Pairing activated")
    PAIRING_CLOSED = "pairing.closed", _("Pairing closed")
    SESSION_BOOKED = "session.booked", _("Session booked")
    SESSION_MOVED = "session.moved", _("Session moved")
    SESSION_CANCELLED = "session.cancelled", _("Session cancelled")
    SESSION_HELD = "session.held", _("Session held (its end time passed)")
    FEEDBACK_SUBMITTED = "feedback.submitted", _("Feedback submitted")
    HEALTH_CHANGED = "pairing.health_changed", _("Pairing health changed")
    PERSON_DEPROVISIONED = "person.deprovisioned", _("Person deprovisioned")


# Sent by the owner's "Send a test event" to one endpoint; nobody subscribes to it.
TEST_KIND = "webhook.test"


class WebhookEndpoint(models.Model):
    """An address of the organisation that receives the events it subscribed to.

    The signing secret (`whsec_<base64>`) is kept encrypted and shown once. After a rotation
    the previous secret still signs until `previous_secret_until`, so every delivery in that
    overlap carries two signatures and the receiver can switch over without losing one.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_kinds = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts since the last success, and when that run of failures began.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def get_additional_data(self) -> dict:
        """The organisation of this row's audit entries (django-auditlog calls this)."""
        return {"organisation_id": self.organisation_id}


class WebhookEvent(models.Model):
    """One event of an organisation, as every endpoint receives it (the outbox row).

    `payload` is the whole JSON body; `webhook_id` (`msg_…`) is the same in every attempt and
    every replay, so a receiver can drop a repeat.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="webhook_events"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """An event on its way to one endpoint: sent, retried with back-off, or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        FAILED = "failed", _("Failed, will retry")
        SUCCEEDED = "succeeded", _("Delivered")
        ABANDONED = "abandoned", _("Given up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Set by the scan (or the publish) that hands the delivery to a worker; cleared by the send.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.status})"


class WebhookAttempt(models.Model):
    """One POST of a delivery, for the log: what the receiver answered, and how fast."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows"
    )
    number = models.PositiveSmallIntegerField()
    by_hand = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(blank=True)  # the first 2 KB of the body
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
