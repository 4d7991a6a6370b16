"""Notification emails end to end: rows held to contact hours, the dispatch and the sends run by
worker processes through Redis, the digest received by a real SMTP server.

Workers run on the real clock, which a test cannot freeze. So the test process writes each
held row at a frozen moment two hours back, with contact hours (in Tokyo) that open at a
chosen real moment: a quarter hour just past for a row that is due now, one ahead for a row
that must wait. The dispatch and the send then run exactly as beat and the workers run them
in production, with no test-only clock argument: what is tested is what ships.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from zoneinfo import ZoneInfo

import psycopg2
import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from exchange.models import Message
from notifications.models import Notification
from notifications.services import notification_schedule, notifications_claim_due
from notifications.tasks import notifications_dispatch_task, notifications_send_task
from pairings.models import Pairing
from tests.agreements import terms_state
from tests.integration.support import (
    SmtpSink,
    Worker,
    a_query_waits_for_a_lock,
    database_url,
    text_body,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKYO = ZoneInfo("Asia/Tokyo")
SEND_TASK = "notifications.tasks.notifications_send_task"
DISPATCH_TASK = "notifications.tasks.notifications_dispatch_task"
Status = Notification.Status


def quarter_hour(moment: datetime, *, later: int) -> datetime:
    """The quarter hour `later` quarters after the one `moment` falls in (negative: before)."""
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor + timedelta(minutes=15 * later)


def hours_opening_at(pairing: Pairing, person, opens_at: datetime) -> None:
    """The person's contact hours: one quarter of an hour a week in Tokyo, from `opens_at`
    (stated a day before, so the agreement's own emails are long gone)."""
    local = opens_at.astimezone(TOKYO)
    start = local.hour * 60 + local.minute
    with time_machine.travel(opens_at - timedelta(days=1), tick=False):
        terms_state(
            pairing,
            person,
            channels=["email"],
            contact_hours=[[local.weekday(), start, start + 15]],
            timezone="Asia/Tokyo",
        )


def message_at(pairing: Pairing, *, at: datetime, body: str) -> Message:
    """The mentor's message as the thread's service writes it, at a frozen moment."""
    with time_machine.travel(at, tick=False), transaction.atomic():
        message = Message.objects.create(pairing=pairing, sender=pairing.mentor, body=body)
        notification_schedule(
            recipient=pairing.mentee,
            pairing=pairing,
            kind=Notification.Kind.MESSAGE,
            message=message,
        )
    return message


def held_until(pairing: Pairing, opens_at: datetime, *bodies: str) -> list[Message]:
    """Messages written two hours before the mentee's hours open at `opens_at` (real time)."""
    hours_opening_at(pairing, pairing.mentee, opens_at)
    written = opens_at - timedelta(hours=2)
    messages = [
        message_at(pairing, at=written + timedelta(minutes=10 * n), body=body)
        for n, body in enumerate(bodies)
    ]
    for message in messages:
        row = Notification.objects.get(message=message)
        assert (row.status, row.held, row.due_at) == (Status.PENDING, True, opens_at)
    return messages


def notification_emails(sink: SmtpSink) -> list[EmailMessage]:
    # Only ours: stating contact hours emails the partner too.
    return sink.matching(lambda m: m["X-Notification-Ids"] is not None)


def wait_until_status(messages: list[Message], status: str) -> None:
    wait_until(
        lambda: (
            Notification.objects.filter(message__in=messages, status=status).count()
            == len(messages)
        ),
        timeout=20,
        what=f"the notifications to be {status}",
    )


def runs(workers: list[Worker], task: str, *, at_least: int) -> list[str]:
    """What the workers' runs of `task` returned, once there are enough."""
    results: list[str] = []

    def enough() -> bool:
        results[:] = [run.value for worker in workers for run in worker.task_runs(task)]
        return len(results) >= at_least

    wait_until(enough, timeout=30, what=f"{at_least} runs of {task}")
    return results


def test_held_messages_become_one_email_when_the_hours_open_however_many_dispatch_it(
    pairing: Pairing,
    other_pairing: Pairing,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
) -> None:
    now = timezone.now()
    held = held_until(
        pairing, quarter_hour(now, later=-1), "Budget slide: too busy?", "Who is in the room?"
    )
    # Charlie's hours open in the real future: his message must wait through the test.
    [waiting] = held_until(other_pairing, quarter_hour(now, later=4), "Not yet, Charlie")
    workers = start_workers(2)

    # Beat's scan, published twice at once: each worker may take one.
    notifications_dispatch_task.delay()
    notifications_dispatch_task.delay()

    assert sorted(runs(workers, DISPATCH_TASK, at_least=2)) == ["0", "2"]
    assert runs(workers, SEND_TASK, at_least=1) == ["2"]
    wait_until_status(held, Status.SENT)
    [email] = notification_emails(smtp_sink)
    assert email["To"].addresses[0].addr_spec == pairing.mentee.email
    assert email["Subject"] == "[Mentoring] 2 new things from your mentoring pairings"
    body = text_body(email)
    assert "Budget slide: too busy?" in body
    assert "Who is in the room?" in body
    assert body.count("Held while you were outside your contact hours.") == 2
    assert Notification.objects.get(message=waiting).status == Status.PENDING

    # A later scan finds nothing more to send.
    notifications_dispatch_task.delay()
    assert runs(workers, DISPATCH_TASK, at_least=3).count("0") == 2
    assert len(notification_emails(smtp_sink)) == 1


def test_the_same_digest_queued_twice_for_two_workers_is_mailed_once(
    pairing: Pairing, smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]]
) -> None:
    held = held_until(pairing, quarter_hour(timezone.now(), later=-1), "One", "Two", "Three")
    [ids] = notifications_claim_due(now=timezone.now()).values()
    # As if a stale claim had been queued again: the same send twice, run at once while the
    # server holds each exchange a while.
    smtp_sink.delay = 0.5
    notifications_send_task.delay(pairing.mentee_id, ids)
    notifications_send_task.delay(pairing.mentee_id, ids)

    workers = start_workers(2)

    assert sorted(runs(workers, SEND_TASK, at_least=2)) == ["0", "3"]
    wait_until_status(held, Status.SENT)
    assert len(notification_emails(smtp_sink)) == 1


def test_a_message_read_on_the_site_before_the_hours_open_is_never_emailed(
    pairing: Pairing, smtp_sink: SmtpSink, worker: Worker
) -> None:
    opens_at = quarter_hour(timezone.now(), later=-1)
    [message] = held_until(pairing, opens_at, "Seen it on the site already")
    # Alice reads it an hour before her hours open.
    Message.objects.filter(pk=message.pk).update(read_at=opens_at - timedelta(hours=1))

    notifications_dispatch_task.delay()

    assert runs([worker], SEND_TASK, at_least=1) == ["0"]
    wait_until_status([message], Status.SKIPPED)
    assert notification_emails(smtp_sink) == []


def test_a_message_inside_the_hours_goes_out_at_once_through_the_worker(
    pairing: Pairing, smtp_sink: SmtpSink, worker: Worker
) -> None:
    # No hours stated: reachable at any time. Only the on-commit dispatch sends it.
    message = message_at(pairing, at=timezone.now(), body="Quick question")

    email = smtp_sink.wait_for(lambda m: m["X-Notification-Ids"] is not None)

    assert email["Subject"] == "[Mentoring] New message from Bob Mentor"
    assert "Quick question" in text_body(email)
    wait_until_status([message], Status.SENT)


def test_a_digest_the_smtp_server_refused_at_first_is_retried_and_delivered_once(
    pairing: Pairing, smtp_port: int, worker: Worker
) -> None:
    held = held_until(pairing, quarter_hour(timezone.now(), later=-1), "Still there?")

    notifications_dispatch_task.delay()  # nothing listens on the mail port yet
    wait_until(
        lambda: f"{SEND_TASK}[" in worker.log() and "retry: Retry in" in worker.log(),
        timeout=20,
        what="the send to fail and be retried",
    )
    assert Notification.objects.get(message=held[0]).status == Status.CLAIMED

    with SmtpSink(smtp_port) as sink:
        sink.wait_for(lambda m: m["X-Notification-Ids"] is not None, timeout=40)
        wait_until_status(held, Status.SENT)
        assert len(notification_emails(sink)) == 1


def test_a_worker_killed_mid_send_loses_no_notification(
    pairing: Pairing,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
    settings,
) -> None:
    settings.NOTIFICATION_CLAIM_STALE_SECONDS = 2  # for the scans run here, as beat runs them
    held = held_until(pairing, quarter_hour(timezone.now(), later=-1), "Before the kill")
    assert notifications_dispatch_task() == 1  # claimed here; the send waits in Redis
    # Hold the row from another connection so the worker's send waits mid-task; then kill the
    # worker there, the way a lost machine stops.
    locker = psycopg2.connect(database_url())
    try:
        with locker.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM notifications_notification WHERE message_id = %s FOR UPDATE",
                [held[0].pk],
            )
        [victim] = start_workers(1)
        wait_until(
            partial(a_query_waits_for_a_lock, "%notifications_notification%"),
            timeout=20,
            what="the send to wait",
        )
        victim.process.kill()
        victim.process.wait()
    finally:
        locker.close()
    assert Notification.objects.get(message=held[0]).status == Status.CLAIMED
    [survivor] = start_workers(1)

    reclaimed: list[int] = []

    def rescanned() -> bool:  # beat's next runs: the dead worker's claim goes stale
        reclaimed.append(notifications_dispatch_task())
        return sum(reclaimed) > 0

    wait_until(rescanned, timeout=20, what="the stale claim to be claimed again")
    assert sum(reclaimed) == 1
    smtp_sink.wait_for(lambda m: m["X-Notification-Ids"] is not None)
    wait_until_status(held, Status.SENT)
    assert len(notification_emails(smtp_sink)) == 1
    assert runs([survivor], SEND_TASK, at_least=1) == ["1"]
