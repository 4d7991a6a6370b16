"""Enqueue work so that a broker outage loses none of it and fails no request.

`task_enqueue_on_commit` writes the task as a row in the caller's transaction and, once that
commits, hands it to the broker with no retry loop: a refusal is logged and the request goes on.
Beat's scan (`queued_tasks_publish_due`) publishes every row the broker never took, and again
any row a worker never finished long after it was published (its message was lost with
Redis's memory). A worker marks the row finished when the task ends, so a task normally runs
once; it may run twice (the scan and a slow commit, a lost message that was not lost), so every
task given here must be safe to run twice, as every task of this project is.
"""

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mentoring.celery import app
from outbox.models import TASK_ID_PREFIX, QueuedTask

logger = logging.getLogger(__name__)

BROKER_DOWN = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 10.0  # seconds this process leaves the broker alone after it refused once
# A row this young may still be published by the request that wrote it, once it commits.
PUBLISH_GRACE = timedelta(seconds=10)
# Published and never finished for this long: the message was lost (Redis restarted without
# its data). Longer than a task's whole retry schedule (about 40 minutes) and the broker's
# visibility timeout (1 hour), after which Redis hands an unacknowledged message out again.
REPUBLISH_AFTER = timedelta(hours=2)
KEEP_FINISHED = timedelta(days=7)
SCAN_BATCH = 500

_broker_down_until = 0.0


def task_publish(task: Task, *args: Any, task_id: str | None = None) -> bool:
    """Hand `task(*args)` to the broker now; False when the broker is unreachable (logged, never
    raised: callers' work is a row that a scan starts again). After one refusal this process
    skips the broker for RETRY_AFTER seconds, so an outage costs a request nothing."""
    global _broker_down_until
    if app.conf.task_always_eager:  # tests and shells: run here, errors and all
        task.apply_async(args, task_id=task_id)
        return True
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args, task_id=task_id, retry=False)
    except BROKER_DOWN as exc:
        first = time.monotonic() >= _broker_down_until
        _broker_down_until = time.monotonic() + RETRY_AFTER
        if first:  # one line per outage and process, no traceback: the cause is known
            logger.warning("broker unreachable (%s): %s left for the outbox scan", exc, task.name)
        return False
    return True


def task_enqueue_on_commit(task: Task, *args: Any) -> QueuedTask:
    """Run `task(*args)` in a worker once the current transaction commits (at once outside one).

    The row is part of the transaction: it exists exactly when the change that asked for it
    does, and stays until a worker ran the task. `args` must be JSON (ids, ISO strings, dicts).
    """
    row = QueuedTask.objects.create(name=task.name, args=list(args))
    transaction.on_commit(partial(_publish_row, row.pk, task, row.args))
    return row


def task_enqueue_many_on_commit(task: Task, arg_lists: Iterable[Iterable[Any]]) -> int:
    """As `task_enqueue_on_commit` for many runs of one task: one insert, one callback that
    publishes them all once committed. Returns how many."""
    rows = QueuedTask.objects.bulk_create(
        QueuedTask(name=task.name, args=list(args)) for args in arg_lists
    )
    if rows:
        transaction.on_commit(partial(_publish_rows, [(row.pk, row.args) for row in rows], task))
    return len(rows)


def _publish_row(pk: int, task: Task, args: list[Any]) -> None:
    _publish_rows([(pk, args)], task)


def _publish_rows(rows: list[tuple[int, list[Any]]], task: Task) -> None:
    published = []
    for pk, args in rows:
        if not task_publish(task, *args, task_id=f"{TASK_ID_PREFIX}{pk}"):
            break  # the broker is down: the scan publishes the rest
        published.append(pk)
    if published:
        QueuedTask.objects.filter(pk__in=published, published_at__isnull=True).update(
            published_at=timezone.now(), publish_count=F("publish_count") + 1
        )


def queued_tasks_publish_due(*, now: datetime) -> int:
    """Beat's scan: publish the rows the broker never took and the rows published long ago that
    no worker finished; forget rows finished a week ago. Returns how many it published; stops
    at the first refusal (the broker is still down). Safe to run while other scans run."""
    QueuedTask.objects.filter(finished_at__lt=now - KEEP_FINISHED).delete()
    published: list[int] = []
    with transaction.atomic():
        due = (
            QueuedTask.objects.select_for_update(skip_locked=True)
            .filter(finished_at__isnull=True)
            .filter(
                Q(published_at__isnull=True, created_at__lt=now - PUBLISH_GRACE)
                | Q(published_at__lt=now - REPUBLISH_AFTER)
            )
            .order_by("pk")[:SCAN_BATCH]
        )
        for row in due:
            task = app.tasks.get(row.name)
            if task is None:
                logger.error("queued task %s names no task this worker knows", row.pk)
                continue
            if not task_publish(task, *row.args, task_id=row.task_id):
                break
            published.append(row.pk)
        QueuedTask.objects.filter(pk__in=published).update(
            published_at=now, publish_count=F("publish_count") + 1
        )
    if published:
        logger.info("outbox: %d queued tasks published again", len(published))
    return len(published)


def queued_task_finished(
    sender: Task | None = None, task_id: str | None = None, state: str | None = None, **_: Any
) -> None:
    """Celery's task_postrun, in the worker: a run that ended (not one that will retry)
    finishes its row, so the scan leaves it alone."""
    if not task_id or not task_id.startswith(TASK_ID_PREFIX) or state == "RETRY":
        return
    pk = task_id.removeprefix(TASK_ID_PREFIX)
    if pk.isdigit():
        QueuedTask.objects.filter(pk=int(pk), finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
