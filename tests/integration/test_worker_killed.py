"""A worker killed mid-batch loses nothing: the notifications of many people, claimed by one scan,
sent by a worker that is killed part-way through them; a second worker and beat's next scans
finish the batch, and each person gets exactly one email.

(Reminders: test_reminders.py; announcements, 2,000 recipients with the worker killed
mid-way: test_announcements.py.)
"""

from collections import Counter
from collections.abc import Callable
from functools import partial

import psycopg2
import pytest
from django.db import transaction

from exchange.models import Message
from mentoring.celery import app as celery_app
from notifications.models import Notification
from notifications.services import notification_schedule
from notifications.tasks import notifications_dispatch_task
from programmes.models import Cohort
from tests.factories import PairingFactory
from tests.integration.support import (
    SmtpSink,
    Worker,
    a_query_waits_for_a_lock,
    database_url,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 24
VICTIM = 8  # the send of the ninth person in the batch is where the worker dies
Status = Notification.Status


def messages_to_many(cohort: Cohort) -> list[Notification]:
    """One message to each of PEOPLE mentees, due at once (no contact hours), in claim order."""
    for n in range(PEOPLE):
        pairing = PairingFactory(cohort=cohort)
        with transaction.atomic():
            message = Message.objects.create(
                pairing=pairing, sender=pairing.mentor, body=f"Message {n}"
            )
            notification_schedule(
                recipient=pairing.mentee,
                pairing=pairing,
                kind=Notification.Kind.MESSAGE,
                message=message,
            )
    # Each row queued its own dispatch; drop those, so that one scan (below) claims them all.
    celery_app.control.purge()
    return list(Notification.objects.order_by("due_at", "pk"))


def mailed(sink: SmtpSink) -> Counter[str]:
    return Counter(
        address.addr_spec
        for message in sink.messages
        if message["X-Notification-Ids"] is not None
        for address in message["To"].addresses
    )


def sent(rows: list[Notification]) -> int:
    return Notification.objects.filter(pk__in=[r.pk for r in rows], status=Status.SENT).count()


def test_a_worker_killed_mid_batch_of_notifications_loses_and_repeats_none(
    cohort: Cohort,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
    settings,
) -> None:
    settings.NOTIFICATION_CLAIM_STALE_SECONDS = 2  # for the scans run here, as beat runs them
    rows = messages_to_many(cohort)
    assert len(rows) == PEOPLE
    assert notifications_dispatch_task() == PEOPLE  # one send per person waits in Redis
    victim_row = rows[VICTIM]
    # Hold one person's row from another connection, so the worker's send of it waits there,
    # mid-batch; then kill the worker, the way a lost machine stops.
    locker = psycopg2.connect(database_url())
    try:
        with locker.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM notifications_notification WHERE id = %s FOR UPDATE",
                [victim_row.pk],
            )
        [victim] = start_workers(1)
        wait_until(
            partial(a_query_waits_for_a_lock, "%notifications_notification%"),
            timeout=30,
            what="the send to wait",
        )
        victim.process.kill()
        victim.process.wait()
    finally:
        locker.close()
    sent_before_kill = sent(rows)
    assert 0 < sent_before_kill < PEOPLE, "the kill did not land mid-batch"

    [survivor] = start_workers(1)
    wait_until(
        lambda: sent(rows) == PEOPLE - 1, timeout=60, what="the rest of the batch to be sent"
    )
    assert Notification.objects.get(pk=victim_row.pk).status == Status.CLAIMED
    reclaimed: list[int] = []

    def rescanned() -> bool:  # beat's next runs: the dead worker's claim goes stale
        reclaimed.append(notifications_dispatch_task())
        return sum(reclaimed) > 0

    wait_until(rescanned, timeout=20, what="the stale claim to be claimed again")
    assert sum(reclaimed) == 1
    wait_until(lambda: sent(rows) == PEOPLE, timeout=30, what="the whole batch to be sent")
    wait_until(lambda: sum(mailed(smtp_sink).values()) >= PEOPLE, timeout=10, what="every email")
    recipients = {row.recipient.email for row in rows}
    assert mailed(smtp_sink) == Counter(recipients)  # each person once
    assert len(survivor.task_runs("notifications.tasks.notifications_send_task")) >= (
        PEOPLE - sent_before_kill
    )
    print(
        f"\n{PEOPLE} people, worker killed after {sent_before_kill} sent: "
        f"{len(recipients)} emailed once each, none twice"
    )
