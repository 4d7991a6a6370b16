"""The outbox of emails about what happens in a pairing: one row per recipient and subject,
due at once inside the recipient's contact hours and otherwise when they next open, claimed by a
scan and sent at most once, several due rows of one person in one digest email; and each
person's choice of how to hear of each kind."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Delivery(models.TextChoices):
    """How a person wants to hear of one kind of thing by email."""

    IMMEDIATELY = "immediately", _("At once (within my contact hours)")
    DIGEST = "digest", _("In one digest when my contact hours next open")
    NEVER = "never", _("Never (I read them on the site)")


class NotificationSettings(models.Model):
    """A person's email choices per kind; no row means every kind at once."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_settings"
    )
    messages = models.CharField(max_length=12, choices=Delivery, default=Delivery.IMMEDIATELY)
    materials = models.CharField(max_length=12, choices=Delivery, default=Delivery.IMMEDIATELY)
    opportunities = models.CharField(max_length=12, choices=Delivery, default=Delivery.IMMEDIATELY)
    # Programme admins' weekly email on their cohorts' health (oversight.services.weekly).
    health_weekly = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user_id}"


class Notification(models.Model):
    """One email-worthy event for one person: due now or when their contact hours open."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        MATERIAL = "material", _("Shared material")
        OPPORTUNITY = "opportunity", _("Opportunity")
        FEEDBACK = "feedback", _("Feedback request")
        FEEDBACK_REMINDER = "feedback_again", _("Feedback reminder")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")  # read, withdrawn, answered, or pairing ended

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey("pairings.Pairing", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind)
    message = models.ForeignKey("exchange.Message", on_delete=models.CASCADE, null=True, blank=True)
    material = models.ForeignKey(
        "exchange.Material", on_delete=models.CASCADE, null=True, blank=True
    )
    opportunity = models.ForeignKey(
        "exchange.OpportunityRecipient", on_delete=models.CASCADE, null=True, blank=True
    )
    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, null=True, blank=True
    )
    due_at = models.DateTimeField()
    held = models.BooleanField(default=False)  # due later than it happened: outside the hours
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["pending", "claimed"]),
                name="notification_due",
            ),
            models.Index(fields=["recipient", "status"], name="notification_recipient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="message", message__isnull=False)
                    | Q(kind="material", material__isnull=False)
                    | Q(kind="opportunity", opportunity__isnull=False)
                    | Q(kind__in=["feedback", "feedback_again"], feedback__isnull=False)
                ),
                name="notification_has_its_subject",
            ),
            models.UniqueConstraint(
                fields=["message", "recipient"],
                condition=Q(message__isnull=False),
                name="notification_once_per_message",
            ),
            models.UniqueConstraint(
                fields=["material", "recipient"],
                condition=Q(material__isnull=False),
                name="notification_once_per_material",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "recipient"],
                condition=Q(opportunity__isnull=False),
                name="notification_once_per_opportunity",
            ),
            # The request and its one reminder: two kinds, each once.
            models.UniqueConstraint(
                fields=["feedback", "recipient", "kind"],
                condition=Q(feedback__isnull=False),
                name="notification_once_per_feedback_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notification {self.pk} for {self.recipient_id}"
