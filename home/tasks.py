"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import RETRY
from home.services.export import data_export_build, data_exports_expire


@shared_task(**RETRY, soft_time_limit=120, time_limit=150)
def data_export_build_task(export_id: int) -> bool:
    return data_export_build(export_id=export_id)


@shared_task
def data_exports_expire_task() -> int:
    """Beat runs this every 15 minutes: expired copies leave the storage."""
    return data_exports_expire(now=timezone.now())
