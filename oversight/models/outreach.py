"""What programme admins send: a nudge to one pairing, an announcement to a cohort."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class Nudge(models.Model):
    """A templated email from an admin to one or both partners of a pairing."""

    class Template(models.TextChoices):
        CHECK_IN = "check_in", _("How is it going?")
        BOOK_SESSION = "book_session", _("Time to book your next session")
        MEET_IN_PERSON = "in_person", _("Plan your in-person meeting")
        AGREEMENT = "agreement", _("Finish your contact agreement")

    pairing = models.ForeignKey("pairings.Pairing", on_delete=models.CASCADE, related_name="nudges")
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    template = models.CharField(max_length=12, choices=Template)
    text = models.TextField(max_length=4000)  # the email body as the admin left it
    to_mentor = models.BooleanField(default=True)
    to_mentee = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Nudge {self.pk} to pairing {self.pairing_id}"

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.pairing.cohort_id}


class Announcement(models.Model):
    """An email to a whole cohort or one role in it, sent by workers in batches."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone in the cohort")
        MENTORS = "mentors", _("Mentors")
        MENTEES = "mentees", _("Mentees")

    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="announcements"
    )
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.EVERYONE)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The form's one-time key: a second click of "Send" finds this announcement, not a new one.
    key = models.UUIDField(default=uuid.uuid4, unique=True)
    recipients_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}


class AnnouncementDelivery(models.Model):
    """One person's copy of an announcement: written all at once, sent at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "person"], name="announcement_once_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["announcement", "status"], name="announcement_delivery_state")
        ]

    def __str__(self) -> str:
        return f"Announcement {self.announcement_id} to {self.person_id}"
