"""Tasks enqueued through the outbox exist exactly when the change that asked for them
committed, run once, and are published again by beat's scan when the broker refused them.

Unit tests run tasks in-process (eager); tests/integration/test_redis_outage.py stops a real
Redis under real workers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.tasks import user_welcome_send_task
from outbox.models import QueuedTask
from outbox.services import (
    queued_task_finished,
    queued_tasks_publish_due,
    task_enqueue_on_commit,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newcomer(newcomer):
    """Erin, her welcome email not sent yet."""
    newcomer.welcome_email_sent_at = None
    newcomer.save(update_fields=["welcome_email_sent_at"])
    return newcomer


def welcome_emails(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email] and "Welcome" in m.subject]


def test_a_task_enqueued_in_a_transaction_that_rolls_back_leaves_no_row_and_no_email(newcomer):
    def booking_that_fails() -> None:
        with transaction.atomic():
            task_enqueue_on_commit(user_welcome_send_task, newcomer.pk)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        booking_that_fails()

    assert not QueuedTask.objects.exists()
    assert welcome_emails(newcomer) == []


def test_a_task_runs_once_its_transaction_commits_and_its_row_is_finished(newcomer):
    with transaction.atomic():
        row = task_enqueue_on_commit(user_welcome_send_task, newcomer.pk)
        assert welcome_emails(newcomer) == []

    row.refresh_from_db()
    assert len(welcome_emails(newcomer)) == 1
    assert row.published_at is not None
    assert row.finished_at is not None


def test_the_scan_publishes_a_row_the_broker_never_took_and_the_task_sends_once(newcomer):
    now = timezone.now()
    # As the web left it when the broker refused: written, never published.
    row = QueuedTask.objects.create(name=user_welcome_send_task.name, args=[newcomer.pk])
    QueuedTask.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=1))

    assert queued_tasks_publish_due(now=now) == 1
    assert queued_tasks_publish_due(now=now + timedelta(minutes=5)) == 0  # finished: left alone

    row.refresh_from_db()
    assert (row.publish_count, row.finished_at is not None) == (1, True)
    assert len(welcome_emails(newcomer)) == 1


def test_a_row_written_a_moment_ago_is_left_to_the_request_that_wrote_it(newcomer):
    QueuedTask.objects.create(name=user_welcome_send_task.name, args=[newcomer.pk])

    assert queued_tasks_publish_due(now=timezone.now()) == 0


def test_a_row_published_long_ago_that_no_worker_finished_is_published_again(newcomer):
    now = timezone.now()
    row = QueuedTask.objects.create(
        name=user_welcome_send_task.name,
        args=[newcomer.pk],
        published_at=now - timedelta(hours=3),
        publish_count=1,
    )

    assert queued_tasks_publish_due(now=now) == 1

    row.refresh_from_db()
    assert row.publish_count == 2
    assert len(welcome_emails(newcomer)) == 1


def test_a_run_that_will_retry_does_not_finish_its_row_and_rows_a_week_old_are_forgotten():
    row = QueuedTask.objects.create(name=user_welcome_send_task.name, args=[1])

    queued_task_finished(task_id=row.task_id, state="RETRY")
    row.refresh_from_db()
    assert row.finished_at is None

    queued_task_finished(task_id=row.task_id, state="SUCCESS")
    queued_task_finished(task_id="not-ours", state="SUCCESS")
    row.refresh_from_db()
    assert row.finished_at is not None

    queued_tasks_publish_due(now=timezone.now() + timedelta(days=8))
    assert not QueuedTask.objects.exists()
