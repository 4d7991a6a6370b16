"""Keeping the audit trail to its retention."""

from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.conf import settings


def audit_entries_expire(*, now: datetime) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS; return how many. Safe to repeat."""
    before = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = LogEntry.objects.filter(timestamp__lt=before).delete()
    return deleted
