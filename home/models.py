"""A person's copy of everything held about them, built by a worker (see home/export.py)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPORT_DAYS = 7


def _token() -> str:
    return secrets.token_urlsafe(32)


def _expiry() -> "timezone.datetime":
    return timezone.now() + timedelta(days=EXPORT_DAYS)


class DataExport(models.Model):
    """One request for a copy: queued, then ready (a zip in the private storage) until it
    expires, when the file is deleted."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    file_name = models.CharField(max_length=200, blank=True)  # in the "materials" storage
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_expiry)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Data export {self.pk} of {self.user_id}"
