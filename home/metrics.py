"""Prometheus metrics at /metrics: django-prometheus's request metrics, and gauges of the work
waiting in the outboxes, computed from the database when Prometheus scrapes.

Protected: without METRICS_TOKEN set the URL does not exist (404); with it, only a request with
`Authorization: Bearer <METRICS_TOKEN>` gets the metrics (any other: 404 as well). Each gauge is
one small query on an indexed column, so a scrape every 15 seconds costs the database little.
"""

import hmac
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import prometheus_client
import redis
from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from accounts.models import EmailLog
from notifications.models import Notification
from sessions_app.models import Reminder
from webhooks.models import WebhookDelivery

QUEUE_TIMEOUT = 2  # seconds: a broker that does not answer leaves the queue gauge out


def _due_unsent(model: type[Reminder] | type[Notification], now) -> tuple[int, float]:
    """How many rows are due and not sent yet, and how long the oldest has waited (seconds)."""
    row = model.objects.filter(
        status__in=[model.Status.PENDING, model.Status.CLAIMED], due_at__lte=now
    ).aggregate(count=Count("pk"), oldest=Min("due_at"))
    oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return row["count"], oldest


def celery_queue_length() -> int | None:
    """Messages waiting in Celery's default queue: LLEN on a Redis broker, the files of the
    folder broker in embedded mode. None when the broker does not answer."""
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis://") or url.startswith("rediss://"):
        client = redis.Redis.from_url(
            url, socket_connect_timeout=QUEUE_TIMEOUT, socket_timeout=QUEUE_TIMEOUT
        )
        try:
            return int(client.llen(queue))
        except redis.RedisError:
            return None
        finally:
            client.close()
    folder = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in")
    if folder:
        return sum(1 for path in Path(folder).glob(f"*.{queue}.msg"))
    return None


class OutboxCollector(Collector):
    """Gauges of the work waiting, read from the database at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        for name, model in (("reminders", Reminder), ("notifications", Notification)):
            count, oldest = _due_unsent(model, now)
            yield GaugeMetricFamily(
                f"mentoring_{name}_due_unsent",
                f"{name.capitalize()} due (due_at passed) and not sent yet.",
                value=count,
            )
            yield GaugeMetricFamily(
                f"mentoring_{name}_oldest_due_age_seconds",
                f"Seconds since the oldest unsent due {name[:-1]} fell due (0 when none).",
                value=oldest,
            )
        length = celery_queue_length()
        if length is not None:
            yield GaugeMetricFamily(
                "mentoring_celery_queue_length",
                "Tasks waiting in Celery's default queue on the broker.",
                value=length,
            )
        failed = EmailLog.objects.filter(
            sent_at__isnull=True, created_at__gte=now - timedelta(hours=1)
        ).count()
        yield GaugeMetricFamily(
            "mentoring_emails_failed_last_hour",
            "Emails claimed in the last hour whose sending failed (still unsent; a retry may "
            "send them yet).",
            value=failed,
        )
        pending = WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED]
        ).count()
        yield GaugeMetricFamily(
            "mentoring_webhook_deliveries_pending",
            "Webhook deliveries waiting to be sent or retried.",
            value=pending,
        )


OUTBOX_REGISTRY = CollectorRegistry(auto_describe=False)
OUTBOX_REGISTRY.register(OutboxCollector())


def _request_metrics_registry() -> CollectorRegistry:
    """django-prometheus's metrics: of every worker process when gunicorn runs several with
    PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py), else of this process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    body = prometheus_client.generate_latest(_request_metrics_registry())
    body += prometheus_client.generate_latest(OUTBOX_REGISTRY)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
