"""Reads of home: a person's copies of their data."""

from datetime import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from home.models import DataExport


def data_exports_for(*, user: User) -> QuerySet[DataExport]:
    """The person's copies, newest first."""
    return DataExport.objects.filter(user=user)


def data_export_get_for_owner(*, user: User, token: str, now: datetime) -> DataExport:
    """The ready copy behind `token` if it is the user's and has not expired; 404 otherwise,
    so a token says nothing to anyone else."""
    return get_object_or_404(
        DataExport,
        token=token,
        user=user,
        status=DataExport.Status.READY,
        expires_at__gt=now,
    )
