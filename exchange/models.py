"""What partners send each other between sessions: messages, materials and opportunities.

Every email about them goes through a Notification row: written in the transaction that
creates the message (material, opportunity), due at once inside the recipient's contact hours
and otherwise when they next open, claimed by a scan and sent at most once, several due rows of
one person in one digest email.
"""

import secrets

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

MESSAGE_MAX_LENGTH = 4000


def materials_storage():
    """The storage named "materials" in settings.STORAGES: a private folder by default, an
    S3-compatible bucket by setting. Never the public static or media path."""
    return storages["materials"]


def material_upload_to(material: "Material", filename: str) -> str:
    """pairing-<id>/<random>/<sanitised name>: unguessable, and two files of one name never
    overwrite each other."""
    return f"pairing-{material.pairing_id}/{secrets.token_hex(16)}/{filename}"


class Message(models.Model):
    """One message in a pairing's thread. The recipient is the sender's partner."""

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Changes with every edit and deletion: an open thread asks for what changed since.
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # body emptied; shown as deleted
    read_at = models.DateTimeField(null=True, blank=True)  # by the recipient, on the site

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["pairing", "-created_at", "-id"], name="message_thread_page"),
            models.Index(fields=["pairing", "updated_at"], name="message_thread_changes"),
            models.Index(
                fields=["pairing", "sender"],
                condition=Q(read_at__isnull=True, deleted_at__isnull=True),
                name="message_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in pairing {self.pairing_id}"


class Material(models.Model):
    """A file or a link one partner shared with the pairing, perhaps for a session."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="materials"
    )
    shared_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind)
    title = models.CharField(max_length=200)  # a file's sanitised original name, or a link's
    file = models.FileField(
        storage=materials_storage, upload_to=material_upload_to, max_length=300, blank=True
    )
    content_type = models.CharField(max_length=100, blank=True)  # as found in the content
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    appointment = models.ForeignKey(
        "sessions_app.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pairing", "-created_at"], name="material_pairing_list")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="")) | (Q(kind="link") & ~Q(url="")),
                name="material_has_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Opportunity(models.Model):
    """Something a mentor passes on to some of their mentees: an event, a job, a course."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        JOB = "job", _("Job")
        COURSE = "course", _("Course")
        OTHER = "other", _("Other")

    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.EVENT)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__lt=models.F("ends_at")),
                name="opportunity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OpportunityRecipient(models.Model):
    """An opportunity as one mentee received it, and what they answered."""

    class Response(models.TextChoices):
        NONE = "", _("No answer yet")
        INTERESTED = "interested", _("Interested")
        NOT_FOR_ME = "not_for_me", _("Not for me")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="recipients"
    )
    pairing = models.ForeignKey("pairings.Pairing", on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=12, choices=Response, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "mentee"], name="opportunity_once_per_mentee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} for {self.mentee_id}"
