"""Prometheus metrics at /metrics: protected by METRICS_TOKEN, with the outbox gauges."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import EmailLog
from exchange.models import Message
from mentoring.crypto import encrypt
from notifications.models import Notification
from sessions_app.models import Reminder
from tests.factories import AppointmentFactory, PairingFactory, UserFactory, default_organisation
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
QUEUE = "metrics-test-queue"


def scrape(client, **headers) -> dict[str, float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}", **headers})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if not sample.labels
    }


@override_settings(METRICS_TOKEN="")
def test_metrics_do_not_exist_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_need_the_bearer_token(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer ünï"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@override_settings(METRICS_TOKEN=TOKEN)
def test_request_metrics_of_django_prometheus_are_exported(client):
    client.get("/healthz")
    families = {
        f.name
        for f in text_string_to_metric_families(
            client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
        )
    }
    assert "django_http_requests_before_middlewares" in families
    assert "django_http_responses_total_by_status_view_method" in families
    assert "django_db_execute" in families  # the database backend counts its queries


@pytest.fixture
def broker_queue():
    """Three messages waiting in a queue of the test Redis broker, removed afterwards."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    client.rpush(QUEUE, "one", "two", "three")
    with override_settings(CELERY_TASK_DEFAULT_QUEUE=QUEUE):
        yield
    client.delete(QUEUE)
    client.close()


def seed_outboxes() -> None:
    """Two reminders and one notification due and unsent (plus rows that must not count), two
    emails that failed within the hour, one older, and two webhook deliveries waiting."""
    appointment = AppointmentFactory(starts_at=NOW + timedelta(hours=1))
    mentee = appointment.mentee
    for offset, due, status in [
        (60, NOW - timedelta(minutes=10), Reminder.Status.PENDING),
        (120, NOW - timedelta(minutes=70), Reminder.Status.CLAIMED),
        (180, NOW - timedelta(hours=5), Reminder.Status.SENT),
        (240, NOW - timedelta(hours=6), Reminder.Status.SKIPPED),
        (30, NOW + timedelta(minutes=5), Reminder.Status.PENDING),  # not due yet
    ]:
        Reminder.objects.create(
            appointment=appointment,
            recipient=mentee,
            offset_minutes=offset,
            session_starts_at=appointment.starts_at,
            due_at=due,
            status=status,
        )
    pairing = PairingFactory()
    for minutes, status in [(3, Notification.Status.PENDING), (30, Notification.Status.SENT)]:
        Notification.objects.create(
            recipient=pairing.mentee,
            pairing=pairing,
            kind=Notification.Kind.MESSAGE,
            message=Message.objects.create(pairing=pairing, sender=pairing.mentor, body="Hi"),
            due_at=NOW - timedelta(minutes=minutes),
            status=status,
        )
    Notification.objects.create(  # held for the recipient's contact hours: not due
        recipient=pairing.mentee,
        pairing=pairing,
        kind=Notification.Kind.MESSAGE,
        message=Message.objects.create(pairing=pairing, sender=pairing.mentor, body="Later"),
        due_at=NOW + timedelta(hours=8),
        held=True,
    )
    person = UserFactory()
    for key, created, sent in [
        ("a", NOW - timedelta(minutes=5), None),
        ("b", NOW - timedelta(minutes=50), None),
        ("c", NOW - timedelta(minutes=20), NOW - timedelta(minutes=19)),
        ("d", NOW - timedelta(hours=2), None),  # failed before the last hour
    ]:
        log = EmailLog.objects.create(kind="test", key=key, recipient=person, sent_at=sent)
        EmailLog.objects.filter(pk=log.pk).update(created_at=created)
    organisation = default_organisation()
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url="https://hooks.example.org/in",
        event_kinds=["session.booked"],
        secret_encrypted=encrypt("whsec_c2VjcmV0"),
        created_by=person,
    )
    for status in ["pending", "failed", "succeeded", "abandoned"]:
        event = WebhookEvent.objects.create(
            organisation=organisation, kind="session.booked", payload={"type": "session.booked"}
        )
        WebhookDelivery.objects.create(
            event=event, endpoint=endpoint, next_attempt_at=NOW, status=status
        )


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_scrape_shows_the_work_waiting_in_each_outbox(client, broker_queue):
    with time_machine.travel(NOW, tick=False):
        seed_outboxes()
        values = scrape(client)

    assert values["mentoring_reminders_due_unsent"] == 2
    assert values["mentoring_reminders_oldest_due_age_seconds"] == 70 * 60
    assert values["mentoring_notifications_due_unsent"] == 1
    assert values["mentoring_notifications_oldest_due_age_seconds"] == 3 * 60
    assert values["mentoring_celery_queue_length"] == 3
    assert values["mentoring_emails_failed_last_hour"] == 2
    assert values["mentoring_webhook_deliveries_pending"] == 2


@override_settings(METRICS_TOKEN=TOKEN)
def test_empty_outboxes_read_zero(client, broker_queue):
    values = scrape(client)
    assert values["mentoring_reminders_due_unsent"] == 0
    assert values["mentoring_reminders_oldest_due_age_seconds"] == 0
    assert values["mentoring_notifications_due_unsent"] == 0
    assert values["mentoring_notifications_oldest_due_age_seconds"] == 0
    assert values["mentoring_emails_failed_last_hour"] == 0
    assert values["mentoring_webhook_deliveries_pending"] == 0


@override_settings(METRICS_TOKEN=TOKEN, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_broker_leaves_only_the_queue_gauge_out(client):
    values = scrape(client)
    assert "mentoring_celery_queue_length" not in values
    assert values["mentoring_webhook_deliveries_pending"] == 0


def test_the_gauges_cost_one_query_each(client, django_assert_num_queries):
    with override_settings(METRICS_TOKEN=TOKEN), django_assert_num_queries(4):
        client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
